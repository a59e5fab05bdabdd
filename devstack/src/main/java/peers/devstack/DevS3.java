package peers.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An S3 API server: S3Proxy 4.1.0 with a filesystem blob store (one directory per bucket under
 * {@code blobDirectory}), run as a child JVM from its standalone jar so that its Jetty and Jackson 3 never
 * meet anything else, the same way the testing module's {@code TestS3} runs it. Path-style buckets, AWS
 * Signature V2 or V4 with {@link #ACCESS_KEY} / {@link #SECRET_KEY}, region {@link #REGION}.
 */
final class DevS3 {

    static final String VERSION = "4.1.0";
    static final String ACCESS_KEY = "peers-dev-access-key";
    static final String SECRET_KEY = "peers-dev-secret-key";
    static final String REGION = "us-east-1";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_WAIT = Duration.ofSeconds(15);

    private final Path blobDirectory;
    private final Path runDirectory;
    private final Path logFile;
    private final Path jar;
    private final int port;
    private Process process;

    DevS3(Path blobDirectory, Path runDirectory, Path logFile, Optional<Path> configuredJar, int port) {
        this.blobDirectory = blobDirectory;
        this.runDirectory = runDirectory;
        this.logFile = logFile;
        this.jar = locateJar(configuredJar);
        this.port = port;
    }

    /** Starts S3Proxy and waits until it answers HTTP. */
    synchronized void start(List<String> javaOptions) throws IOException {
        Files.createDirectories(blobDirectory);
        Files.createDirectories(logFile.getParent());
        Path properties = runDirectory.resolve("s3proxy.properties");
        Path logback = runDirectory.resolve("s3proxy-logback.xml");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "s3proxy.ignore-unknown-headers=true",
                // browsers PUT and GET presigned URLs (backup-service) from the demo page's origin
                "s3proxy.cors-allow-all=true",
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + blobDirectory,
                ""), StandardCharsets.UTF_8);
        // without a logback configuration S3Proxy logs DEBUG and runs four times slower
        Files.writeString(logback, """
                <configuration>
                  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="STDOUT"/></root>
                </configuration>
                """, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        command.add(JavaProcesses.javaBinary());
        command.addAll(javaOptions);
        command.addAll(List.of(
                "-Dlogback.configurationFile=" + logback,
                "-cp", jar.toString(),
                "org.gaul.s3proxy.Main",
                "--properties", properties.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(runDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().put("LOG_LEVEL", "warn");
        builder.environment().put("JETTY_LOG_LEVEL", "warn");
        process = builder.start();
        awaitHttp();
    }

    /** Stops S3Proxy (SIGTERM, then SIGKILL after 15 s); every acknowledged write is on disk already. */
    synchronized void stop() {
        Process p = process;
        process = null;
        if (p != null) {
            JavaProcesses.stop(p, STOP_WAIT);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitHttp() throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("S3Proxy exited with status " + process.exitValue() + "; see " + logFile);
            }
            try {
                client.send(probe, HttpResponse.BodyHandlers.discarding());
                return; // any HTTP answer (403 without credentials) means it serves requests
            } catch (IOException e) {
                JavaProcesses.pause(Duration.ofMillis(50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for S3Proxy", e);
            }
        }
        throw new IOException("S3Proxy did not answer on " + endpoint() + " within " + STARTUP_TIMEOUT.toSeconds() + " s; see " + logFile);
    }

    private static Path locateJar(Optional<Path> configured) {
        List<Path> candidates = new ArrayList<>();
        configured.ifPresent(candidates::add);
        String relative = "org/gaul/s3proxy/" + VERSION + "/s3proxy-" + VERSION + "-jar-with-dependencies.jar";
        Optional.ofNullable(System.getProperty("maven.repo.local")).filter(s -> !s.isBlank())
                .ifPresent(repo -> candidates.add(Path.of(repo).resolve(relative)));
        candidates.add(Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(relative));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new IllegalStateException(
                "S3Proxy jar not found at " + candidates + "; run the devstack with -Pdevstack (it fetches "
                        + "org.gaul:s3proxy:" + VERSION + ":jar-with-dependencies), or pass --no-s3"));
    }
}
