package peers.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time used by the processes of a run, so results can also be read as operations per server
 * CPU-second (which holds up better than ops/s against the noise of a shared machine): {@code bench-jvm}
 * (this JVM: load generator, JDBC baseline client, in-JVM Kafka), {@code postgres} (the postmaster started
 * on a given data directory, its live children, and its exited children, which the kernel adds to the
 * postmaster's children time) and each named service process. Reads {@code /proc} (Linux); elsewhere the
 * numbers are zero.
 */
public final class CpuMeter {

    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux of interest

    private final Map<String, Long> services = new LinkedHashMap<>();
    private String postgresDataDir;
    private long postmaster = -1;

    public void addService(String name, ProcessHandle process) {
        services.put(name, process.pid());
    }

    /** Accounts the PostgreSQL server whose command line names this data directory. */
    public void addPostgres(Path dataDirectory) {
        postgresDataDir = dataDirectory.toAbsolutePath().normalize().toString();
    }

    /** CPU seconds used so far, by process group. */
    public Map<String, Double> snapshot() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("bench-jvm", ownCpuSeconds());
        if (postgresDataDir != null) {
            m.put("postgres", postgresSeconds());
        }
        services.forEach((name, pid) -> {
            long[] t = stat(pid);
            m.put(name, t == null ? 0 : (t[1] + t[2]) / TICKS_PER_SECOND);
        });
        return m;
    }

    /**
     * CPU seconds used so far by the threads of a process, grouped by thread name with numbers blanked
     * ({@code vert.x-eventloop-thread-0} and {@code -1} count together). Threads that ended are missing.
     */
    public static Map<String, Double> threads(long pid) {
        Map<String, Double> m = new TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("\\d+", "N");
                    String s = Files.readString(task.resolve("stat"));
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    double sec = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                    m.merge(name, sec, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return m;
        }
        return m;
    }

    /**
     * CPU seconds used so far by the JIT compiler threads (C1 and C2) of the given JVMs: while they run, a
     * JVM is still compiling its hot code, so a measurement then would count compilation and interpreted or
     * partly optimized code.
     */
    public static double compilerSeconds(long... jvms) {
        double s = 0;
        for (long pid : jvms) {
            for (Map.Entry<String, Double> e : threads(pid).entrySet()) {
                if (e.getKey().contains("CompilerThre")) {
                    s += e.getValue();
                }
            }
        }
        return s;
    }

    /** The largest {@code n} entries of {@code after - before}, as "seconds name" lines. */
    public static List<String> topDelta(Map<String, Double> before, Map<String, Double> after, int n) {
        Map<String, Double> d = delta(before, after);
        return d.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(n)
                .filter(e -> e.getValue() > 0).map(e -> String.format(Locale.ROOT, "%7.2f s  %s", e.getValue(), e.getKey())).toList();
    }

    /** {@code after - before}, per key. */
    public static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> d = new LinkedHashMap<>();
        after.forEach((k, v) -> d.put(k, Math.max(0, v - before.getOrDefault(k, 0.0))));
        return d;
    }

    private double postgresSeconds() {
        if (postmaster < 0 || stat(postmaster) == null) {
            postmaster = ProcessHandle.allProcesses()
                    .filter(p -> "postgres".equals(comm(p.pid())) && cmdline(p.pid()).contains(postgresDataDir))
                    .mapToLong(ProcessHandle::pid).min().orElse(-1);
            if (postmaster < 0) {
                return 0;
            }
        }
        long ticks = 0;
        long[] pm = stat(postmaster);
        if (pm != null) {
            ticks += pm[1] + pm[2] + pm[3] + pm[4];
        }
        for (ProcessHandle p : (Iterable<ProcessHandle>) ProcessHandle.allProcesses()::iterator) {
            long[] t = stat(p.pid());
            if (t != null && t[0] == postmaster) {
                ticks += t[1] + t[2];
            }
        }
        return ticks / TICKS_PER_SECOND;
    }

    private static double ownCpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return 0;
    }

    /** ppid, utime, stime, cutime, cstime (ticks) from /proc/pid/stat; null when unreadable. */
    private static long[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): field n is f[n - 3]
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
