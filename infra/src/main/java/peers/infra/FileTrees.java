package peers.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting directory trees left by the embedded infrastructure (temporary ones, in tests). */
public final class FileTrees {

    private FileTrees() {
    }

    /**
     * Deletes {@code root} and everything below it; ignores what cannot be deleted. Tries a few times, since a
     * server that is just exiting may still add or remove files while the tree is walked.
     */
    public static void deleteQuietly(Path root) {
        for (int attempt = 0; attempt < 5 && root != null && Files.exists(root); attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(100L * attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // a file still held by a dying process, or a directory refilled meanwhile: next attempt
                    }
                });
            } catch (IOException | UncheckedIOException ignored) {
                // the tree changed while it was walked: next attempt
            }
        }
    }
}
