package peers.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.TestPostgres;
import peers.testing.peers.TestPeer;
import peers.testing.process.ServiceProcess;

/**
 * Every packaged service (its fast-jar, {@code <module>/target/quarkus-app/quarkus-run.jar}) running as its
 * own process against one embedded PostgreSQL, Kafka and S3 ({@link PeersInfra}), configured the way the
 * devstack runs them. One instance per test JVM: the fault tests share it, stop and start the
 * infrastructure under it, and leave it running for the next test; the services are killed when the JVM
 * exits.
 *
 * <p>Settings changed from the services' defaults, all because every client of these tests is one address
 * and the tests have minutes, not hours: per-address rate limits of registrations, lookups and passkey
 * ceremonies raised; usage reports every 2 s instead of hourly / every 15 min; the outbox relay's longest
 * back-off 5 s instead of 30 s (after an outage it retries within 5 s instead of 30 s).
 */
final class Stack implements Endpoints {

    static final String REGISTRY = "key-registry";
    static final String SIGNALING = "signaling";
    static final String SYNC = "sync-buffer";
    static final String BACKUP = "backup-service";
    static final String AUTH = "managed-keys";
    static final String BILLING = "affiliate-billing";
    static final List<String> ALL = List.of(REGISTRY, SIGNALING, SYNC, BACKUP, AUTH, BILLING);
    /** PostgreSQL schema of each service that has one with data. */
    static final Map<String, String> SCHEMAS = Map.of(REGISTRY, "registry", SYNC, "sync", BACKUP, "backup", AUTH, "auth", BILLING, "billing");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    private static Stack instance;

    final PeersInfra infra;
    /** The key affiliate-billing takes operator requests from (peers.billing.operator-keys). */
    final TestPeer operator = TestPeer.create();
    private final Map<String, ServiceProcess> running = new ConcurrentHashMap<>();
    private final Map<String, Path> snapshots = new ConcurrentHashMap<>();

    private Stack() {
        this.infra = PeersInfra.get();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> snapshots.values().forEach(FileTreesQuietly::delete), "reliability-snapshots"));
    }

    /** The stack with every service started (in parallel, the first time). */
    static synchronized Stack get() {
        if (instance == null) {
            instance = new Stack();
            instance.startAll();
        }
        return instance;
    }

    private void startAll() {
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (String name : ALL) {
            starts.add(CompletableFuture.runAsync(() -> start(name, name)));
        }
        starts.forEach(CompletableFuture::join);
        System.out.printf("stack: %s ready in %d ms%n", ALL, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Starts (another) process of {@code module} under {@code name}, e.g. a second signaling replica. */
    ServiceProcess start(String name, String module) {
        try {
            ServiceProcess p;
            try {
                p = new ServiceProcess(snapshot(module).resolve("quarkus-run.jar"), config(module)).start(START_TIMEOUT);
            } catch (IllegalStateException failed) {
                // the module may have been rebuilt while it was copied: copy it again, once
                System.out.printf("%s did not start (%s); copying its package again%n", name, failed.getMessage().lines().findFirst().orElse(""));
                snapshots.remove(module);
                p = new ServiceProcess(snapshot(module).resolve("quarkus-run.jar"), config(module)).start(START_TIMEOUT);
            }
            running.put(name, p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A private copy of the module's packaged application ({@code target/quarkus-app}) under this module's
     * {@code target/apps}, taken once per JVM: the tests run what was packaged when they started, even if the
     * module is rebuilt meanwhile (on a shared work tree, a rebuild replaces the jars under a running process).
     */
    private Path snapshot(String module) throws IOException, InterruptedException {
        Path existing = snapshots.get(module);
        if (existing != null) {
            return existing;
        }
        Path source = root().resolve(module).resolve("target/quarkus-app");
        if (!Files.isRegularFile(source.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException("no packaged " + module + " at " + source + ": package the services first (./mvnw package)");
        }
        Path target = root().resolve("reliability/target/apps").resolve(module + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        for (int attempt = 1; ; attempt++) {
            try {
                copyTree(source, target);
                snapshots.put(module, target);
                return target;
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(5_000); // being rebuilt
                FileTreesQuietly.delete(target);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }

    /** Deletes a directory tree, ignoring what cannot be deleted. */
    private static final class FileTreesQuietly {
        static void delete(Path dir) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException ignored) {
                // best effort
            }
        }
    }

    /** Kills (SIGKILL) the process started under {@code name}. */
    void kill(String name) throws InterruptedException {
        ServiceProcess p = running.remove(name);
        if (p != null) {
            p.kill();
        }
    }

    ServiceProcess process(String name) {
        ServiceProcess p = running.get(name);
        if (p == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return p;
    }

    @Override
    public String url(String name) {
        return process(name).baseUrl();
    }

    @Override
    public Map<String, Long> rssKiB() {
        Map<String, Long> out = new java.util.TreeMap<>();
        running.forEach((name, p) -> out.put(name, rssKiB(p)));
        return out;
    }

    /** The service's management base URL (health, metrics), from the port it was started with. */
    String managementUrl(String name) {
        String arg = handle(process(name)).flatMap(h -> h.info().arguments()).stream().flatMap(java.util.Arrays::stream)
                .filter(a -> a.startsWith("-Dquarkus.management.port=")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no management port for " + name));
        return "http://127.0.0.1:" + arg.substring(arg.indexOf('=') + 1);
    }

    Map<String, ServiceProcess> processes() {
        return Map.copyOf(running);
    }

    /** The operating-system process of a service (a child of this JVM, told apart by its HTTP port). */
    static Optional<ProcessHandle> handle(ServiceProcess p) {
        String port = "-Dquarkus.http.port=" + p.httpPort();
        return ProcessHandle.current().children()
                .filter(h -> h.info().arguments().map(args -> List.of(args).contains(port)).orElse(false))
                .findFirst();
    }

    /** Resident memory of the service's process in KiB (VmRSS of /proc/&lt;pid&gt;/status), -1 when unknown. */
    static long rssKiB(ServiceProcess p) {
        return handle(p).map(h -> Endpoints.rssKiB(h.pid())).orElse(-1L);
    }

    Connection db() throws SQLException {
        TestPostgres pg = infra.postgres();
        return DriverManager.getConnection(pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE), pg.user(), pg.password());
    }

    /** The single number a query answers. */
    long scalar(String sql) throws SQLException {
        try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of every row. */
    List<String> column(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private Map<String, String> config(String module) {
        Map<String, String> c = new LinkedHashMap<>(infra.quarkusConfig());
        c.put("quarkus.banner.enabled", "false");
        c.put("quarkus.http.host", "127.0.0.1");
        c.put("quarkus.management.host", "127.0.0.1");
        c.put("peers.outbox.max-backoff", "5s");
        switch (module) {
            case REGISTRY -> {
                c.put("peers.rate-limits.\"registry.register\".capacity", "1000000");
                c.put("peers.rate-limits.\"registry.lookup\".capacity", "1000000");
            }
            case SYNC -> c.put("peers.sync.usage-interval", "2s");
            case BACKUP -> c.put("peers.backup.usage-interval", "2s");
            case AUTH -> c.put("peers.rate-limits.\"auth.ceremony\".capacity", "1000000");
            case BILLING -> c.put("peers.billing.operator-keys", operator.id());
            default -> {
            }
        }
        // for experiments: -Dreliability.service-config="k=v;k2=v2" is added to every service's settings
        String extra = System.getProperty("reliability.service-config", "");
        for (String kv : extra.split(";")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                c.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return c;
    }

    static Path root() {
        String configured = System.getProperty("peers.root");
        if (configured != null && Files.isRegularFile(Path.of(configured, "reliability/pom.xml"))) {
            return Path.of(configured);
        }
        Path here = Path.of("").toAbsolutePath();
        return Files.isRegularFile(here.resolve("reliability/pom.xml")) ? here : here.getParent();
    }
}
