package peers.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real PostgreSQL 17 server from zonky's embedded binaries, as a child process of this JVM.
 *
 * <p>It listens on TCP {@code 127.0.0.1} only (no Unix socket), on a port fixed for the object's life, with its
 * cluster in a data directory that is never cleaned: initdb runs only when the directory holds no cluster yet.
 * {@link #stop()} and {@link #start()} reuse the same data directory and port, so clients configured with
 * {@link #jdbcUrl(String)} or {@link #reactiveUrl(String)} reconnect after a restart and see the data committed
 * before it.
 *
 * <p>Authentication is {@code trust} (initdb {@code -A trust}, user {@value #USER}); a password is accepted and
 * ignored. When the JVM runs as root, zonky starts PostgreSQL inside {@code unshare -U}, where it runs as
 * {@code nobody} (PostgreSQL refuses to run as root).
 *
 * <p>Durability: by default {@code fsync=off} and {@code full_page_writes=off} (a crash of PostgreSQL itself
 * loses nothing, only a crash of the OS would) with {@code synchronous_commit=on}, so a commit acknowledged to a
 * client survives a restart, even an abrupt one: right for throwaway test clusters. {@link #durable()} turns
 * {@code fsync} back on, for a cluster meant to survive crashes of the machine (the devstack's).
 *
 * <p>zonky stops the server from a JVM shutdown hook of its own. {@link #stoppedOnlyByStop()} disarms that hook
 * while the server runs, for a caller whose own shutdown must stop PostgreSQL last (after the services that
 * use it); {@link #stop()} re-arms it and runs zonky's {@code close()} ({@code pg_ctl stop -m fast}).
 */
public final class PostgresServer implements Restartable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);

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
    private boolean durable;
    private Path logFile;
    private boolean stoppedOnlyByStop;
    private EmbeddedPostgres server;
    /** zonky's "already closed" flag, held true while the server runs so that zonky's own hook does nothing. */
    private AtomicBoolean zonkyClosed;

    /** Prepares (but does not start) a server on {@code 127.0.0.1:port} whose cluster lives in {@code dataDirectory}. */
    public PostgresServer(Path dataDirectory, int port) {
        this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory").toAbsolutePath();
        this.port = port;
    }

    /** {@code fsync=on} (and full page writes): the cluster survives crashes of the machine, not only of PostgreSQL. */
    public synchronized PostgresServer durable() {
        this.durable = true;
        return this;
    }

    /** Appends the server's output to {@code file} instead of logging it through zonky. */
    public synchronized PostgresServer logTo(Path file) {
        this.logFile = file.toAbsolutePath();
        return this;
    }

    /** While it runs, only {@link #stop()} stops the server, not zonky's own JVM shutdown hook. */
    public synchronized PostgresServer stoppedOnlyByStop() {
        this.stoppedOnlyByStop = true;
        return this;
    }

    /** Starts the server on the same port and data directory; does nothing when it already runs. */
    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            Files.createDirectories(dataDirectory);
            if (logFile != null) {
                Files.createDirectories(logFile.getParent());
            }
            server = startServer();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start on 127.0.0.1:" + port
                    + " with data directory " + dataDirectory, e);
        }
        if (stoppedOnlyByStop) {
            zonkyClosed = zonkyClosedFlag(server);
            if (zonkyClosed != null) {
                zonkyClosed.set(true);
            }
        }
    }

    private EmbeddedPostgres startServer() throws IOException {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(PostgresServer.class.getClassLoader());
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    // never let zonky delete the data directory: stop()/start() must keep the data
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(STARTUP_WAIT)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", "''")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "300");
            if (durable) {
                // zonky's default is fsync off, which suits throwaway clusters only
                builder.setServerConfig("fsync", "on");
            } else {
                builder.setServerConfig("fsync", "off").setServerConfig("full_page_writes", "off");
            }
            if (logFile != null) {
                builder.setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            }
            return builder.start();
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    /**
     * Stops the server (pg_ctl stop -m fast: a clean shutdown with a checkpoint) and waits until the postmaster
     * has exited; data and port are kept for {@link #start()}.
     */
    @Override
    public synchronized void stop() {
        EmbeddedPostgres s = server;
        if (s == null) {
            return;
        }
        server = null;
        if (zonkyClosed != null) {
            zonkyClosed.set(false);
            zonkyClosed = null;
        }
        try {
            s.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            awaitPostmasterGone();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * The live postmaster of this data directory, from its {@code postmaster.pid}: one started by this object,
     * or one left running by a JVM that was killed without stopping it (it holds the port and the cluster's lock).
     */
    public Optional<ProcessHandle> postmaster() {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // no pid file (clean shutdown) or a stale one, which PostgreSQL handles
        }
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

    /**
     * zonky's private {@code closed} flag, or null (then zonky's hook stops PostgreSQL in parallel with the
     * caller's shutdown: no data is lost, clients may log connection errors while they stop).
     */
    private static AtomicBoolean zonkyClosedFlag(EmbeddedPostgres server) {
        try {
            Field closed = EmbeddedPostgres.class.getDeclaredField("closed");
            closed.setAccessible(true);
            return (AtomicBoolean) closed.get(server);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot order PostgreSQL's shutdown after its clients' ({})", e.toString());
            return null;
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
        return jdbcUrl(port, database);
    }

    /** {@code postgresql://127.0.0.1:<port>/<db>}, the form {@code quarkus.datasource.reactive.url} takes. */
    public String reactiveUrl(String database) {
        return reactiveUrl(port, database);
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<db>} (no credentials in the URL). */
    public static String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** {@code postgresql://127.0.0.1:<port>/<db>}, the form {@code quarkus.datasource.reactive.url} takes. */
    public static String reactiveUrl(int port, String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "PostgresServer[127.0.0.1:" + port + ", " + dataDirectory + (isRunning() ? ", running]" : ", stopped]");
    }
}
