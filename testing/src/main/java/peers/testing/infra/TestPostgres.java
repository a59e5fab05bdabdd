package peers.testing.infra;

import peers.infra.FreePorts;
import peers.infra.PostgresServer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A real PostgreSQL server (zonky embedded binaries, PostgreSQL 17) started by the test JVM: a
 * {@link PostgresServer} on a free loopback port chosen once when the object is created, with its cluster in a
 * directory that {@link #close()} deletes.
 *
 * <p>It listens on TCP {@code 127.0.0.1} only (no Unix socket). {@link #stop()} ({@code pg_ctl stop -m fast}: a
 * clean shutdown; it returns once the postmaster has exited) and {@link #start()} reuse the same data directory
 * and the same port, so clients configured with {@link #jdbcUrl(String)} or
 * {@link #reactiveUrl(String)} reconnect after a restart and see the data committed before it.
 *
 * <p>Authentication is {@code trust} (initdb {@code -A trust}); {@link #password()} is accepted and ignored
 * by the server. When the JVM runs as root, zonky starts PostgreSQL inside {@code unshare -U}, where it runs
 * as {@code nobody} (PostgreSQL refuses to run as root).
 *
 * <p>Durability: {@code fsync=off} (a crash of PostgreSQL itself loses nothing, only a crash of the OS
 * would), but {@code synchronous_commit=on}, so a commit acknowledged to a client survives a restart, even
 * an abrupt one.
 */
public final class TestPostgres extends InfraPart {

    /** Superuser created by initdb. */
    public static final String USER = PostgresServer.USER;
    /** Ignored by the server ({@code trust} authentication), but drivers may insist on having one. */
    public static final String PASSWORD = PostgresServer.PASSWORD;
    /** The database that exists after initdb; services use one schema each inside it. */
    public static final String DEFAULT_DATABASE = PostgresServer.DEFAULT_DATABASE;

    private final Path dataDirectory;
    private final int port;

    /**
     * Prepares (but does not start) a server whose data lives in {@code dataDirectory}. An existing cluster
     * in that directory is reused; an empty or missing directory gets a fresh initdb on first start.
     */
    public TestPostgres(Path dataDirectory) {
        this(new PostgresServer(Objects.requireNonNull(dataDirectory, "dataDirectory"), FreePorts.loopbackPort()));
    }

    private TestPostgres(PostgresServer server) {
        super(server, server.dataDirectory());
        this.dataDirectory = server.dataDirectory();
        this.port = server.port();
    }

    /** A view of {@code home}, the same class loaded by another class loader. */
    TestPostgres(Object home) {
        super(home);
        this.port = fromHome("port");
        this.dataDirectory = fromHome("dataDirectory");
    }

    /** Creates a server in a fresh temporary directory and starts it. */
    public static TestPostgres startNew() {
        return startInTemporaryDirectory("peers-pg-", dir -> new TestPostgres(dir.resolve("data")));
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<db>} (no credentials in the URL). */
    public String jdbcUrl(String database) {
        return PostgresServer.jdbcUrl(port, database);
    }

    /** {@code postgresql://127.0.0.1:<port>/<db>}, the form {@code quarkus.datasource.reactive.url} takes. */
    public String reactiveUrl(String database) {
        return PostgresServer.reactiveUrl(port, database);
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    @Override
    public String toString() {
        return "TestPostgres[127.0.0.1:" + port + ", " + dataDirectory + (isRunning() ? ", running]" : ", stopped]");
    }
}
