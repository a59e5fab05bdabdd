package peers.infra;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 API server: S3Proxy 4.1.0 with a filesystem blob store (one directory per bucket under the blob
 * directory), run as a SEPARATE PROCESS ({@code java ... S3ProxyLauncher <our pid> --properties <file>}) from
 * its standalone jar, so that its Jetty, Jackson 3 and logback never meet this JVM's class path.
 *
 * <p>Endpoint {@code http://127.0.0.1:<port>} (path-style buckets), AWS Signature V2 or V4 with the given access
 * and secret key. The child runs with the same {@code java} as this JVM, logs at WARN into its log file, and
 * dies with this JVM: {@link S3ProxyLauncher} halts it as soon as this process is gone, and
 * {@link #killedOnExit()} adds a shutdown hook for ordinary exits of a caller that does not stop it itself.
 *
 * <p>{@link #stop()} ends the process; {@link #start()} starts a new one on the same port and blob directory:
 * buckets and objects survive (the filesystem blob store has every acknowledged write on disk already).
 */
public final class S3Server implements Restartable {

    private static final Logger LOG = LoggerFactory.getLogger(S3Server.class);

    public static final String VERSION = "4.1.0";
    public static final String REGION = "us-east-1";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final Path blobDirectory;
    private final Path runDirectory;
    private final Path logFile;
    private final Path jar;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private final List<String> javaOptions = new ArrayList<>();
    private boolean corsAllowAll;
    private Duration stopGrace = Duration.ZERO;
    private Thread shutdownHook;

    private volatile Process process;

    /**
     * Prepares (but does not start) a server on {@code 127.0.0.1:port}.
     *
     * @param blobDirectory where buckets and objects live
     * @param runDirectory  the child's working directory, for its generated configuration and launcher class
     * @param logFile       the child's combined stdout and stderr (appended)
     * @param jar           S3Proxy's {@code jar-with-dependencies} (see {@link #locateJar})
     */
    public S3Server(Path blobDirectory, Path runDirectory, Path logFile, Path jar, int port, String accessKey, String secretKey) {
        this.blobDirectory = Objects.requireNonNull(blobDirectory, "blobDirectory").toAbsolutePath();
        this.runDirectory = Objects.requireNonNull(runDirectory, "runDirectory").toAbsolutePath();
        this.logFile = Objects.requireNonNull(logFile, "logFile").toAbsolutePath();
        this.jar = Objects.requireNonNull(jar, "jar");
        this.port = port;
        this.accessKey = Objects.requireNonNull(accessKey, "accessKey");
        this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
    }

    /** Options for the child JVM (heap, GC, agents), before the main class. */
    public synchronized S3Server javaOptions(List<String> options) {
        javaOptions.clear();
        javaOptions.addAll(options);
        return this;
    }

    /** Answers CORS preflights for any origin: browsers PUT and GET presigned URLs from a page's origin. */
    public synchronized S3Server corsAllowAll() {
        this.corsAllowAll = true;
        return this;
    }

    /**
     * {@link #stop()} sends SIGTERM and waits up to {@code grace} before SIGKILL (Jetty's graceful shutdown costs
     * ~2 s); without it, {@link #stop()} kills at once, the abrupt outage fault tests want.
     */
    public synchronized S3Server stopGracefully(Duration grace) {
        this.stopGrace = grace;
        return this;
    }

    /** Kills the child from a shutdown hook of this JVM (removed by {@link #forgetShutdownHook()}). */
    public synchronized S3Server killedOnExit() {
        if (shutdownHook == null) {
            // not synchronized: must not wait for a start() that is still polling
            shutdownHook = new Thread(() -> {
                Process p = process;
                if (p != null) {
                    p.destroyForcibly();
                }
            }, "s3proxy-killer");
            shutdownHook.setContextClassLoader(S3Server.class.getClassLoader());
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return this;
    }

    /** Removes the hook of {@link #killedOnExit()}, once the process is stopped for good. */
    public synchronized void forgetShutdownHook() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs anyway
            }
            shutdownHook = null;
        }
    }

    /** Starts the S3Proxy process and waits until it answers HTTP; does nothing when it already runs. */
    @Override
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Path properties = runDirectory.resolve("s3proxy.properties");
            Path logback = runDirectory.resolve("logback-warn.xml");
            Path launcherDirectory = runDirectory.resolve("launcher");
            writeFiles(properties, logback, launcherDirectory);
            List<String> command = new ArrayList<>();
            command.add(Jvm.javaBinary());
            command.addAll(javaOptions);
            command.addAll(List.of(
                    "-Dlogback.configurationFile=" + logback,
                    "-cp", launcherDirectory + File.pathSeparator + jar,
                    S3ProxyLauncher.class.getName(),
                    Long.toString(ProcessHandle.current().pid()),
                    "--properties", properties.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(runDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().put("LOG_LEVEL", "warn");
            builder.environment().put("JETTY_LOG_LEVEL", "warn");
            process = builder.start();
            awaitHttp();
        } catch (IOException e) {
            kill();
            throw new UncheckedIOException("S3Proxy did not start on " + endpoint() + logTail(), e);
        } catch (RuntimeException e) {
            kill();
            throw e;
        }
    }

    /** Stops the S3Proxy process (see {@link #stopGracefully}); blobs and port are kept for {@link #start()}. */
    @Override
    public synchronized void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            process = null;
            return;
        }
        if (!stopGrace.isZero()) {
            // through the ProcessHandle: Process.destroy() would also close the pipe from the child at once
            p.toHandle().destroy();
            try {
                if (p.waitFor(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process = null;
                    return;
                }
                LOG.warn("S3Proxy (pid {}) did not stop within {} s: killing it", p.pid(), stopGrace.toSeconds());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kill();
    }

    @Override
    public synchronized boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** {@code http://127.0.0.1:<port>}; buckets are addressed path-style. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public String region() {
        return REGION;
    }

    public Path blobDirectory() {
        return blobDirectory;
    }

    /** The child's combined stdout/stderr (S3Proxy logs at WARN). */
    public Path logFile() {
        return logFile;
    }

    /** Process id of the running S3Proxy, or -1. */
    public synchronized long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    private void writeFiles(Path properties, Path logback, Path launcherDirectory) throws IOException {
        Files.createDirectories(blobDirectory);
        Files.createDirectories(runDirectory);
        Files.createDirectories(logFile.getParent());
        List<String> lines = new ArrayList<>(List.of(
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + accessKey,
                "s3proxy.credential=" + secretKey,
                "s3proxy.ignore-unknown-headers=true"));
        if (corsAllowAll) {
            lines.add("s3proxy.cors-allow-all=true");
        }
        lines.add("jclouds.provider=filesystem");
        lines.add("jclouds.filesystem.basedir=" + blobDirectory);
        lines.add("");
        Files.writeString(properties, String.join("\n", lines), StandardCharsets.UTF_8);
        // without a logback configuration S3Proxy logs DEBUG and runs four times slower
        Files.writeString(logback, """
                <configuration>
                  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>[s3proxy] %-5level %d{HH:mm:ss.SSS} %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="STDOUT"/></root>
                </configuration>
                """, StandardCharsets.UTF_8);
        // The launcher class is copied out of this class path, so the child's class path holds only it and
        // the S3Proxy jar.
        String resource = S3ProxyLauncher.class.getSimpleName() + ".class";
        Path target = launcherDirectory.resolve(S3ProxyLauncher.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(target.getParent());
        try (InputStream in = S3ProxyLauncher.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("cannot read " + resource + " from the class path");
            }
            Files.write(target, in.readAllBytes());
        }
    }

    private void awaitHttp() throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("S3Proxy exited with status " + process.exitValue() + logTail());
            }
            try {
                HttpResponse<Void> response = client.send(probe, HttpResponse.BodyHandlers.discarding());
                LOG.debug("S3Proxy at {} answered HTTP {}", endpoint(), response.statusCode());
                return; // any HTTP answer (403 without credentials) means it serves requests
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for S3Proxy", e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for S3Proxy", e);
            }
        }
        throw new IOException("S3Proxy did not answer HTTP within " + STARTUP_TIMEOUT + logTail(), last);
    }

    /** SIGKILL and wait: the filesystem blob store has every acknowledged write on disk already. */
    private synchronized void kill() {
        Process p = process;
        process = null;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("S3Proxy (pid {}) did not exit within {} s of SIGKILL", p.pid(), KILL_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        try {
            if (!Files.exists(logFile)) {
                return "";
            }
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return "\n--- " + logFile + " (last lines) ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /**
     * S3Proxy's {@code jar-with-dependencies}: {@code configured} if given and present, else from the local
     * Maven repository ({@code -Dmaven.repo.local}, else {@code ~/.m2/repository}), where building the
     * {@code infra} module puts it. {@code hint} ends the message when it is nowhere.
     */
    public static Path locateJar(Optional<Path> configured, String hint) {
        List<Path> candidates = new ArrayList<>();
        configured.ifPresent(candidates::add);
        String relative = "org/gaul/s3proxy/" + VERSION + "/s3proxy-" + VERSION + "-jar-with-dependencies.jar";
        Optional.ofNullable(System.getProperty("maven.repo.local")).filter(s -> !s.isBlank())
                .ifPresent(repo -> candidates.add(Path.of(repo).resolve(relative)));
        candidates.add(Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(relative));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new IllegalStateException(
                "S3Proxy jar not found; looked at " + candidates + ". " + hint));
    }

    @Override
    public String toString() {
        return "S3Server[" + endpoint() + ", " + blobDirectory + (isRunning() ? ", running]" : ", stopped]");
    }
}
