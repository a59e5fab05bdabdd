package peers.testing.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A real PostgreSQL server (zonky embedded binaries, PostgreSQL 17) started by the test JVM.
 *
 * <p>It listens on TCP {@code 127.0.0.1} only (no Unix socket), on a port chosen once when the object is
 * created. {@link #stop()} and {@link #start()} reuse the same data directory and the same port, so clients
 * configured with {@link #jdbcUrl(String)} or {@link #reactiveUrl(String)} reconnect after a restart and see
 * the data committed before it.
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
    public static final String USER = "postgres";
    /** Ignored by the server ({@code trust} authentication), but drivers may insist on having one. */
    public static final String PASSWORD = "postgres";
    /** The database that exists after initdb; services use one schema each inside it. */
    public static final String DEFAULT_DATABASE = "postgres";

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final Path dataDirectory;
    private final int port;
    /** The real instance when this one is a view from another class loader (see {@link PeersInfra}). */
    private final Object home;
    private EmbeddedPostgres server;
    private boolean closed;

    /**
     * Prepares (but does not start) a server whose data lives in {@code dataDirectory}. An existing cluster
     * in that directory is reused; an empty or missing directory gets a fresh initdb on first start.
     */
    public TestPostgres(Path dataDirectory) {
        this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory").toAbsolutePath();
        this.port = FreePorts.loopbackPort();
        this.home = null;
    }

    /** A view of {@code home}, the same class loaded by another class loader. */
    TestPostgres(Object home) {
        this.home = home;
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
        if (server != null) {
            return;
        }
        try {
            Files.createDirectories(dataDirectory);
            server = startServer();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start on 127.0.0.1:" + port
                    + " with data directory " + dataDirectory, e);
        }
    }

    private EmbeddedPostgres startServer() throws IOException {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(TestPostgres.class.getClassLoader());
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    // never let zonky delete the data directory: stop()/start() must keep the data
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(STARTUP_WAIT)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", "''")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "300")
                    .start();
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    /** Stops the server (pg_ctl stop -m fast: a clean shutdown); data and port are kept for {@link #start()}. */
    public synchronized void stop() {
        if (home != null) {
            HomeCalls.call(home, "stop");
            return;
        }
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            server = null;
        }
        awaitPostmasterGone();
    }

    /**
     * zonky's {@code close()} returns at once when zonky's own shutdown hook is already stopping the server,
     * and gives up after pg_ctl's 5 s timeout; the postmaster removes {@code postmaster.pid} only when it has
     * really exited. Deleting the data directory or starting again before that leaves an orphaned server.
     */
    private void awaitPostmasterGone() {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        while (Files.exists(pidFile)) {
            if (!postmasterAlive(pidFile)) {
                return; // killed or crashed: a stale pid file, which PostgreSQL itself handles on next start
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgreSQL on port " + port + " did not stop within " + STOP_WAIT
                        + " (" + pidFile + " still exists)");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for PostgreSQL to stop", e);
            }
        }
    }

    private static boolean postmasterAlive(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                return true; // being written or removed just now: look again
            }
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return Files.exists(pidFile);
        }
    }

    public synchronized boolean isRunning() {
        if (home != null) {
            return (Boolean) HomeCalls.call(home, "isRunning");
        }
        return server != null;
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
