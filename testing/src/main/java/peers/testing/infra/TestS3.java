package peers.testing.infra;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import java.util.concurrent.TimeUnit;

/**
 * A real S3 API server: S3Proxy 4.1.0 with a filesystem blob store, run as a SEPARATE PROCESS
 * ({@code java ... org.gaul.s3proxy.Main --properties <file>}) so that its Jetty, Jackson 3 and logback never
 * meet the test class path.
 *
 * <p>Endpoint {@code http://127.0.0.1:<port>} (path-style buckets), AWS Signature V2 or V4 with
 * {@link #ACCESS_KEY}/{@link #SECRET_KEY}, region {@link #REGION}. The child runs with the same {@code java}
 * as this JVM, logs at WARN into {@code s3proxy.log} next to its data, and dies with this JVM: a shutdown
 * hook destroys it, and the child itself halts when this JVM's process disappears (see
 * {@link S3ProxyLauncher}).
 *
 * <p>The jar comes from system property {@value #JAR_PROPERTY} (the parent POM's surefire/failsafe settings
 * point it into the local Maven repository), else from
 * {@code ~/.m2/repository/org/gaul/s3proxy/4.1.0/s3proxy-4.1.0-jar-with-dependencies.jar}.
 *
 * <p>{@link #stop()} kills the process; {@link #start()} starts a new one on the same port and blob directory:
 * buckets and objects survive.
 */
public final class TestS3 implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TestS3.class);

    public static final String JAR_PROPERTY = "peers.s3proxy.jar";
    public static final String VERSION = "4.1.0";
    public static final String ACCESS_KEY = "peers-test-access-key";
    public static final String SECRET_KEY = "peers-test-secret-key-0123456789abcdef";
    public static final String REGION = "us-east-1";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Path baseDirectory;
    private final Path blobDirectory;
    private final Path propertiesFile;
    private final Path logbackFile;
    private final Path launcherDirectory;
    private final Path logFile;
    private final Path jar;
    private final int port;
    private final Thread shutdownHook;
    /** The real instance when this one is a view from another class loader (see {@link PeersInfra}). */
    private final Object home;

    private volatile Process process;
    private boolean closed;

    /** Prepares (but does not start) a server whose blobs live under {@code baseDirectory}. */
    public TestS3(Path baseDirectory) {
        this.baseDirectory = Objects.requireNonNull(baseDirectory, "baseDirectory").toAbsolutePath();
        this.blobDirectory = this.baseDirectory.resolve("blobs");
        this.propertiesFile = this.baseDirectory.resolve("s3proxy.properties");
        this.logbackFile = this.baseDirectory.resolve("logback-warn.xml");
        this.launcherDirectory = this.baseDirectory.resolve("launcher");
        this.logFile = this.baseDirectory.resolve("s3proxy.log");
        this.jar = locateJar();
        this.port = FreePorts.loopbackPort();
        // not synchronized: must not wait for a start() that is still polling
        this.shutdownHook = new Thread(() -> {
            Process p = process;
            if (p != null) {
                p.destroyForcibly();
            }
        }, "test-s3-killer");
        this.shutdownHook.setContextClassLoader(TestS3.class.getClassLoader());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        this.home = null;
    }

    /** A view of {@code home}, the same class loaded by another class loader. */
    TestS3(Object home) {
        this.home = home;
        this.baseDirectory = ((Path) HomeCalls.call(home, "blobDirectory")).getParent();
        this.blobDirectory = baseDirectory.resolve("blobs");
        this.propertiesFile = baseDirectory.resolve("s3proxy.properties");
        this.logbackFile = baseDirectory.resolve("logback-warn.xml");
        this.launcherDirectory = baseDirectory.resolve("launcher");
        this.logFile = baseDirectory.resolve("s3proxy.log");
        this.jar = null;
        this.port = (Integer) HomeCalls.call(home, "port");
        this.shutdownHook = null;
    }

    /** Creates a server in a fresh temporary directory and starts it. */
    public static TestS3 startNew() {
        try {
            TestS3 s3 = new TestS3(Files.createTempDirectory("peers-s3-"));
            s3.start();
            return s3;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the S3Proxy process and waits until it answers HTTP; does nothing when it already runs. */
    public synchronized void start() {
        if (home != null) {
            HomeCalls.call(home, "start");
            return;
        }
        if (closed) {
            throw new IllegalStateException("TestS3 was closed");
        }
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            writeFiles();
            List<String> command = new ArrayList<>(List.of(
                    javaBinary(),
                    "-Xmx384m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-Xshare:auto",
                    "-Dlogback.configurationFile=" + logbackFile,
                    "-Djava.io.tmpdir=" + baseDirectory,
                    "-cp", launcherDirectory + java.io.File.pathSeparator + jar,
                    S3ProxyLauncher.class.getName(),
                    Long.toString(ProcessHandle.current().pid()),
                    "--properties", propertiesFile.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(baseDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().put("LOG_LEVEL", "warn");
            builder.environment().put("JETTY_LOG_LEVEL", "warn");
            process = builder.start();
            awaitHttp();
        } catch (IOException e) {
            destroyProcess();
            throw new UncheckedIOException("S3Proxy did not start on " + endpoint() + logTail(), e);
        } catch (RuntimeException e) {
            destroyProcess();
            throw e;
        }
    }

    /** Kills the S3Proxy process (SIGKILL); blobs and port are kept for {@link #start()}. */
    public synchronized void stop() {
        if (home != null) {
            HomeCalls.call(home, "stop");
            return;
        }
        destroyProcess();
    }

    public synchronized boolean isRunning() {
        if (home != null) {
            return (Boolean) HomeCalls.call(home, "isRunning");
        }
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Stops the process and deletes the blobs. */
    @Override
    public synchronized void close() {
        if (home != null) {
            HomeCalls.call(home, "close");
            return;
        }
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs anyway
            }
            FileTrees.deleteQuietly(baseDirectory);
        }
    }

    /** {@code http://127.0.0.1:<port>}; buckets are addressed path-style. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
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
        if (home != null) {
            return (Long) HomeCalls.call(home, "pid");
        }
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    private void writeFiles() throws IOException {
        Files.createDirectories(blobDirectory);
        Files.writeString(propertiesFile, String.join("\n",
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "s3proxy.ignore-unknown-headers=true",
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + blobDirectory,
                ""), StandardCharsets.UTF_8);
        Files.writeString(logbackFile, """
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

    private synchronized void destroyProcess() {
        Process p = process;
        process = null;
        if (p == null || !p.isAlive()) {
            return;
        }
        // SIGKILL: a graceful SIGTERM costs ~2 s in Jetty's shutdown, and the filesystem blob store has every
        // acknowledged write on disk already. For tests this is an abrupt outage, which is what they want.
        p.destroyForcibly();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warn("S3Proxy (pid {}) did not exit within 10 s of SIGKILL", p.pid());
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

    private static String javaBinary() {
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(fromHome)) {
            return fromHome.toString();
        }
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot find the java binary of this JVM"));
    }

    private static Path locateJar() {
        String configured = System.getProperty(JAR_PROPERTY);
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        String relative = "org/gaul/s3proxy/" + VERSION + "/s3proxy-" + VERSION + "-jar-with-dependencies.jar";
        String localRepo = System.getProperty("maven.repo.local");
        if (localRepo != null && !localRepo.isBlank()) {
            candidates.add(Path.of(localRepo).resolve(relative));
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(relative));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("S3Proxy jar not found; looked at " + candidates
                + ". Build the 'testing' module once (its maven-dependency-plugin execution fetches "
                + "org.gaul:s3proxy:" + VERSION + ":jar-with-dependencies) or set -D" + JAR_PROPERTY + "=<path>.");
    }

    @Override
    public String toString() {
        return "TestS3[" + endpoint() + ", " + baseDirectory + (isRunning() ? ", running]" : ", stopped]");
    }
}
