package peers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Comparator;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Benchmarks Peers services against raw PostgreSQL doing equivalent work on the same machine, in the same
 * run. Not a test: nothing is asserted; numbers are printed and written to
 * {@code bench/target/results/<scenario>-<timestamp>.json}.
 *
 * <pre>./mvnw -q -pl bench exec:java -Dexec.args="registry [key=value ...]"</pre>
 *
 * <p>The first argument names one scenario, several separated by commas, or {@code all}. {@code repeat=N}
 * runs each N times and prints the median and spread; {@code publish=true} writes the summary, its charts
 * and docs/benchmarks.md (see {@link Publish}).
 */
public final class Bench {

    /**
     * Every scenario, by name: each is listed in {@code META-INF/services/peers.bench.Scenario}, so a service's
     * scenario is added with its own package and one line there.
     */
    static final List<Scenario> SCENARIOS = ServiceLoader.load(Scenario.class).stream().map(ServiceLoader.Provider::get)
            .sorted(Comparator.comparing(Scenario::name)).toList();

    private Bench() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (UsageException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(usage());
            status = 2;
        } catch (Throwable t) {
            System.err.println("bench: failed");
            t.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.err.flush();
        // Embedded Kafka leaves non-daemon threads behind; exit so shutdown hooks stop the service and the infrastructure.
        System.exit(status);
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            System.out.println(usage());
            return args.length == 0 ? 2 : 0;
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String name : args[0].split(",")) {
            if (name.equals("all")) {
                chosen.addAll(SCENARIOS);
                continue;
            }
            chosen.add(SCENARIOS.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new UsageException("no scenario '" + name + "'")));
        }
        Options options;
        try {
            options = Options.parse(Arrays.asList(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int repeat = options.integer("repeat", 1);
        boolean publish = options.bool("publish", false);
        if (repeat < 1 || repeat > 20) {
            throw new UsageException("repeat must be 1..20");
        }
        Logs.quiet(options.bool("verbose", false));
        System.setProperty("java.awt.headless", "true");
        if (options.bool("install", true)) {
            Tools.ensure(options.rootDir());
        }
        String command = "./mvnw -q -pl bench exec:java -Dexec.args=\"" + String.join(" ", args) + "\"";
        int failed = 0;
        List<Summary> summaries = new ArrayList<>();
        for (Scenario scenario : chosen) {
            List<Report> runs = new ArrayList<>();
            for (int i = 1; i <= repeat; i++) {
                String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
                System.out.printf("bench %s (run %d of %d): %d cores, Java %s%n", scenario.name(), i, repeat,
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
                Report report;
                try {
                    report = scenario.run(options);
                } catch (UsageException e) {
                    throw e;
                } catch (Exception e) {
                    // One broken scenario must not hide the others' results when running several.
                    if (chosen.size() == 1) {
                        throw e;
                    }
                    System.err.println("bench " + scenario.name() + ": failed: " + e);
                    e.printStackTrace();
                    failed++;
                    break;
                }
                report.detail("settings", options.used());
                report.detail("machine", machine());
                report.detail("timestamp", stamp);
                report.print(System.out);
                Path file = options.benchDir().resolve("target/results/" + scenario.name() + "-" + stamp + ".json");
                report.write(file);
                System.out.println("results: " + file);
                runs.add(report);
            }
            if (!runs.isEmpty()) {
                Summary summary = Summary.of(scenario.name(), runs);
                summaries.add(summary);
                if (publish) {
                    Map<String, Object> context = new LinkedHashMap<>(machine());
                    context.put("date", LocalDate.now(ZoneOffset.UTC).toString());
                    context.put("command", command);
                    Publish.publish(options.rootDir(), summary, context);
                    System.out.println("published: docs/benchmarks/" + scenario.name() + ".json and docs/benchmarks.md");
                }
            }
        }
        Map<String, String> unused = options.unused();
        if (!unused.isEmpty()) {
            System.out.println("warning: settings not used by any scenario: " + unused);
        }
        if (repeat > 1 || summaries.size() > 1) {
            printSummaries(summaries);
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Path file = options.benchDir().resolve("target/results/summary-" + stamp + ".json");
            Files.createDirectories(file.getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), summaries.stream().map(Summary::toJson).toList());
            System.out.println("summary: " + file);
        }
        return failed == 0 ? 0 : 1;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }

    private static void printSummaries(List<Summary> summaries) {
        System.out.println();
        System.out.println("summary (median over runs; spread = min..max):");
        System.out.printf(Locale.ROOT, "%-10s %-34s %8s %17s %10s %6s %5s%n", "scenario", "comparison", "ratio", "spread", "per CPU-s", "goal", "runs");
        for (Summary s : summaries) {
            for (Summary.Row r : s.rows()) {
                System.out.printf(Locale.ROOT, "%-10s %-34s %8.3f %8.3f..%-8.3f %10.3f %6s %5d%n", s.scenario(), r.name(), r.ratio().median(),
                        r.ratio().min(), r.ratio().max(), r.ratioPerCpu().median(),
                        r.goal() == null ? "-" : String.format(Locale.ROOT, ">=%.1f", r.goal()), r.runs());
            }
        }
    }

    /** A bad command line or setting: reported with the usage text. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }

    static String usage() {
        StringBuilder b = new StringBuilder("usage: ./mvnw -q -pl bench exec:java -Dexec.args=\"<scenario>[,<scenario>...]|all [key=value ...]\"\n")
                .append("settings may also be given as -Dbench.<key>=<value>; common: verbose=false (infrastructure logs), repeat=1 (runs per scenario: "
                        + "median and spread), publish=false (write docs/benchmarks.md and its charts), install=true (npm ci in e2e/, apt-get restic rclone "
                        + "when missing)\n");
        for (Scenario s : SCENARIOS) {
            b.append("  ").append(s.name()).append(": ").append(s.description()).append('\n')
                    .append("      ").append(s.options()).append('\n');
        }
        return b.toString();
    }
}
