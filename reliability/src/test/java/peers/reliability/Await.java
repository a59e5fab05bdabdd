package peers.reliability;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polling for an eventually-true condition, with the last reason it was not yet true in the failure. */
final class Await {

    private Await() {
    }

    /**
     * Calls {@code check} every 500 ms until it returns null (done) or {@code limit} passes; a non-null answer
     * says what is still missing. Returns how long it took.
     */
    static Duration until(String what, Duration limit, Callable<String> check) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        String missing;
        while (true) {
            try {
                missing = check.call();
            } catch (Exception e) {
                missing = e.toString();
            }
            if (missing == null) {
                return Duration.ofNanos(System.nanoTime() - t0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + limit + ": " + missing);
            }
            Thread.sleep(500);
        }
    }
}
