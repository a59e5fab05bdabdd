package peers.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Quarkus service ({@code quarkus-run.jar} of a fast-jar) run as a child JVM on free loopback
 * ports, with settings as environment variables and system properties; output goes to a log file.
 * Stopped by {@link #close()} and, should the bench JVM end first (Ctrl-C), by a shutdown hook.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int httpPort;
    private final int managementPort;
    private final Path log;
    private final Thread hook;

    private ServiceProcess(String name, Process process, int httpPort, int managementPort, Path log) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.log = log;
        this.hook = new Thread(this::stop, "bench-stop-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Copies the fast-jar directory {@code appDir} (holding {@code quarkus-run.jar}) to {@code workDir}, so a
     * rebuild of the service during the run cannot change jars under the running JVM, and starts it.
     */
    public static ServiceProcess start(String name, Path appDir, Path workDir, Map<String, String> env,
            Map<String, String> systemProperties, List<String> jvmArgs, Path log) throws IOException {
        if (!Files.isRegularFile(appDir.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(appDir.resolve("quarkus-run.jar") + " is missing: package the service first (see bench/README.md)");
        }
        deleteTree(workDir);
        copyTree(appDir, workDir);
        int http = freePort();
        int management = freePort();
        while (management == http) {
            management = freePort();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(workDir.resolve("quarkus-run.jar").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        Files.createDirectories(log.getParent());
        pb.redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(http));
        pb.environment().put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        return new ServiceProcess(name, pb.start(), http, management, log);
    }

    /** Polls {@code /q/health/ready} on the management port until it answers 200. */
    public ServiceProcess awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with status " + process.exitValue() + " before it was ready; log "
                        + log + ":\n" + tail(40));
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
                last = r.statusCode() + " " + r.body();
            } catch (ConnectException e) {
                last = "connection refused";
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s (last: " + last + "); log " + log
                + ":\n" + tail(40));
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public int httpPort() {
        return httpPort;
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public Path log() {
        return log;
    }

    /** The last {@code lines} lines of the service's log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM: Quarkus shuts down gracefully
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A port that was free on 127.0.0.1 a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
