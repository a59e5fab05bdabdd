package peers.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * PostgreSQL 17 from zonky's embedded binaries, with its cluster in a directory that outlives the devstack:
 * initdb runs only when the directory holds no cluster yet. Listens on 127.0.0.1 only; {@code trust}
 * authentication (user {@value #USER}, any password). The server log goes to a file.
 *
 * <p>zonky stops the server from a JVM shutdown hook of its own, which would run at the same time as the
 * devstack's and pull the database from under services that are still stopping. {@link #start()} disarms
 * that hook, and {@link #stop()} (called after the services have stopped) re-arms and runs zonky's own
 * {@code close()} ({@code pg_ctl stop -m fast}: a clean shutdown with a checkpoint).
 */
final class DevPostgres {

    static final String USER = "postgres";
    static final String PASSWORD = "postgres";
    static final String DATABASE = "postgres";

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final Path dataDirectory;
    private final Path logFile;
    private final int port;
    private EmbeddedPostgres server;
    /** zonky's "already closed" flag, held true while the devstack runs so that zonky's own hook does nothing. */
    private AtomicBoolean zonkyClosed;

    DevPostgres(Path dataDirectory, Path logFile, int port) {
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
        this.port = port;
    }

    /**
     * Stops a server left running on this data directory by a devstack that was killed without cleaning up
     * (it holds the port and the cluster's lock). Call before checking ports.
     */
    void stopOrphan() {
        Optional<ProcessHandle> orphan = postmaster();
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = orphan.get();
        Console.say("stopping PostgreSQL (pid " + postmaster.pid() + ") left running by an earlier devstack");
        postmaster.destroy(); // SIGTERM: smart shutdown; its clients died with that devstack
        try {
            postmaster.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            postmaster.destroyForcibly(); // crash recovery replays the WAL on the next start
            awaitGone(postmaster);
        }
    }

    synchronized void start() throws IOException {
        Files.createDirectories(dataDirectory);
        Files.createDirectories(logFile.getParent());
        server = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false) // the whole point: keep the cluster
                .setPort(port)
                .setPGStartupWait(STARTUP_WAIT)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", "''")
                .setServerConfig("max_connections", "300")
                // zonky's defaults (fsync off, synchronous_commit off) suit throwaway test clusters; this one
                // is meant to keep data across restarts and crashes of the machine
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        zonkyClosed = zonkyClosedFlag(server);
        if (zonkyClosed != null) {
            zonkyClosed.set(true);
        }
    }

    /** Stops the server cleanly and waits until the postmaster has exited. */
    synchronized void stop() {
        EmbeddedPostgres s = server;
        server = null;
        if (s == null) {
            return;
        }
        if (zonkyClosed != null) {
            zonkyClosed.set(false);
        }
        try {
            s.close(); // pg_ctl stop -m fast
        } catch (IOException e) {
            Console.say("PostgreSQL: " + e);
        }
        postmaster().ifPresent(DevPostgres::awaitGone);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The form {@code quarkus.datasource.reactive.url} takes. */
    String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    int port() {
        return port;
    }

    /** The running postmaster of this data directory, from its {@code postmaster.pid}. */
    private Optional<ProcessHandle> postmaster() {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // no pid file (clean shutdown) or a stale one, which PostgreSQL handles
        }
    }

    private static void awaitGone(ProcessHandle postmaster) {
        try {
            postmaster.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Console.say("PostgreSQL (pid " + postmaster.pid() + ") did not exit within " + STOP_WAIT.toSeconds() + " s");
        }
    }

    /**
     * zonky's private {@code closed} flag, or null (then zonky's hook stops PostgreSQL in parallel with the
     * services: no data is lost, services may log connection errors while they stop).
     */
    private static AtomicBoolean zonkyClosedFlag(EmbeddedPostgres server) {
        try {
            Field closed = EmbeddedPostgres.class.getDeclaredField("closed");
            closed.setAccessible(true);
            return (AtomicBoolean) closed.get(server);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Console.say("cannot order PostgreSQL's shutdown after the services' (" + e + ")");
            return null;
        }
    }
}
