package peers.bench;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Comparator;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Benchmarks Peers services against raw PostgreSQL doing equivalent work on the same machine, in the same
 * run. Not a test: nothing is asserted; numbers are printed and written to
 * {@code bench/target/results/<scenario>-<timestamp>.json}.
 *
 * <pre>./mvnw -q -pl bench exec:java -Dexec.args="registry [key=value ...]"</pre>
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
        Scenario scenario = SCENARIOS.stream().filter(s -> s.name().equals(args[0])).findFirst()
                .orElseThrow(() -> new UsageException("no scenario '" + args[0] + "'"));
        Options options;
        try {
            options = Options.parse(Arrays.asList(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Logs.quiet(options.bool("verbose", false));
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        System.out.printf("bench %s: %d cores, Java %s%n", scenario.name(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        Report report = scenario.run(options);
        Map<String, String> unused = options.unused();
        if (!unused.isEmpty()) {
            System.out.println("warning: settings not used by this scenario: " + unused);
        }
        report.detail("settings", options.used());
        report.detail("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        report.detail("timestamp", stamp);
        report.print(System.out);
        Path file = options.benchDir().resolve("target/results/" + scenario.name() + "-" + stamp + ".json");
        report.write(file);
        System.out.println("results: " + file);
        return 0;
    }

    /** A bad command line or setting: reported with the usage text. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }

    static String usage() {
        StringBuilder b = new StringBuilder("usage: ./mvnw -q -pl bench exec:java -Dexec.args=\"<scenario> [key=value ...]\"\n")
                .append("settings may also be given as -Dbench.<key>=<value>; common: verbose=false (infrastructure logs)\n");
        for (Scenario s : SCENARIOS) {
            b.append("  ").append(s.name()).append(": ").append(s.description()).append('\n')
                    .append("      ").append(s.options()).append('\n');
        }
        return b.toString();
    }
}
