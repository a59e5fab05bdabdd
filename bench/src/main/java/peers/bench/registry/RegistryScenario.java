package peers.bench.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import peers.bench.Infra;
import peers.bench.Bench;
import peers.bench.CpuMeter;
import peers.bench.InclusionCheck;
import peers.bench.Load;
import peers.bench.Measurement;
import peers.bench.Options;
import peers.bench.PgStats;
import peers.bench.Profiler;
import peers.bench.Report;
import peers.bench.Scenario;
import peers.bench.ServiceProcess;
import peers.common.identity.PeerKey;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.TestPostgres;

/**
 * key-registry, run from its packaged fast-jar against embedded PostgreSQL and Kafka, side by side with raw
 * JDBC doing the equivalent single-row work on the same PostgreSQL:
 *
 * <ol>
 *   <li><b>register</b>: signed {@code POST /registry/v1/identities} (each with a fresh key and handle) vs one
 *       {@code INSERT} per transaction of an equivalent row (handle, key, skeleton, a ~1 KiB JSON entry and a
 *       32-byte commitment) into {@code bench.identities};
 *   <li><b>lookup</b>: {@code GET /registry/v1/handles/<handle>} (the identity with its RFC 9162 inclusion
 *       proof) of random registered handles vs a point {@code SELECT} by the unique handle of that table.
 * </ol>
 *
 * Both sides use the same number of concurrent clients (virtual threads; one JDBC connection each on the
 * raw side). Requests and rows are prepared (keys generated, requests signed) before the clock starts.
 * A sample of lookup answers is checked after the phase: status 200, the handle asked for, and an inclusion
 * path from the entry's commitment to the tree head's root.
 */
public final class RegistryScenario implements Scenario {

    /** Letters that form no UTS #39 confusable with each other (no c, d, l, m, n, r, v, w, i, o, u). */
    private static final String HANDLE_ALPHABET = "abefghjkpqstxyz";
    /** Runs so far in this JVM: a repeated run (repeat=N) reuses the database, so it takes handles of its own. */
    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();
    private static final List<String> RATE_LIMITS = List.of("registry.register", "registry.write", "registry.lookup", "registry.search");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public String name() {
        return "registry";
    }

    @Override
    public String description() {
        return "key-registry registrations/s and lookups/s with inclusion proof vs raw PostgreSQL INSERT/SELECT";
    }

    @Override
    public String options() {
        return "registrations=2000 rawRegistrations=max(registrations,20000) registrationWarmup=200 concurrency=16 warmup=10s maxWarmup=60s duration=10s entryBytes=1024 verifyEvery=50 httpExecutor=direct|default|virtual "
                + "profile=false app=<root>/key-registry/target/quarkus-app serverJvmArgs=\"\" startTimeout=90s";
    }

    @Override
    public Report run(Options o) throws Exception {
        int registrations = o.integer("registrations", 2000);
        int rawRegistrations = o.integer("rawRegistrations", Math.max(registrations, 20_000));
        int registrationWarmup = o.integer("registrationWarmup", 200);
        int clients = o.integer("concurrency", 16);
        Duration warmup = o.duration("warmup", Duration.ofSeconds(10));
        // warmup is the shortest lookup warm-up: it lasts until the JIT compilers are quiet (Load.untilQuiet), at most this long
        Duration maxWarmup = o.duration("maxWarmup", Duration.ofSeconds(60));
        Duration duration = o.duration("duration", Duration.ofSeconds(10));
        int entryBytes = o.integer("entryBytes", 1024);
        int verifyEvery = Math.max(1, o.integer("verifyEvery", 50));
        String httpExecutor = o.string("httpExecutor", "direct");
        boolean profile = o.bool("profile", false);
        Path app = Path.of(o.string("app", o.rootDir().resolve("key-registry/target/quarkus-app").toString()));
        String serverJvmArgs = o.string("serverJvmArgs", "");
        Duration startTimeout = o.duration("startTimeout", Duration.ofSeconds(90));
        if (registrations < 1 || rawRegistrations < 1 || clients < 1 || registrationWarmup < 0) {
            throw new Bench.UsageException("registrations, rawRegistrations and concurrency must be positive, registrationWarmup not negative");
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = o.benchDir().resolve("target");
        int handleBase = RUNS.getAndIncrement() * 10_000_000;
        Report report = new Report(name());

        // --- infrastructure and the service -------------------------------------------------------------
        PeersInfra infra = Infra.start();
        TestPostgres pg = infra.postgres();
        Map<String, String> env = Infra.serviceEnvironment(infra);
        // Quoted map keys are awkward as environment variables; system properties carry them verbatim.
        Map<String, String> props = new LinkedHashMap<>();
        for (String limit : RATE_LIMITS) {
            props.put("peers.rate-limits.\"" + limit + "\".capacity", "1000000000");
        }
        List<String> jvmArgs = serverJvmArgs.isBlank() ? List.of() : List.of(serverJvmArgs.trim().split("\\s+"));

        long t0 = System.nanoTime();
        Path serviceLog = target.resolve("logs/key-registry-" + stamp + ".log");
        try (ServiceProcess service = ServiceProcess.start("key-registry", app, target.resolve("apps/key-registry"), env, props, jvmArgs,
                serviceLog)) {
            service.awaitReady(startTimeout);
            long started = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("key-registry: pid %d at %s, ready in %d ms (log %s)%n", service.pid(), service.baseUri(), started, serviceLog);
            report.detail("serviceStartMillis", started);
            report.detail("serviceLog", serviceLog.toString());

            CpuMeter cpu = new CpuMeter();
            cpu.addPostgres(pg.dataDirectory());
            cpu.addService("key-registry", service.handle());
            HttpClient.Builder hb = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
            switch (httpExecutor) {
                case "default" -> { }
                case "virtual" -> hb.executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
                case "direct" -> hb.executor(Runnable::run);
                default -> throw new Bench.UsageException("httpExecutor must be default, virtual or direct");
            }
            HttpClient http = hb.build();
            Connection[] conns = new Connection[clients];
            try {
                for (int i = 0; i < clients; i++) {
                    conns[i] = Infra.connect(pg);
                }
                report.detail("postgres", scalar(conns[0], "SELECT version()"));
                createScratchTable(conns[0]);

                // --- 1. registrations ------------------------------------------------------------------
                int total = registrationWarmup + registrations;
                int rawTotal = registrationWarmup + rawRegistrations;
                System.out.printf("preparing %d identities to register and %d raw rows...%n", total, rawTotal);
                Identity[] ids = new Identity[total];
                RawRow[] rows = new RawRow[rawTotal];
                SecureRandom random = new SecureRandom();
                KeyPairGenerator kpg = KeyPairGenerator.getInstance("Ed25519");
                for (int i = 0; i < total; i++) {
                    ids[i] = new Identity(kpg.generateKeyPair(), handle(handleBase + i));
                }
                for (int i = 0; i < rawTotal; i++) {
                    // the same handles and keys as the registered identities (lookups pick from both alike), then more of the kind
                    rows[i] = RawRow.create(handle(handleBase + i), i < total ? ids[i].key.toString() : randomKey(random), entryBytes, random);
                }
                URI registerUri = service.baseUri().resolve("/registry/v1/identities");

                Measurement warm = register(http, registerUri, ids, 0, registrationWarmup, clients, "warm-up");
                rawInsert(conns, rows, 0, registrationWarmup, clients, "warm-up");
                System.out.printf("warm-up: %d registrations (%d errors), %d raw inserts%n", warm.ops(), warm.errorCount(), registrationWarmup);

                Profiler regProfiler = profile ? Profiler.start(service.pid(), target.resolve("results/registry-" + stamp + "-register.jfr")) : null;
                Map<String, Long> pg0 = PgStats.snapshot(conns[0], "registry");
                Map<String, Double> c0 = cpu.snapshot();
                Map<String, Double> th0 = CpuMeter.threads(service.pid());
                Measurement oursReg = register(http, registerUri, ids, registrationWarmup, registrations, clients, "ours");
                Map<String, Double> c1 = cpu.snapshot();
                report.section("postgresPerRegistration", PgStats.perOp(pg0, PgStats.snapshot(conns[0], "registry"), oursReg.ops()));
                report.section("serviceThreadCpuRegister", CpuMeter.topDelta(th0, CpuMeter.threads(service.pid()), 12));
                oursReg = oursReg.withCpu(CpuMeter.delta(c0, c1));
                if (regProfiler != null) {
                    report.section("profileRegister", Profiler.summarize(regProfiler.stop(), 30));
                }
                Map<String, Double> c2 = cpu.snapshot();
                Measurement rawReg = rawInsert(conns, rows, registrationWarmup, rawRegistrations, clients, "raw");
                rawReg = rawReg.withCpu(CpuMeter.delta(c2, cpu.snapshot()));
                System.out.printf("register: ours %.1f/s, raw %.1f/s%n", oursReg.opsPerSecond(), rawReg.opsPerSecond());
                report.add(new Report.Comparison("register", "signed POST /registry/v1/identities (" + registrations
                        + ") vs one-row INSERT per transaction (" + rawRegistrations + "), " + clients + " clients", oursReg, rawReg, null));

                // --- 2. lookups with inclusion proof ---------------------------------------------------
                List<String> registered = new ArrayList<>();
                for (Identity id : ids) {
                    if (id.registered) {
                        registered.add(id.handle);
                    }
                }
                if (registered.isEmpty()) {
                    throw new IllegalStateException("no registration succeeded; service log " + serviceLog + ":\n" + service.tail(40));
                }
                String[] handles = registered.toArray(String[]::new);
                HttpRequest[] lookups = new HttpRequest[handles.length];
                for (int i = 0; i < handles.length; i++) {
                    lookups[i] = HttpRequest.newBuilder(service.baseUri().resolve("/registry/v1/handles/" + handles[i]))
                            .timeout(REQUEST_TIMEOUT).GET().build();
                }
                ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
                AtomicInteger sampled = new AtomicInteger();
                Load.Op lookup = (client, seq) -> {
                    int pick = ThreadLocalRandom.current().nextInt(handles.length);
                    HttpResponse<byte[]> r = http.send(lookups[pick], HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200) {
                        throw new Load.Failed("HTTP " + r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
                    }
                    if (seq % verifyEvery == 0 && sampled.incrementAndGet() <= 2000) {
                        samples.add(new Sample(handles[pick], r.body()));
                    }
                };
                long self = ProcessHandle.current().pid();
                report.detail("warmUp-lookup-ours", Load.warmUp("lookup, ours", warmup, maxWarmup, clients, lookup, service.pid(), self));
                samples.clear();
                sampled.set(0);
                Profiler lookupProfiler = profile ? Profiler.start(service.pid(), target.resolve("results/registry-" + stamp + "-lookup.jfr")) : null;
                pg0 = PgStats.snapshot(conns[0], "registry");
                c0 = cpu.snapshot();
                th0 = CpuMeter.threads(service.pid());
                Map<String, Double> bth0 = CpuMeter.threads(self);
                Measurement oursLookup = Load.timed("ours", Duration.ZERO, duration, clients, lookup);
                c1 = cpu.snapshot();
                report.section("benchThreadCpuLookup", CpuMeter.topDelta(bth0, CpuMeter.threads(self), 8));
                report.section("postgresPerLookup", PgStats.perOp(pg0, PgStats.snapshot(conns[0], "registry"), oursLookup.ops()));
                report.section("serviceThreadCpuLookup", CpuMeter.topDelta(th0, CpuMeter.threads(service.pid()), 12));
                oursLookup = oursLookup.withCpu(CpuMeter.delta(c0, c1));
                if (lookupProfiler != null) {
                    report.section("profileLookup", Profiler.summarize(lookupProfiler.stop(), 40));
                }

                PreparedStatement[] selects = new PreparedStatement[clients];
                for (int i = 0; i < clients; i++) {
                    selects[i] = conns[i].prepareStatement(
                            "SELECT id, handle, identity_key, handle_skeleton, entry, commitment, created_at FROM bench.identities WHERE handle = ?");
                }
                Load.Op select = (client, seq) -> {
                    PreparedStatement ps = selects[client];
                    ps.setString(1, handles[ThreadLocalRandom.current().nextInt(handles.length)]);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new Load.Failed("not found", "no row");
                        }
                        rs.getLong(1);
                        rs.getString(2);
                        rs.getString(3);
                        rs.getString(4);
                        rs.getString(5);
                        rs.getBytes(6);
                        rs.getTimestamp(7);
                    }
                };
                report.detail("warmUp-lookup-raw", Load.warmUp("lookup, raw", warmup, maxWarmup, clients, select, self));
                c0 = cpu.snapshot();
                Measurement rawLookup = Load.timed("raw", Duration.ZERO, duration, clients, select);
                rawLookup = rawLookup.withCpu(CpuMeter.delta(c0, cpu.snapshot()));
                System.out.printf("lookup: ours %.1f/s, raw %.1f/s%n", oursLookup.opsPerSecond(), rawLookup.opsPerSecond());
                report.add(new Report.Comparison("lookup", "GET /registry/v1/handles/<handle> with inclusion proof vs point SELECT by unique handle, "
                        + clients + " clients, " + duration.toMillis() / 1000.0 + " s after a warm-up of at least " + warmup.toMillis() / 1000.0
                        + " s, until the JIT was quiet (warmUp details), "
                        + handles.length + " identities", oursLookup, rawLookup, 0.5));

                // --- checks of sampled answers ------------------------------------------------------------
                int checked = 0;
                int failed = 0;
                List<String> bad = new ArrayList<>();
                for (Sample s : samples) {
                    checked++;
                    String problem;
                    try {
                        JsonNode n = JSON.readTree(s.body);
                        problem = InclusionCheck.problem(n, s.handle);
                    } catch (Exception e) {
                        problem = "not JSON: " + e.getMessage();
                    }
                    if (problem != null) {
                        failed++;
                        if (bad.size() < 10) {
                            bad.add(s.handle + ": " + problem);
                        }
                    }
                }
                Map<String, Object> check = new LinkedHashMap<>();
                check.put("sampledAnswers", checked);
                check.put("failed", failed);
                check.put("failures", bad);
                report.detail("lookupProofCheck", check);
                System.out.printf("lookup answers checked (inclusion proof verified against the tree head root): %d, failed: %d%s%n", checked,
                        failed, bad.isEmpty() ? "" : " " + bad);
            } finally {
                for (Connection c : conns) {
                    if (c != null) {
                        try {
                            c.close();
                        } catch (SQLException ignored) {
                            // closing anyway
                        }
                    }
                }
            }
        }
        return report;
    }

    private static Measurement register(HttpClient http, URI uri, Identity[] ids, int from, int count, int clients, String label)
            throws InterruptedException {
        if (count == 0) {
            return Load.count(label, 0, clients, (c, s) -> { });
        }
        HttpRequest[] requests = new HttpRequest[count];
        for (int i = 0; i < count; i++) {
            Identity id = ids[from + i];
            requests[i] = peers.bench.SignedRequests.build("POST", uri, "{\"handle\":\"" + id.handle + "\"}", id.key.toString(),
                    id.keys.getPrivate(), REQUEST_TIMEOUT);
        }
        return Load.count(label, count, clients, (client, seq) -> {
            HttpResponse<byte[]> r = http.send(requests[(int) seq], HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 201) {
                throw new Load.Failed("HTTP " + r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            }
            ids[from + (int) seq].registered = true;
        });
    }

    private static Measurement rawInsert(Connection[] conns, RawRow[] rows, int from, int count, int clients, String label)
            throws SQLException, InterruptedException {
        PreparedStatement[] inserts = new PreparedStatement[clients];
        for (int i = 0; i < clients; i++) {
            inserts[i] = conns[i].prepareStatement(
                    "INSERT INTO bench.identities (handle, identity_key, handle_skeleton, entry, commitment) VALUES (?, ?, ?, ?, ?)");
        }
        try {
            return Load.count(label, count, clients, (client, seq) -> {
                RawRow row = rows[from + (int) seq];
                PreparedStatement ps = inserts[client];
                ps.setString(1, row.handle);
                ps.setString(2, row.key);
                ps.setString(3, row.handle);
                ps.setString(4, row.entry);
                ps.setBytes(5, row.commitment);
                ps.executeUpdate(); // autocommit: one row per transaction
            });
        } finally {
            for (PreparedStatement ps : inserts) {
                ps.close();
            }
        }
    }

    private static void createScratchTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS bench");
            s.execute("DROP TABLE IF EXISTS bench.identities");
            s.execute("""
                    CREATE TABLE bench.identities (
                        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        handle          text        NOT NULL UNIQUE,
                        identity_key    text        NOT NULL UNIQUE,
                        handle_skeleton text        NOT NULL UNIQUE,
                        entry           text        NOT NULL,
                        commitment      bytea       NOT NULL,
                        created_at      timestamptz NOT NULL DEFAULT now()
                    )""");
        }
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Handle number i: "h" and 7 letters that cannot be confused with each other (unique below 15^7). */
    static String handle(int i) {
        char[] c = new char[7];
        int n = i;
        for (int k = c.length - 1; k >= 0; k--) {
            c[k] = HANDLE_ALPHABET.charAt(n % HANDLE_ALPHABET.length());
            n /= HANDLE_ALPHABET.length();
        }
        return "h" + new String(c);
    }

    private record Sample(String handle, byte[] body) {
    }

    private static String randomKey(SecureRandom random) {
        byte[] k = new byte[PeerKey.LENGTH];
        random.nextBytes(k);
        return PeerKey.ofRaw(k).toString();
    }

    /** One identity to register: key pair and handle. */
    private static final class Identity {
        final KeyPair keys;
        final PeerKey key;
        final String handle;
        volatile boolean registered;

        Identity(KeyPair keys, String handle) {
            this.keys = keys;
            this.key = PeerKey.of(keys.getPublic());
            this.handle = handle;
        }
    }

    /** The raw side's equivalent of a registration: one row with handle, key, skeleton, entry and commitment. */
    private record RawRow(String handle, String key, String entry, byte[] commitment) {

        static RawRow create(String handle, String key, int entryBytes, SecureRandom random) throws GeneralSecurityException {
            // Shaped like the registry's log entry, padded to about entryBytes.
            StringBuilder e = new StringBuilder(String.format(Locale.ROOT,
                    "{\"v\":1,\"op\":\"register\",\"identity\":\"%s\",\"seq\":0,\"prev\":null,\"time\":\"%s\",\"identityKey\":\"%s\","
                            + "\"handle\":\"%s\",\"encryptionKey\":null,\"discoverability\":\"public\",\"status\":\"active\",\"devices\":[]",
                    key, Instant.now(), key, handle));
            if (e.length() + 11 < entryBytes) {
                byte[] pad = new byte[(entryBytes - e.length() - 11) * 3 / 4];
                random.nextBytes(pad);
                e.append(",\"pad\":\"").append(Base64.getUrlEncoder().withoutPadding().encodeToString(pad)).append('"');
            }
            e.append('}');
            String entry = e.toString();
            byte[] salt = new byte[32];
            random.nextBytes(salt);
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("peers-registry-entry/v1".getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(salt);
            d.update(entry.getBytes(StandardCharsets.UTF_8));
            return new RawRow(handle, key, entry, d.digest());
        }
    }
}
