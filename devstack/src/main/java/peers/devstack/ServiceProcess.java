package peers.devstack;

import peers.infra.Jvm;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One service, run from its Quarkus fast-jar as a child JVM, configured through environment variables (the
 * way it runs in a container), its output forwarded line by line with the prefix {@code [<name>]}.
 */
final class ServiceProcess {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final ServiceCatalog.Service service;
    private final Path jar;
    private final int managementPort;
    private Process process;
    private Thread output;
    private boolean stopped;

    ServiceProcess(ServiceCatalog.Service service, Path jar, int managementPort) {
        this.service = service;
        this.jar = jar;
        this.managementPort = managementPort;
    }

    String name() {
        return service.name();
    }

    synchronized void start(List<String> javaOptions, Map<String, String> environment, Iterable<String> droppedVariables) throws IOException {
        if (stopped) {
            return; // stopped before it started (Ctrl-C during start)
        }
        List<String> command = new ArrayList<>();
        command.add(Jvm.javaBinary());
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(jar.getParent().toFile())
                .redirectErrorStream(true);
        droppedVariables.forEach(builder.environment()::remove);
        builder.environment().putAll(environment);
        process = builder.start();
        process.getOutputStream().close();
        output = Console.forward(service.name(), process.getInputStream());
    }

    /** Waits until the service's readiness check passes; fails if it exits first or takes too long. */
    void awaitReady(Duration timeout) throws IOException {
        if (process == null) {
            throw new IOException(service.name() + " was stopped before it started");
        }
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                awaitOutput();
                throw new IOException(service.name() + " exited with status " + process.exitValue() + " before it was ready");
            }
            try {
                if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + service.name(), e);
            }
            JavaProcesses.pause(Duration.ofMillis(100));
        }
        throw new IOException(service.name() + " was not ready within " + timeout.toSeconds() + " s (" + ready + ")");
    }

    /** Completes when the process exits, for whatever reason. */
    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** Graceful stop (SIGTERM: Quarkus finishes requests in flight), SIGKILL after 30 s. */
    synchronized void stop() {
        stopped = true;
        Process p = process;
        if (p == null) {
            return;
        }
        JavaProcesses.stop(p, STOP_GRACE);
        awaitOutput();
    }

    private void awaitOutput() {
        try {
            output.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
