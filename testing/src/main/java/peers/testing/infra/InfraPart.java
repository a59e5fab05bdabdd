package peers.testing.infra;

import peers.infra.FileTrees;
import peers.infra.Restartable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What {@link TestPostgres}, {@link TestKafka} and {@link TestS3} share: a {@code peers.infra} server that can
 * be stopped and started again for fault tests, and closed for good (deleting its temporary directory), or a
 * view of such a part owned by another class loader ({@link PeersInfra}: Quarkus loads test code once per
 * application, the servers belong to the system class loader). A view forwards every call to its
 * {@code home} by reflection ({@link HomeCalls}), so only JDK types cross that border.
 */
public abstract class InfraPart implements AutoCloseable {

    /** The real instance when this one is a view from another class loader, else null. */
    private final Object home;
    /** The server, unless this instance is a view. */
    private final Restartable server;
    /** What {@link #close()} deletes, unless this instance is a view. */
    private final Path temporaryDirectory;
    private boolean closed;

    /** The owning instance of {@code server}, whose data lives in {@code temporaryDirectory}. */
    InfraPart(Restartable server, Path temporaryDirectory) {
        this.home = null;
        this.server = server;
        this.temporaryDirectory = temporaryDirectory;
    }

    /** A view of {@code home}, the same class loaded by another class loader. */
    InfraPart(Object home) {
        this.home = home;
        this.server = null;
        this.temporaryDirectory = null;
    }

    /** Creates a part in a fresh temporary directory named {@code prefix...} and starts it. */
    static <T extends InfraPart> T startInTemporaryDirectory(String prefix, Function<Path, T> create) {
        T part;
        try {
            part = create.apply(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        part.start();
        return part;
    }

    /** Starts the server on the same port and data and returns once it serves; does nothing when it already runs. */
    public synchronized void start() {
        if (home != null) {
            HomeCalls.call(home, "start");
            return;
        }
        if (closed) {
            throw new IllegalStateException(getClass().getSimpleName() + " was closed");
        }
        server.start();
    }

    /** Stops the server; its data and port are kept for {@link #start()}. */
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

    /** Stops the server and deletes its directory. */
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
            afterClose();
            FileTrees.deleteQuietly(temporaryDirectory);
        }
    }

    /** Runs once the server is stopped for good, before its directory is deleted. */
    void afterClose() {
    }

    /** The result of the home instance's public method {@code name()}, when this one is a view; else null. */
    @SuppressWarnings("unchecked")
    final <T> T fromHome(String name) {
        return home == null ? null : (T) HomeCalls.call(home, name);
    }

    final boolean isView() {
        return home != null;
    }
}
