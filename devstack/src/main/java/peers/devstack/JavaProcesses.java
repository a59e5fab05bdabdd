package peers.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Starting and stopping the devstack's child JVMs. */
final class JavaProcesses {

    private JavaProcesses() {
    }

    /** The JVM option that makes a child exit when this process disappears (see {@link ParentWatch}). */
    static String parentWatchOption(Path agentJar) {
        return "-javaagent:" + agentJar + "=" + ProcessHandle.current().pid();
    }

    /**
     * SIGTERM (a JVM runs its shutdown hooks), then SIGKILL if it has not exited after {@code grace}. Signals
     * go through the {@link ProcessHandle}: {@link Process#destroy()} would also close the pipe from the
     * child at once, losing what it prints while it stops.
     */
    static void stop(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.toHandle().destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                Console.say("pid " + process.pid() + " did not stop within " + grace.toSeconds() + " s: killing it");
                process.toHandle().destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.toHandle().destroyForcibly();
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
