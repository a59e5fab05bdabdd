package peers.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole platform as a user meets it: the devstack (a child JVM running {@link DevStack} on its own ports and
 * a fresh data directory: embedded PostgreSQL, Kafka, S3 and every packaged service behind the router), then
 * the browser end-to-end test of the demo page ({@code e2e/client/demo.test.mjs}: playwright-core driving
 * Debian's Chromium, Alice and Bob in two contexts) against the router. Screenshots land in
 * {@code target/e2e/}. Needs node and {@code npm ci} in {@code e2e/} (CI does both).
 */
class DemoE2EIT {

    /** The repository root the devstack runs ({@code -Dpeers.e2e.root=…} to run another tree's packaged services). */
    static final Path ROOT = Path.of(System.getProperty("peers.e2e.root", "..")).toAbsolutePath().normalize();
    static final Path LOG = Path.of("target/e2e/devstack.log").toAbsolutePath();
    static final int BASE_PORT = Integer.getInteger("peers.e2e.port", 28080);

    static final Path DATA = Path.of("target/e2e-devstack-data").toAbsolutePath();
    static final List<Integer> PORTS = new ArrayList<>();
    static Process devstack;
    static Thread reader;
    static final StringBuilder output = new StringBuilder();
    static final CompletableFuture<String> ready = new CompletableFuture<>();

    @BeforeAll
    static void startDevstack() throws Exception {
        Path nodeModules = ROOT.resolve("e2e/node_modules/playwright-core");
        if (!Files.isDirectory(nodeModules)) {
            fail("e2e/node_modules is missing: run `npm ci` in e2e/ first (CI does)");
        }
        Files.createDirectories(LOG.getParent());
        Files.deleteIfExists(LOG);
        // a fresh data directory every run: schemas migrate from scratch, nothing of an earlier run leaks in
        Path data = DATA;
        deleteRecursively(data);
        int management = BASE_PORT + 1000;
        for (int i = 0; i <= ServiceCatalog.ALL.size(); i++) {
            PORTS.add(BASE_PORT + i);
            PORTS.add(management + i);
        }
        PORTS.addAll(List.of(BASE_PORT + 2000, BASE_PORT + 2001, BASE_PORT + 2002, BASE_PORT + 2003, BASE_PORT + 2004));
        for (int port : PORTS) {
            requireFree(port);
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "peers.devstack.DevStack",
                "--root", ROOT.toString(),
                "--data", data.toString(),
                "--port", Integer.toString(BASE_PORT),
                "--management-port", Integer.toString(management),
                "--pg-port", Integer.toString(BASE_PORT + 2000),
                "--kafka-port", Integer.toString(BASE_PORT + 2001),
                "--kafka-controller-port", Integer.toString(BASE_PORT + 2002),
                "--s3-port", Integer.toString(BASE_PORT + 2003),
                "--turn-port", Integer.toString(BASE_PORT + 2004)));
        String s3proxy = System.getProperty("peers.s3proxy.jar");
        if (s3proxy != null && Files.isRegularFile(Path.of(s3proxy))) {
            command.addAll(List.of("--s3proxy-jar", s3proxy));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PEERS_"));
        devstack = pb.start();
        reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(devstack.getInputStream(), StandardCharsets.UTF_8));
                    java.io.Writer log = Files.newBufferedWriter(LOG, StandardCharsets.UTF_8)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    log.write(line);
                    log.write('\n');
                    if (line.contains("READY in")) {
                        log.flush();
                        ready.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("the devstack ended before it was ready; see " + LOG));
        }, "devstack-output");
        reader.setDaemon(true);
        reader.start();
        String line = ready.get(400, TimeUnit.SECONDS);
        System.out.println("[e2e] " + line.strip());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void requireFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            fail("port " + port + " is in use (before the start: choose another base with -Dpeers.e2e.port=...; after the stop: something of the devstack still runs)");
        }
    }

    @AfterAll
    static void stopDevstack() throws Exception {
        if (devstack != null && devstack.isAlive()) {
            devstack.destroy(); // SIGTERM: its shutdown hook stops the router, services, Kafka, S3, then PostgreSQL
            if (!devstack.waitFor(90, TimeUnit.SECONDS)) {
                devstack.destroyForcibly();
                fail("the devstack did not stop within 90 s");
            }
            // a clean stop: PostgreSQL shut down (no postmaster.pid left) and every port free again
            Path postmaster = DATA.resolve("postgres/postmaster.pid");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Files.exists(postmaster) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(!Files.exists(postmaster), "PostgreSQL was not shut down; see " + LOG);
            for (int port : PORTS) {
                requireFree(port);
            }
        }
    }

    @Test
    void theRouterServesTheDemoPageAndEveryPrefix() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://localhost:" + BASE_PORT;
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Peers demo"));
        HttpResponse<String> client = http.send(HttpRequest.newBuilder(URI.create(base + "/client/index.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, client.statusCode());
        HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/peers-services")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, discovery.statusCode());
        for (ServiceCatalog.Service service : ServiceCatalog.present(ROOT)) {
            if (!service.packagedIn(ROOT)) {
                continue;
            }
            assertTrue(discovery.body().contains("\"" + service.basePath() + "\""), service.name() + " is missing from " + discovery.body());
            HttpResponse<String> openapi = http.send(HttpRequest.newBuilder(URI.create(base + service.links().stream()
                    .filter(l -> l.endsWith("/openapi")).findFirst().orElseThrow())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, openapi.statusCode(), service.name() + "'s OpenAPI through the router");
        }
    }

    @Test
    void aliceAndBobUseTheDemoInTwoBrowserContexts() throws Exception {
        Path artifacts = Path.of("target/e2e").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(List.of(System.getProperty("peers.node", "node"), "--experimental-websocket",
                "--test", "--test-reporter=spec", "e2e/client/"))
                .directory(ROOT.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PEERS_BASE_URL", "http://localhost:" + BASE_PORT);
        pb.environment().put("PEERS_ARTIFACTS", artifacts.toString());
        Process node = pb.start();
        StringBuilder report = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println("[node] " + line);
                report.append(line).append('\n');
            }
        }
        assertTrue(node.waitFor(10, TimeUnit.MINUTES), "the browser test did not finish");
        assertEquals(0, node.exitValue(), "the browser test failed; devstack log: " + LOG + ", screenshots: " + artifacts);
        assertTrue(report.toString().contains("ℹ skipped 0") && !report.toString().contains("ℹ pass 0\n"), "no browser test ran:\n" + report);
    }
}
