package peers.testing.infra;

import peers.infra.FreePorts;
import peers.infra.S3Server;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A real S3 API server: S3Proxy 4.1.0 with a filesystem blob store, run as a SEPARATE PROCESS by an
 * {@link S3Server}, so that its Jetty, Jackson 3 and logback never meet the test class path.
 *
 * <p>Endpoint {@code http://127.0.0.1:<port>} (path-style buckets, a free loopback port chosen once), AWS
 * Signature V2 or V4 with {@link #ACCESS_KEY}/{@link #SECRET_KEY}, region {@link #REGION}. The child runs with
 * the same {@code java} as this JVM, logs at WARN into {@code s3proxy.log} next to its data, and dies with this
 * JVM: a shutdown hook destroys it, and the child itself halts when this JVM's process disappears (see
 * {@link peers.infra.S3ProxyLauncher}).
 *
 * <p>The jar comes from system property {@value #JAR_PROPERTY} (the parent POM's surefire/failsafe settings
 * point it into the local Maven repository), else from
 * {@code ~/.m2/repository/org/gaul/s3proxy/4.1.0/s3proxy-4.1.0-jar-with-dependencies.jar}.
 *
 * <p>{@link #stop()} kills the process (SIGKILL: an abrupt outage); {@link #start()} starts a new one on the
 * same port and blob directory: buckets and objects survive.
 */
public final class TestS3 extends InfraPart {

    public static final String JAR_PROPERTY = "peers.s3proxy.jar";
    public static final String VERSION = S3Server.VERSION;
    public static final String ACCESS_KEY = "peers-test-access-key";
    public static final String SECRET_KEY = "peers-test-secret-key-0123456789abcdef";
    public static final String REGION = S3Server.REGION;

    /** The server, unless this instance is a view from another class loader (see {@link PeersInfra}). */
    private final S3Server server;
    private final Path baseDirectory;
    private final int port;

    /** Prepares (but does not start) a server whose blobs live under {@code baseDirectory}. */
    public TestS3(Path baseDirectory) {
        this(Objects.requireNonNull(baseDirectory, "baseDirectory").toAbsolutePath(), FreePorts.loopbackPort());
    }

    private TestS3(Path baseDirectory, int port) {
        this(baseDirectory, new S3Server(baseDirectory.resolve("blobs"), baseDirectory, baseDirectory.resolve("s3proxy.log"),
                S3Server.locateJar(
                        Optional.ofNullable(System.getProperty(JAR_PROPERTY)).filter(s -> !s.isBlank()).map(Path::of),
                        "Build the 'infra' module once (its maven-dependency-plugin execution fetches org.gaul:s3proxy:"
                                + VERSION + ":jar-with-dependencies) or set -D" + JAR_PROPERTY + "=<path>."),
                port, ACCESS_KEY, SECRET_KEY)
                .javaOptions(List.of(
                        "-Xmx384m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Xshare:auto",
                        "-Djava.io.tmpdir=" + baseDirectory))
                .killedOnExit());
    }

    private TestS3(Path baseDirectory, S3Server server) {
        super(server, baseDirectory);
        this.server = server;
        this.baseDirectory = baseDirectory;
        this.port = server.port();
    }

    /** A view of {@code home}, the same class loaded by another class loader. */
    TestS3(Object home) {
        super(home);
        this.server = null;
        this.baseDirectory = this.<Path>fromHome("blobDirectory").getParent();
        this.port = fromHome("port");
    }

    /** Creates a server in a fresh temporary directory and starts it. */
    public static TestS3 startNew() {
        return startInTemporaryDirectory("peers-s3-", TestS3::new);
    }

    @Override
    void afterClose() {
        server.forgetShutdownHook();
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
        return baseDirectory.resolve("blobs");
    }

    /** The child's combined stdout/stderr (S3Proxy logs at WARN). */
    public Path logFile() {
        return baseDirectory.resolve("s3proxy.log");
    }

    /** Process id of the running S3Proxy, or -1. */
    public synchronized long pid() {
        return isView() ? (Long) fromHome("pid") : server.pid();
    }

    @Override
    public String toString() {
        return "TestS3[" + endpoint() + ", " + baseDirectory + (isRunning() ? ", running]" : ", stopped]");
    }
}
