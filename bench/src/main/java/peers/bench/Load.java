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
