package peers.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load from a fixed number of clients, each a virtual thread doing one operation after another.
 * Only the operation is timed; preparing its input is the caller's business (do it before).
 */
public final class Load {

    private Load() {
    }

    /** One operation by client {@code client}; returns normally on success, throws {@link Failed} or anything else on failure. */
    @FunctionalInterface
    public interface Op {
        void run(int client, long seq) throws Exception;
    }

    /** A failed operation of a known kind (e.g. an HTTP status), as opposed to an unexpected exception. */
    public static final class Failed extends Exception {
        private final String kind;

        public Failed(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }

        public String kind() {
            return kind;
        }
    }

    /** Per-client context: sets up the client's resources (a connection) before the clock starts. */
    @FunctionalInterface
    public interface ClientSetup {
        void setUp(int client) throws Exception;
    }

    /**
     * Runs operations {@code 0 .. total-1} from {@code clients} concurrent clients, each client taking the
     * next number; the window is from the start of the first operation to the end of the last.
     */
    public static Measurement count(String label, int total, int clients, Op op) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        Recorder rec = new Recorder(clients);
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofVirtual().name("bench-client-" + c).start(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i; (i = next.getAndIncrement()) < total; ) {
                    rec.timed(client, i, op);
                }
            }));
        }
        ready.await();
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long t1 = System.nanoTime();
        return rec.result(label, (t1 - t0) / 1e9);
    }

    /**
     * A warm-up ends when the JIT compiler threads of the watched JVMs used at most this share of one core
     * during its last window: the hot code is compiled. Before, a measurement counts compilation (on a
     * 2-core machine C2 alone took a quarter of sync-buffer's CPU 15 s into its read load) and runs code not
     * yet optimized.
     */
    public static final double QUIET_COMPILER_SHARE = 0.02;

    /** Length of one window of {@link #warmUp}. */
    public static final Duration WARM_UP_WINDOW = Duration.ofSeconds(5);

    /**
     * What a warm-up took.
     *
     * @param seconds its length
     * @param windows how many windows it ran
     * @param lastCompilerShare the JIT compilers' CPU in its last window, as a share of one core
     * @param quiet whether it ended because the compilers were quiet (false: it reached its longest)
     */
    public record WarmUp(double seconds, int windows, double lastCompilerShare, boolean quiet) {
    }

    /** One window of a warm-up: runs operations that are not counted. */
    @FunctionalInterface
    public interface Window {
        void run() throws Exception;
    }

    /**
     * Runs {@code window} again and again, for at least {@code min} and then until the JIT compiler threads of
     * {@code jvms} are quiet in a window ({@link #QUIET_COMPILER_SHARE}), or {@code max} has passed (it says
     * which). Both sides of a comparison warm up this way, so each is measured at its steady state.
     */
    public static WarmUp untilQuiet(String label, Duration min, Duration max, Window window, long... jvms) throws Exception {
        long start = System.nanoTime();
        int windows = 0;
        while (true) {
            long w0 = System.nanoTime();
            double c0 = CpuMeter.compilerSeconds(jvms);
            window.run();
            windows++;
            long now = System.nanoTime();
            double share = (CpuMeter.compilerSeconds(jvms) - c0) / ((now - w0) / 1e9);
            double elapsed = (now - start) / 1e9;
            boolean quiet = share <= QUIET_COMPILER_SHARE;
            if (elapsed >= min.toNanos() / 1e9 && (quiet || elapsed >= max.toNanos() / 1e9)) {
                System.out.printf(java.util.Locale.ROOT, "%s: warm after %.1f s (%d windows), JIT compilers at %.1f %% of a core in the last%s%n",
                        label, elapsed, windows, share * 100, quiet ? "" : " (not quiet: the longest warm-up ran out)");
                return new WarmUp(Math.round(elapsed * 10) / 10.0, windows, Math.round(share * 1000) / 1000.0, quiet);
            }
        }
    }

    /** {@link #untilQuiet} with windows of {@link #WARM_UP_WINDOW} of closed-loop load ({@link #timed}, not counted). */
    public static WarmUp warmUp(String label, Duration min, Duration max, int clients, Op op, long... jvms) throws Exception {
        return untilQuiet(label, min, max, () -> timed("warm-up", Duration.ZERO, WARM_UP_WINDOW, clients, op), jvms);
    }

    /**
     * Runs operations from {@code clients} concurrent clients for {@code warmup} (not counted) and then for
     * {@code measure}; counts operations that both start and end inside the measured window.
     */
    public static Measurement timed(String label, Duration warmup, Duration measure, int clients, Op op) throws InterruptedException {
        Recorder rec = new Recorder(clients);
        AtomicLong seq = new AtomicLong();
        long start = System.nanoTime();
        long from = start + warmup.toNanos();
        long until = from + measure.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofVirtual().name("bench-client-" + c).start(() -> {
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= until) {
                        return;
                    }
                    if (t0 < from) {
                        try {
                            op.run(client, seq.getAndIncrement());
                        } catch (Exception ignored) {
                            // warm-up: errors here are not counted (a failing service fails the measured part too)
                        }
                    } else {
                        rec.timed(client, seq.getAndIncrement(), op, until);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return rec.result(label, measure.toNanos() / 1e9);
    }

    private static final class Recorder {
        private final long[][] latencies;
        private final int[] counts;
        private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        private final List<String> samples = new ArrayList<>();

        Recorder(int clients) {
            latencies = new long[clients][];
            counts = new int[clients];
            for (int i = 0; i < clients; i++) {
                latencies[i] = new long[1024];
            }
        }

        void timed(int client, long seq, Op op) {
            timed(client, seq, op, Long.MAX_VALUE);
        }

        void timed(int client, long seq, Op op, long until) {
            long t0 = System.nanoTime();
            String kind = null;
            String message = null;
            try {
                op.run(client, seq);
            } catch (Failed f) {
                kind = f.kind();
                message = f.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kind = "interrupted";
            } catch (Exception e) {
                kind = e.getClass().getSimpleName();
                message = e.toString();
            }
            long t1 = System.nanoTime();
            if (t1 > until) {
                return; // ended after the window closed: neither counted nor timed
            }
            if (kind == null) {
                int n = counts[client];
                if (n == latencies[client].length) {
                    latencies[client] = Arrays.copyOf(latencies[client], n * 2);
                }
                latencies[client][n] = t1 - t0;
                counts[client] = n + 1;
            } else {
                errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                if (message != null) {
                    synchronized (samples) {
                        if (samples.size() < 5) {
                            samples.add(kind + ": " + (message.length() > 300 ? message.substring(0, 300) + "..." : message));
                        }
                    }
                }
            }
        }

        Measurement result(String label, double seconds) {
            int total = 0;
            for (int c : counts) {
                total += c;
            }
            long[] all = new long[total];
            int at = 0;
            for (int i = 0; i < counts.length; i++) {
                System.arraycopy(latencies[i], 0, all, at, counts[i]);
                at += counts[i];
            }
            Arrays.sort(all);
            Map<String, Long> errs = new TreeMap<>();
            errors.forEach((k, v) -> errs.put(k, v.get()));
            List<String> s;
            synchronized (samples) {
                s = List.copyOf(samples);
            }
            return new Measurement(label, total, errs, s, seconds, all, new LinkedHashMap<>());
        }
    }
}
