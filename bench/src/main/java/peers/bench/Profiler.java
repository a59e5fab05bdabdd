package peers.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Samples a service's JVM with JDK Flight Recorder over one phase ({@code jcmd <pid> JFR.start/JFR.stop},
 * profile settings: a stack sample every 10-20 ms per running thread) and summarizes where the samples fall.
 */
public final class Profiler {

    private final long pid;
    private final Path file;
    private final String name;

    private Profiler(long pid, Path file, String name) {
        this.pid = pid;
        this.file = file;
        this.name = name;
    }

    public static Profiler start(long pid, Path file) throws IOException, InterruptedException {
        String name = "bench-" + System.nanoTime();
        try {
            // JDK 25+: CPU-time sampling (JEP 509) sees time a thread spends on CPU, native code included
            jcmd(pid, "JFR.start", "name=" + name, "settings=profile", "jdk.CPUTimeSample#enabled=true", "jdk.CPUTimeSample#throttle=2ms");
        } catch (IOException e) {
            jcmd(pid, "JFR.start", "name=" + name, "settings=profile");
        }
        return new Profiler(pid, file, name);
    }

    /** Stops the recording, writes it to the file and returns it. */
    public Path stop() throws IOException, InterruptedException {
        jcmd(pid, "JFR.stop", "name=" + name, "filename=" + file);
        return file;
    }

    /**
     * Sample counts of CPU-time samples ({@code jdk.CPUTimeSample}) when the recording has them, else of
     * execution samples: top frames (self), self by package, methods anywhere on the stack (inclusive), the
     * same for the application's own code ({@code peers.*}), and samples by thread.
     */
    public static Map<String, Object> summarize(Path jfr, int top) throws IOException {
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        boolean cpuTime = events.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.CPUTimeSample"));
        String type = cpuTime ? "jdk.CPUTimeSample" : "jdk.ExecutionSample";
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> selfByPackage = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> own = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> exceptions = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals("jdk.JavaExceptionThrow") || e.getEventType().getName().equals("jdk.JavaErrorThrow")) {
                RecordedStackTrace st = e.getStackTrace();
                String site = "?";
                if (st != null) {
                    for (RecordedFrame f : st.getFrames()) {
                        String n = frameName(f);
                        if (!n.startsWith("java.lang.") && !n.startsWith("jakarta.persistence.PersistenceException")
                                && !n.endsWith(".<init>")) {
                            site = n;
                            break;
                        }
                    }
                }
                exceptions.merge(e.getClass("thrownClass").getName() + " at " + site, 1, Integer::sum);
                continue;
            }
            if (!e.getEventType().getName().equals(type)) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            var thread = e.hasField("sampledThread") ? e.getThread("sampledThread") : e.getThread();
            String tn = thread == null ? "?" : String.valueOf(thread.getJavaName()).replaceAll("[-#]?\\d+$", "-N");
            threads.merge(tn, 1, Integer::sum);
            List<RecordedFrame> frames = st.getFrames();
            self.merge(frameName(frames.get(0)), 1, Integer::sum);
            selfByPackage.merge(packageOf(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = frameName(f);
                if (seen.add(n)) {
                    inclusive.merge(n, 1, Integer::sum);
                    if (n.startsWith("peers.")) {
                        own.merge(n, 1, Integer::sum);
                    }
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", jfr.toString());
        m.put("sampleEvent", type);
        m.put("samples", samples);
        m.put("topSelf", topOf(self, top));
        m.put("topSelfByPackage", topOf(selfByPackage, 20));
        m.put("topInclusive", topOf(inclusive, top));
        m.put("topInclusiveOwnCode", topOf(own, top));
        m.put("threads", topOf(threads, 15));
        m.put("exceptionsThrown", topOf(exceptions, 10));
        return m;
    }

    private static String frameName(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        return m == null ? "?" : m.getType().getName() + "." + m.getName();
    }

    private static String packageOf(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        if (m == null) {
            return "?";
        }
        String[] parts = m.getType().getName().split("\\.");
        return String.join(".", java.util.Arrays.copyOfRange(parts, 0, Math.min(3, Math.max(1, parts.length - 1))));
    }

    private static List<String> topOf(Map<String, Integer> counts, int n) {
        List<Map.Entry<String, Integer>> list = new ArrayList<>(counts.entrySet());
        list.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, list.size()); i++) {
            out.add(String.format("%6d  %s", list.get(i).getValue(), list.get(i).getKey()));
        }
        return out;
    }

    /** Runs {@code jcmd <pid> <command...>} with this JDK's jcmd and returns its output; throws if it fails. */
    public static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(pid));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
