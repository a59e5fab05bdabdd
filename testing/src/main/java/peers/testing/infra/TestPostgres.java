package peers.testing.infra;

import peers.infra.FileTrees;
import peers.infra.FreePorts;
import peers.infra.PostgresServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A real PostgreSQL server (zonky embedded binaries, PostgreSQL 17) started by the test JVM: a
 * {@link PostgresServer} on a free loopback port chosen once when the object is created, with its cluster in a
 * directory that {@link #close()} deletes.
 *
 * <p>It listens on TCP {@code 127.0.0.1} only (no Unix socket). {@link #stop()} and {@link #start()} reuse the
 * same data directory and the same port, so clients configured with {@link #jdbcUrl(String)} or
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
public final class TestPostgres implements AutoCloseable {

    /** Superuser created by initdb. */
    public static final String USER = PostgresServer.USER;
    /** Ignored by the server ({@code trust} authentication), but drivers may insist on having one. */
    public static final String PASSWORD = PostgresServer.PASSWORD;
    /** The database that exists after initdb; services use one schema each inside it. */
    public static final String DEFAULT_DATABASE = PostgresServer.DEFAULT_DATABASE;

    /** The server, unless this instance is a view from another class loader (see {@link PeersInfra}). */
    private final PostgresServer server;
    private final Path dataDirectory;
    private final int port;
    /** The real instance when this one is a view from another class loader (see {@link PeersInfra}). */
    private final Object home;
    private boolean closed;

    /**
     * Prepares (but does not start) a server whose data lives in {@code dataDirectory}. An existing cluster
     * in that directory is reused; an empty or missing directory gets a fresh initdb on first start.
     */
    public TestPostgres(Path dataDirectory) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        this.server = new PostgresServer(dataDirectory, FreePorts.loopbackPort());
        this.dataDirectory = server.dataDirectory();
        this.port = server.port();
        this.home = null;
    }

    /** A view of {@code home}, the same class loaded by another class loader. */
    TestPostgres(Object home) {
        this.home = home;
        this.server = null;
        this.port = (Integer) HomeCalls.call(home, "port");
        this.dataDirectory = (Path) HomeCalls.call(home, "dataDirectory");
    }

    /** Creates a server in a fresh temporary directory and starts it. */
    public static TestPostgres startNew() {
        try {
            TestPostgres pg = new TestPostgres(Files.createTempDirectory("peers-pg-").resolve("data"));
            pg.start();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server on the same port and data directory; does nothing when it already runs. */
    public synchronized void start() {
        if (home != null) {
            HomeCalls.call(home, "start");
            return;
        }
        if (closed) {
            throw new IllegalStateException("TestPostgres was closed");
        }
        server.start();
    }

    /** Stops the server (pg_ctl stop -m fast: a clean shutdown); data and port are kept for {@link #start()}. */
    public synchronized void stop() {
        if (home != null) {
            HomeCalls.call(home, "stop");
            return;
        }
        server.stop();
    }

    public synchronized boolean isRunning() {
        if (home != null) {
            return (Boolean) HomeCalls.call(home, "isRunning");
        }
        return server.isRunning();
    }

    /** Stops the server and deletes its data directory. */
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
            FileTrees.deleteQuietly(dataDirectory);
        }
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
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** {@code postgresql://127.0.0.1:<port>/<db>}, the form {@code quarkus.datasource.reactive.url} takes. */
    public String reactiveUrl(String database) {
        return "postgresql://" + host() + ":" + port + "/" + database;
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
