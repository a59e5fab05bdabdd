package peers.devstack;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.proxy.handler.ProxyHandler;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The devstack's front door: one port that mirrors the ingress URL space of ARCHITECTURE.md. Each path prefix
 * goes to the service that owns it, unchanged (services serve under their own prefix), WebSocket upgrades
 * included; {@code /client/} serves the {@code @peers/client} modules and {@code /} the demo page. A prefix
 * whose service does not run in this devstack answers 503 problem+json naming the service.
 *
 * <p>Vert.x HTTP Proxy does the proxying (hop-by-hop headers, streaming bodies both ways, WebSocket
 * pass-through); the original {@code Host} reaches the service, so RFC 9421 signatures over
 * {@code @authority} verify behind the router exactly as behind the ingress.
 */
final class DevRouter implements AutoCloseable {

    /** A prefix and where it goes: a running service's HTTP port, or nothing (the service is not running). */
    record Route(String prefix, String service, Integer port) {
    }

    /**
     * Sends the caller's {@code Host} on to the service (Vert.x HTTP Proxy would send the origin's): signatures
     * cover {@code @authority}, and the client signed the authority it called.
     */
    private static final ProxyInterceptor KEEP_HOST = new ProxyInterceptor() {
        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
            HostAndPort authority = context.request().proxiedRequest().authority();
            if (authority != null) {
                context.request().setAuthority(authority);
            }
            return context.sendRequest();
        }
    };

    private final Vertx vertx;
    private final HttpServer server;

    private DevRouter(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** The port it listens on (useful with port 0). */
    int port() {
        return server.actualPort();
    }

    /**
     * Starts the router.
     *
     * @param host      address to bind
     * @param port      port to bind (0: any free one)
     * @param routes    prefixes in match order (the first matching prefix wins)
     * @param demo      directory served at {@code /} (the demo page), if it exists
     * @param client    directory served at {@code /client/} (the client's ES modules), if it exists
     */
    static DevRouter start(String host, int port, List<Route> routes, Path demo, Path client) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
        try {
            HttpClient origins = vertx.createHttpClient(new HttpClientOptions()
                            .setKeepAlive(true)
                            .setConnectTimeout(2000)
                            .setMaxWebSocketFrameSize(1 << 20)
                            .setMaxWebSocketMessageSize(1 << 20),
                    new PoolOptions().setHttp1MaxSize(64));
            Router router = Router.router(vertx);
            Map<Integer, HttpProxy> proxies = new LinkedHashMap<>();
            for (Route route : routes) {
                String path = route.prefix().endsWith("/") ? route.prefix() + "*" : route.prefix();
                if (route.port() == null) {
                    router.route(path).handler(ctx -> notRunning(ctx, route.service()));
                } else {
                    HttpProxy proxy = proxies.computeIfAbsent(route.port(), p ->
                            HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), origins)
                                    .origin(p, "127.0.0.1")
                                    .addInterceptor(KEEP_HOST));
                    router.route(path).handler(ProxyHandler.create(proxy));
                }
            }
            if (client != null && Files.isDirectory(client)) {
                router.route("/client/*").handler(StaticHandler.create(FileSystemAccess.ROOT, client.toAbsolutePath().toString())
                        .setCachingEnabled(false).setDirectoryListing(false).setIncludeHidden(false));
            }
            if (demo != null && Files.isDirectory(demo)) {
                router.route("/*").handler(StaticHandler.create(FileSystemAccess.ROOT, demo.toAbsolutePath().toString())
                        .setCachingEnabled(false).setDirectoryListing(false).setIncludeHidden(false).setIndexPage("index.html"));
            }
            router.route().last().handler(ctx -> problem(ctx, 404, "not-found", "Not found",
                    "no service of this devstack serves " + ctx.normalizedPath()));
            HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                            .setMaxWebSocketFrameSize(1 << 20)
                            .setMaxWebSocketMessageSize(1 << 20))
                    .requestHandler(router)
                    .listen(port, host)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return new DevRouter(vertx, server);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    private static void notRunning(RoutingContext ctx, String service) {
        problem(ctx, 503, "service-not-running", "Service not running",
                service + " does not run in this devstack (its module is not packaged); build it and start the devstack again");
    }

    private static void problem(RoutingContext ctx, int status, String type, String title, String detail) {
        ctx.response().setStatusCode(status)
                .putHeader("content-type", "application/problem+json")
                .end(new JsonObject()
                        .put("type", "urn:peers:problem:" + type)
                        .put("title", title)
                        .put("status", status)
                        .put("detail", detail)
                        .encode());
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            Console.say("while stopping the router: " + e);
        }
    }
}
