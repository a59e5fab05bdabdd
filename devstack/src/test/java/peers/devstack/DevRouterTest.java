package peers.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router against two real origin servers (Vert.x, on loopback): requests and bodies pass unchanged with
 * the caller's Host, WebSocket upgrades are relayed both ways, a prefix without a running service is a 503
 * problem, static files are served without escaping their directory.
 */
class DevRouterTest {

    @TempDir
    static Path files;

    static Vertx originVertx;
    static HttpServer registry;
    static HttpServer signaling;
    static DevRouter router;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        originVertx = Vertx.vertx();
        registry = originVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> req.response()
                        .putHeader("content-type", "application/json")
                        .putHeader("x-origin", "registry")
                        .end(new JsonObject()
                                .put("method", req.method().name())
                                .put("uri", req.uri())
                                .put("host", req.getHeader("host"))
                                .put("signature", req.getHeader("signature"))
                                .put("forwardedFor", req.getHeader("x-forwarded-for"))
                                .put("body", body.toString()).encode())))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        signaling = originVertx.createHttpServer()
                .webSocketHandler(ws -> {
                    ws.writeTextMessage("hello " + ws.path());
                    ws.textMessageHandler(text -> ws.writeTextMessage("echo " + text));
                })
                .requestHandler(req -> req.response().end("signaling " + req.path()))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        Path demo = Files.createDirectories(files.resolve("demo"));
        Files.writeString(demo.resolve("index.html"), "<!doctype html><title>demo</title>");
        Files.writeString(files.resolve("secret.txt"), "outside");
        Path client = Files.createDirectories(files.resolve("client"));
        Files.writeString(client.resolve("index.js"), "export const x = 1;");

        router = DevRouter.start("127.0.0.1", 0, List.of(
                new DevRouter.Route("/registry/", "key-registry", registry.actualPort()),
                new DevRouter.Route("/.well-known/", "key-registry", registry.actualPort()),
                new DevRouter.Route("/signal/", "signaling", signaling.actualPort()),
                new DevRouter.Route("/backup/", "backup-service", null)), demo, client);
    }

    @AfterAll
    static void stop() throws Exception {
        if (router != null) {
            router.close();
        }
        originVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String base() {
        return "http://127.0.0.1:" + router.port();
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsGoToTheServiceOfTheirPrefixUnchangedWithTheCallersHost() throws Exception {
        HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(base() + "/registry/v1/identities?x=1&y=%2F"))
                .header("signature", "sig=:abc:")
                .POST(HttpRequest.BodyPublishers.ofString("{\"handle\":\"alice\"}")));
        assertEquals(200, res.statusCode());
        assertEquals("registry", res.headers().firstValue("x-origin").orElseThrow());
        JsonObject echo = new JsonObject(res.body());
        assertEquals("POST", echo.getString("method"));
        assertEquals("/registry/v1/identities?x=1&y=%2F", echo.getString("uri"));
        assertEquals("127.0.0.1:" + router.port(), echo.getString("host"), "the service must see the caller's authority (RFC 9421 @authority)");
        assertEquals("sig=:abc:", echo.getString("signature"));
        assertEquals("{\"handle\":\"alice\"}", echo.getString("body"));

        JsonObject wellKnown = new JsonObject(send(HttpRequest.newBuilder(URI.create(base() + "/.well-known/peers-services"))).body());
        assertEquals("/.well-known/peers-services", wellKnown.getString("uri"));
        assertEquals("signaling /signal/v1/ice-servers",
                send(HttpRequest.newBuilder(URI.create(base() + "/signal/v1/ice-servers"))).body());
    }

    @Test
    void largeBodiesStreamThrough() throws Exception {
        String big = "x".repeat(3 * 1024 * 1024);
        HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(base() + "/registry/v1/big"))
                .PUT(HttpRequest.BodyPublishers.ofString(big)));
        assertEquals(200, res.statusCode());
        assertEquals(big.length(), new JsonObject(res.body()).getString("body").length());
    }

    @Test
    void webSocketsAreRelayedBothWays() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + router.port() + "/signal/v1/ws"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        received.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        assertEquals("hello /signal/v1/ws", received.poll(10, TimeUnit.SECONDS));
        ws.sendText("{\"type\":\"ping\"}", true).get(10, TimeUnit.SECONDS);
        assertEquals("echo {\"type\":\"ping\"}", received.poll(10, TimeUnit.SECONDS));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPrefixWhoseServiceIsNotRunningIsA503Problem() throws Exception {
        HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(base() + "/backup/v1/repositories")));
        assertEquals(503, res.statusCode());
        assertEquals("application/problem+json", res.headers().firstValue("content-type").orElseThrow());
        JsonObject problem = new JsonObject(res.body());
        assertEquals("urn:peers:problem:service-not-running", problem.getString("type"));
        assertTrue(problem.getString("detail").contains("backup-service"));
    }

    @Test
    void theDemoPageAndTheClientModulesAreServed() throws Exception {
        HttpResponse<String> index = send(HttpRequest.newBuilder(URI.create(base() + "/")));
        assertEquals(200, index.statusCode());
        assertTrue(index.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
        assertEquals("<!doctype html><title>demo</title>", index.body());
        HttpResponse<String> module = send(HttpRequest.newBuilder(URI.create(base() + "/client/index.js")));
        assertEquals(200, module.statusCode());
        assertTrue(module.headers().firstValue("content-type").orElseThrow().contains("javascript"));
    }

    @Test
    void unknownPathsAre404AndStaticFilesCannotEscapeTheirDirectory() throws Exception {
        HttpResponse<String> res = send(HttpRequest.newBuilder(URI.create(base() + "/nothing/here")));
        assertEquals(404, res.statusCode());
        assertEquals("urn:peers:problem:not-found", new JsonObject(res.body()).getString("type"));
        // a raw request line (java.net.http would normalize the dots away)
        for (String path : List.of("/../secret.txt", "/%2e%2e/secret.txt", "/client/../../secret.txt", "/client/%2e%2e/%2e%2e/secret.txt")) {
            String answer = rawGet(path);
            assertTrue(!answer.contains("outside"), path + " escaped the demo directory: " + answer);
        }
    }

    private static String rawGet(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", router.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aServiceThatIsDownIsABadGatewayNotAHang() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (DevRouter other = DevRouter.start("127.0.0.1", 0,
                List.of(new DevRouter.Route("/sync/", "sync-buffer", closedPort)), null, null)) {
            CompletableFuture<HttpResponse<String>> res = http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port() + "/sync/v1/streams")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(502, res.get(10, TimeUnit.SECONDS).statusCode());
        }
    }
}
