package peers.testing.process;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged service (its Quarkus fast-jar) running as a separate process, the way it runs in
 * production: for tests that restart or kill a service, or run two replicas side by side.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Path jar;
    private final Map<String, String> env;
    private final List<String> jvmArgs;
    private final int httpPort;
    private final int managementPort;
    private final Path logFile;
    private Process process;

    /**
     * @param jar the service's {@code target/quarkus-app/quarkus-run.jar}
     * @param config Quarkus/MicroProfile settings, passed as system properties (e.g. from PeersInfra)
     */
    public ServiceProcess(Path jar, Map<String, String> config) throws IOException {
        this.jar = jar.toAbsolutePath();
        if (!Files.isRegularFile(this.jar)) {
            throw new IllegalStateException("no packaged service at " + this.jar + ": run `./mvnw package` (ITs run after packaging)");
        }
        this.httpPort = freePort();
        this.managementPort = freePort();
        this.env = new LinkedHashMap<>();
        this.jvmArgs = new ArrayList<>();
        config.forEach((k, v) -> jvmArgs.add("-D" + k + "=" + v));
        jvmArgs.add("-Dquarkus.http.port=" + httpPort);
        jvmArgs.add("-Dquarkus.management.port=" + managementPort);
        this.logFile = Files.createTempFile("peers-service-", ".log");
    }

    public int httpPort() {
        return httpPort;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public Path logFile() {
        return logFile;
    }

    /** Starts the process and waits until its readiness check answers 200. */
    public ServiceProcess start(Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (process != null) {
                process.destroyForcibly();
            }
        }));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited with " + process.exitValue() + "; log: " + Files.readString(logFile));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("service not ready within " + timeout + "; log: " + Files.readString(logFile));
    }

    /** Kills the process at once (SIGKILL): nothing gets a chance to flush. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** Stops the process gracefully (SIGTERM). */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
