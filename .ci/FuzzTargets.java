import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fuzzes every Jazzer {@code @FuzzTest} of one module for a bounded time, one JVM per target.
 *
 * <p>Jazzer fuzzes only the first {@code @FuzzTest} it meets in a JVM (libFuzzer starts once per
 * process) and Surefire forks per class, not per method, so the parent pom runs this program in each
 * module's {@code test} phase, after Surefire has replayed the committed corpora (regression mode).
 * It finds the targets in {@code target/test-classes} and runs each in a fresh JVM with
 * {@code JAZZER_FUZZ=1} for {@code peers.fuzz.duration}. A finding fails the build; Jazzer has then
 * written the crashing input into the target's {@code src/test/resources/.../<Class>Inputs/<method>/},
 * where the next plain test run replays it. See docs/fuzzing.md.
 *
 * <p>Each target runs in {@code FuzzTarget} (next to this file). This program needs only the JDK and
 * is run by the JDK's source launcher ({@code java -cp <test classpath> FuzzTargets.java ...}), so it
 * needs no module of its own. Arguments ({@code --name=value}): {@code classes} (test-classes
 * directory), {@code source} (this file), {@code duration} per target, {@code target} (empty: all;
 * else comma-separated {@code Class#method} or {@code Class}, simple or qualified names), {@code test}
 * (Surefire's property: when set and no target is named, fuzzing is skipped), {@code skip} (flags).
 */
public class FuzzTargets {

    static final String DISABLED_HOOKS = "com.code_intelligence.jazzer.sanitizers.RegexRoadblocks,com.code_intelligence.jazzer.sanitizers.OsCommandInjection";

    private static final Pattern DONE = Pattern.compile("^#(\\d+)\\s+DONE\\s+cov: (\\d+) ft: (\\d+) corp: (\\d+)/(\\S+).*exec/s: (\\d+)");
    private static final Pattern INITED = Pattern.compile("^#\\d+\\s+INITED\\s+cov: (\\d+) ft: (\\d+) corp: (\\d+)/(\\S+)");
    private static final Pattern DONE_RUNS = Pattern.compile("^Done (\\d+) runs in (\\d+) second");

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                options.put(arg.substring(2, eq), arg.substring(eq + 1));
            }
        }
        Path testClasses = Path.of(options.get("classes"));
        String duration = unset(options.get("duration")) == null ? "10s" : options.get("duration").trim();
        String only = unset(options.get("target"));
        String testProperty = unset(options.get("test"));
        boolean skip = Stream.of(options.getOrDefault("skip", "").split(",")).anyMatch(s -> s.trim().equalsIgnoreCase("true"));
        String self = options.get("source");
        if (skip || (testProperty != null && only == null)) {
            System.out.println("[fuzz] skipped (" + (skip ? "skip flag set" : "-Dtest given; name a target with -Dpeers.fuzz.target") + ")");
            return;
        }
        if (!Files.isDirectory(testClasses)) {
            return;
        }
        List<String[]> targets = discover(testClasses, only);
        if (targets.isEmpty()) {
            if (only != null) {
                System.out.println("[fuzz] no @FuzzTest matches " + only + " in " + testClasses);
            }
            return;
        }
        Path logs = testClasses.getParent().resolve("fuzz");
        Files.createDirectories(logs);
        String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        // The child needs the JUnit Platform launcher, which only modules with fuzz tests have (through
        // jazzer-junit): compile it here, once, rather than by the source launcher in every child JVM.
        Path driver = logs.resolve("driver");
        String childSource = Path.of(self).resolveSibling("FuzzTarget.java").toString();
        if (javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "-d", driver.toString(), "--release", "21", "-cp", classpath, "-proc:none", "-nowarn", childSource) != 0) {
            throw new IllegalStateException("cannot compile " + childSource);
        }
        // Jazzer fuzzes on one thread: run as many targets at once as there are cores (most of a target's wall time
        // is its JVM starting and instrumenting classes), each in its own JVM; results print as targets finish.
        int parallel = Math.max(1, Integer.getInteger("peers.fuzz.parallel", Runtime.getRuntime().availableProcessors()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(parallel, targets.size()));
        List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
        for (String[] target : targets) {
            results.add(pool.submit(() -> fuzz(target, logs, javaCommand, classpath, driver, duration)));
        }
        int failures = 0;
        for (java.util.concurrent.Future<Boolean> r : results) {
            try {
                if (!r.get()) {
                    failures++;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                failures++;
                System.out.println("[fuzz] could not run a target: " + e.getCause());
            }
        }
        pool.shutdown();
        if (failures > 0) {
            System.out.println("[fuzz] " + failures + " fuzz target(s) failed. A crashing input is now in the target's "
                    + "src/test/resources/<package>/<Class>Inputs/<method>/ directory: fix the code, keep the file (it is replayed by every "
                    + "test run), see docs/fuzzing.md.");
            System.exit(1);
        }
    }

    /** Fuzzes one target in its own JVM; prints its line (and the crashing input on a finding); true when it passed. */
    private static boolean fuzz(String[] target, Path logs, String javaCommand, String classpath, Path driver, String duration) throws Exception {
        String name = target[0].substring(target[0].lastIndexOf('.') + 1) + "#" + target[1];
        Path log = logs.resolve(target[0] + "#" + target[1] + ".log");
        List<String> command = new ArrayList<>(List.of(javaCommand,
                "-Xmx512m", "-XX:+UseParallelGC", "-XX:-OmitStackTraceInFastThrow", "-XX:+EnableDynamicAgentLoading",
                "-Xshare:off", "--enable-native-access=ALL-UNNAMED",
                // On JDK 25 Jazzer 0.24 cannot instrument JDK classes (class file 69): these hooks would only
                // log a stack trace per java.util.regex class and slow the start.
                "-Djazzer.disabled_hooks=" + DISABLED_HOOKS,
                "-cp", classpath + java.io.File.pathSeparator + driver, "FuzzTarget", target[0], target[1], String.valueOf(seconds(duration))));
        Path inputs = Path.of("src", "test", "resources", target[0].substring(0, Math.max(0, target[0].lastIndexOf('.'))).replace('.', '/'),
                target[0].substring(target[0].lastIndexOf('.') + 1) + "Inputs", target[1]);
        List<Path> before = files(inputs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAZZER_FUZZ", "1");
        long started = System.nanoTime();
        int exit = pb.start().waitFor();
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        String summary = summarize(log);
        synchronized (FuzzTargets.class) {
            if (exit == 0) {
                System.out.printf("[fuzz] %-45s ok   %s (%d s with JVM start; log %s)%n", name, summary, seconds, log.getFileName());
                return true;
            }
            System.out.printf("[fuzz] %-45s FAIL %s (exit %d; log %s)%n", name, summary, exit, log);
            tail(log, 80, System.out);
            // CI runs on a fresh clone: print the crashing input so it can be recreated from the log.
            for (Path crash : files(inputs)) {
                if (!before.contains(crash)) {
                    System.out.println("[fuzz] new input " + crash + " (base64, recreate it with `base64 -d > " + crash + "`):");
                    System.out.println(java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(crash)));
                }
            }
            return false;
        }
    }

    private static List<String[]> discover(Path testClasses, String only) throws IOException {
        List<Path> classFiles;
        try (Stream<Path> files = Files.walk(testClasses)) {
            classFiles = files.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        byte[] marker = "com/code_intelligence/jazzer/junit/FuzzTest".getBytes(StandardCharsets.UTF_8);
        List<String[]> targets = new ArrayList<>();
        for (Path file : classFiles) {
            if (!contains(Files.readAllBytes(file), marker)) {
                continue;
            }
            String relative = testClasses.relativize(file).toString();
            String className = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
            try {
                Class<?> type = Class.forName(className, false, FuzzTargets.class.getClassLoader());
                Stream.of(type.getDeclaredMethods())
                        .filter(m -> Stream.of(m.getAnnotations()).anyMatch(a -> a.annotationType().getName().equals("com.code_intelligence.jazzer.junit.FuzzTest")))
                        .map(Method::getName)
                        .sorted()
                        .filter(m -> matches(only, className, m))
                        .forEach(m -> targets.add(new String[] {className, m}));
            } catch (Throwable notLoadable) {
                System.out.println("[fuzz] cannot load " + className + ": " + notLoadable);
            }
        }
        return targets;
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static boolean matches(String only, String className, String method) {
        if (only == null) {
            return true;
        }
        String simple = className.substring(className.lastIndexOf('.') + 1);
        for (String wanted : only.split(",")) {
            String w = wanted.trim();
            String cls = w.contains("#") ? w.substring(0, w.indexOf('#')) : w;
            String m = w.contains("#") ? w.substring(w.indexOf('#') + 1) : null;
            boolean classMatches = cls.isEmpty() || cls.equals(className) || cls.equals(simple);
            if (classMatches && (m == null || m.equals(method))) {
                return true;
            }
        }
        return false;
    }

    private static String summarize(Path log) throws IOException {
        String inited = "", done = "", runs = "";
        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
            Matcher m;
            if ((m = INITED.matcher(line)).find()) {
                inited = "seed corpus " + m.group(3) + " inputs, cov " + m.group(1);
            } else if ((m = DONE.matcher(line)).find()) {
                done = "-> cov " + m.group(2) + ", corpus " + m.group(4) + " inputs, " + m.group(6) + " exec/s";
            } else if ((m = DONE_RUNS.matcher(line)).find()) {
                runs = m.group(1) + " runs in " + m.group(2) + " s";
            }
        }
        return String.join(" ", inited, done, runs).trim();
    }

    private static void tail(Path log, int lines, PrintStream out) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                .filter(l -> !l.startsWith("WARN: Failed to instrument") && !l.contains("Unsupported class file major version"))
                .toList();
        all.subList(Math.max(0, all.size() - lines), all.size()).forEach(out::println);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static long seconds(String duration) {
        Matcher m = Pattern.compile("(\\d+)\\s*(s|m|h)?").matcher(duration.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("peers.fuzz.duration must look like 10s, 5m or 1h: " + duration);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "m" -> n * 60;
            case "h" -> n * 3600;
            default -> n;
        };
    }

    private static String unset(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? null : value.trim();
    }
}
