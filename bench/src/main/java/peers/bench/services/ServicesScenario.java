package peers.bench.services;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import peers.bench.Infra;
import peers.bench.Options;
import peers.bench.Report;
import peers.bench.Scenario;
import peers.bench.ServiceProcess;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.TestS3;

/**
 * Start-up time and idle memory of every packaged service, one at a time, each against the same embedded
 * PostgreSQL, Kafka and S3: time from launching the JVM to the first 200 of {@code /q/health/ready} (which
 * includes Flyway, the Kafka clients and the HTTP server), and the resident memory (RSS) after it has been
 * idle for {@code idle}. First starts migrate a fresh schema; {@code starts} later starts find it migrated.
 * There is no baseline: the numbers are facts for capacity planning, published as a table.
 */
public final class ServicesScenario implements Scenario {

    /** Every service module, in the order of the URL space. */
    static final List<String> SERVICES = List.of("key-registry", "signaling", "sync-buffer", "backup-service", "managed-keys", "affiliate-billing");

    @Override
    public String name() {
        return "services";
    }

    @Override
    public String description() {
        return "start-up time (JVM launch to ready) and idle resident memory of every packaged service";
    }

    @Override
    public String options() {
        return "starts=3 idle=10s startTimeout=120s serverJvmArgs=\"\" only=<comma-separated service names>";
    }

    @Override
    public Report run(Options o) throws Exception {
        int starts = Math.max(1, o.integer("starts", 3));
        Duration idle = o.duration("idle", Duration.ofSeconds(10));
        Duration startTimeout = o.duration("startTimeout", Duration.ofSeconds(120));
        String serverJvmArgs = o.string("serverJvmArgs", "");
        String only = o.string("only", "");
        List<String> jvmArgs = serverJvmArgs.isBlank() ? List.of() : List.of(serverJvmArgs.trim().split("\\s+"));
        Path root = o.rootDir();
        Path target = o.benchDir().resolve("target");
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Report report = new Report(name());

        Infra.start();
        PeersInfra infra = PeersInfra.get(EnumSet.of(PeersInfra.Part.POSTGRES, PeersInfra.Part.KAFKA, PeersInfra.Part.S3));
        Map<String, String> env = new LinkedHashMap<>(Infra.serviceEnvironment(infra));
        TestS3 s3 = infra.s3();
        env.put("PEERS_S3_ENDPOINT", s3.endpoint());
        env.put("PEERS_S3_REGION", s3.region());
        env.put("PEERS_S3_ACCESS_KEY", s3.accessKey());
        env.put("PEERS_S3_SECRET_KEY", s3.secretKey());
        env.put("PEERS_S3_PATH_STYLE", "true");

        List<List<String>> rows = new ArrayList<>();
        for (String service : SERVICES) {
            if (!only.isBlank() && !List.of(only.split(",")).contains(service)) {
                continue;
            }
            Path app = root.resolve(service + "/target/quarkus-app");
            if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
                System.out.printf("%s: not packaged (%s missing), skipped%n", service, app.resolve("quarkus-run.jar"));
                rows.add(List.of(service, "not packaged", "", "", ""));
                continue;
            }
            List<Long> startMillis = new ArrayList<>();
            long rssKiB = -1;
            long threads = -1;
            for (int i = 0; i < starts; i++) {
                Path log = target.resolve("logs/" + service + "-" + stamp + "-start" + i + ".log");
                long t0 = System.nanoTime();
                try (ServiceProcess p = ServiceProcess.start(service, app, target.resolve("apps/" + service), env, Map.of(), jvmArgs, log)) {
                    p.awaitReady(startTimeout);
                    startMillis.add((System.nanoTime() - t0) / 1_000_000);
                    if (i == starts - 1) {
                        Thread.sleep(idle.toMillis());
                        rssKiB = status(p.pid(), "VmRSS");
                        threads = status(p.pid(), "Threads");
                    }
                }
            }
            List<Long> later = startMillis.size() > 1 ? startMillis.subList(1, startMillis.size()) : startMillis;
            long median = later.stream().sorted().toList().get(later.size() / 2);
            System.out.printf(Locale.ROOT, "%s: ready in %d ms first (fresh schema), %d ms median after; idle RSS %.0f MiB, %d threads%n", service,
                    startMillis.get(0), median, rssKiB / 1024.0, threads);
            rows.add(List.of(service, startMillis.get(0) + " ms", median + " ms (" + later.size() + ")",
                    String.format(Locale.ROOT, "%.0f MiB", rssKiB / 1024.0), Long.toString(threads)));
        }
        report.table("Start-up and idle memory per service (JVM mode, default heap settings, one at a time on embedded PostgreSQL/Kafka/S3)",
                List.of("service", "first start (migrates)", "later starts (median)", "idle RSS after " + idle.toSeconds() + " s", "threads"), rows);
        return report;
    }

    /** A numeric field of /proc/<pid>/status (kB for memory fields); -1 when unreadable. */
    static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
