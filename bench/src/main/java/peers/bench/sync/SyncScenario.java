package peers.bench.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import peers.bench.Infra;
import peers.bench.Bench;
import peers.bench.CpuMeter;
import peers.bench.Load;
import peers.bench.Measurement;
import peers.bench.Options;
import peers.bench.PgStats;
import peers.bench.Profiler;
import peers.bench.Report;
import peers.bench.Scenario;
import peers.bench.ServiceProcess;
import peers.bench.SignedRequests;
import peers.common.identity.PeerKey;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.TestPostgres;

/**
 * sync-buffer, run from its packaged fast-jar against embedded PostgreSQL and Kafka, side by side with raw
 * JDBC doing the equivalent work on the same PostgreSQL, in a scratch copy {@code bench.records} of the
 * service's {@code sync.records} table (same columns, same partitioning by expiry day, same indexes):
 *
 * <ol>
 *   <li><b>append</b>: each client appends batches of {@code batch} records of {@code recordBytes} random
 *       ciphertext to its own stream with a signed {@code POST /sync/v1/streams/{s}/records}, vs a JDBC batch
 *       {@code INSERT} of as many equivalent rows in one transaction per batch. Reported in records/s.
 *   <li><b>read</b>: each client reads a page of {@code page} records of its stream from a random cursor
 *       ({@code GET …/records?after=&limit=}) vs {@code SELECT … WHERE stream_id = ? AND seq > ? ORDER BY seq
 *       LIMIT ?}. Reported in records/s; a sample of pages is checked afterwards (seqs, ids, ciphertext).
 *   <li><b>expire-day</b>: {@code expiryRecords} rows of one expiry day are loaded into that day's partition
 *       of {@code bench.records}, and the partition is dropped ({@code DROP TABLE}, what
 *       {@code peers.sync.records.Partitions} does), vs {@code DELETE … WHERE expires_at < <day end>} of an
 *       equal day in an unpartitioned copy {@code bench.records_flat} (the row-by-row alternative), bounded
 *       by {@code deleteTimeout}, plus the {@code VACUUM} that the DELETE leaves to do. Reported in rows
 *       expired per second of the statement.
 * </ol>
 *
 * Both sides use the same number of concurrent clients (virtual threads; one JDBC connection each on the raw
 * side), the same batch and the same page size. The defaults are what a client catching up in bulk uses: batches
 * of 250 records (the service takes at most 256 per append) and pages of 500 (its largest page). Smaller batches
 * measure the fixed cost per request (signature, nonce, membership) more than the cost per record; pass
 * {@code batch=100 page=100} for that. Every phase of either side is measured after its warm-up has run for at
 * least {@code warmup} (appends) or {@code readWarmup} (reads) and until the JIT compilers of the JVMs doing its
 * work are quiet ({@link Load#untilQuiet}; at most {@code maxWarmup}). Nothing is asserted.
 */
public final class SyncScenario implements Scenario {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final DateTimeFormatter PARTITION = DateTimeFormatter.ofPattern("'records_'yyyyMMdd");
    /** The free plan's retention: the service's records (and so the raw rows) expire this many days ahead. */
    private static final int RETENTION_DAYS = 14;
    /** Distinct random ciphertexts; records pick one each (the record id names which, for the read check). */
    private static final int POOL = 256;

    @Override
    public String name() {
        return "sync";
    }

    @Override
    public String description() {
        return "sync-buffer appends/s and reads/s of 1 KiB records in batches vs raw PostgreSQL INSERT/SELECT, and expiring a day of 1M records";
    }

    @Override
    public String options() {
        return "concurrency=16 batch=250 page=500 recordBytes=1024 warmup=15s duration=10s readWarmup=15s readDuration=10s maxWarmup=60s readFormats=binary,json verifyEvery=20 "
                + "expiryRecords=1000000 expiryLoaders=2 expiryChunk=50000 expiryDelete=true deleteTimeout=60s expiryVacuum=true "
                + "httpExecutor=direct profile=false pgStatements=false app=<root>/sync-buffer/target/quarkus-app serverJvmArgs=\"\" startTimeout=90s";
    }

    @Override
    public Report run(Options o) throws Exception {
        int clients = o.integer("concurrency", 16);
        int batch = o.integer("batch", 250);
        int page = o.integer("page", 500);
        int recordBytes = o.integer("recordBytes", 1024);
        Duration warmup = o.duration("warmup", Duration.ofSeconds(15));
        Duration duration = o.duration("duration", Duration.ofSeconds(10));
        Duration readWarmup = o.duration("readWarmup", Duration.ofSeconds(15));
        List<String> readFormats = List.of(o.string("readFormats", "binary,json").split(","));
        for (String f : readFormats) {
            if (!f.equals("binary") && !f.equals("json")) {
                throw new Bench.UsageException("readFormats lists binary and/or json");
            }
        }
        Duration readDuration = o.duration("readDuration", Duration.ofSeconds(10));
        // warmup and readWarmup are the shortest warm-ups: each lasts until the JIT compilers are quiet (Load.untilQuiet), at most this long
        Duration maxWarmup = o.duration("maxWarmup", Duration.ofSeconds(60));
        int verifyEvery = Math.max(1, o.integer("verifyEvery", 20));
        int expiryRecords = o.integer("expiryRecords", 1_000_000);
        int expiryLoaders = Math.max(1, o.integer("expiryLoaders", 2));
        int expiryChunk = Math.max(1, o.integer("expiryChunk", 50_000));
        boolean expiryDelete = o.bool("expiryDelete", true);
        Duration deleteTimeout = o.duration("deleteTimeout", Duration.ofSeconds(60));
        boolean expiryVacuum = o.bool("expiryVacuum", true);
        String httpExecutor = o.string("httpExecutor", "direct");
        boolean profile = o.bool("profile", false);
        // loads pg_stat_statements and reports PostgreSQL's time per read page by statement, on both sides (costs PostgreSQL a little)
        boolean pgStatements = o.bool("pgStatements", false);
        Path app = Path.of(o.string("app", o.rootDir().resolve("sync-buffer/target/quarkus-app").toString()));
        String serverJvmArgs = o.string("serverJvmArgs", "");
        Duration startTimeout = o.duration("startTimeout", Duration.ofSeconds(90));
        if (clients < 1 || batch < 1 || page < 1 || recordBytes < 1 || expiryRecords < 0) {
            throw new Bench.UsageException("concurrency, batch, page and recordBytes must be positive, expiryRecords not negative");
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = o.benchDir().resolve("target");
        Report report = new Report(name());

        // --- infrastructure and the service -------------------------------------------------------------
        PeersInfra infra = Infra.start();
        TestPostgres pg = infra.postgres();
        if (pgStatements) {
            PgStats.enableStatements(pg);
        }
        Map<String, String> env = Infra.serviceEnvironment(infra);
        Map<String, String> props = serviceProperties(batch, page, recordBytes);
        List<String> jvmArgs = serverJvmArgs.isBlank() ? List.of() : List.of(serverJvmArgs.trim().split("\\s+"));

        long t0 = System.nanoTime();
        Path serviceLog = target.resolve("logs/sync-buffer-" + stamp + ".log");
        try (ServiceProcess service = ServiceProcess.start("sync-buffer", app, target.resolve("apps/sync-buffer"), env, props, jvmArgs,
                serviceLog)) {
            service.awaitReady(startTimeout);
            long started = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("sync-buffer: pid %d at %s, ready in %d ms (log %s)%n", service.pid(), service.baseUri(), started, serviceLog);
            report.detail("serviceStartMillis", started);
            report.detail("serviceLog", serviceLog.toString());
            report.detail("serviceProperties", props);

            CpuMeter cpu = new CpuMeter();
            cpu.addPostgres(pg.dataDirectory());
            cpu.addService("sync-buffer", service.handle());
            HttpClient.Builder hb = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
            switch (httpExecutor) {
                case "default" -> { }
                case "virtual" -> hb.executor(Executors.newVirtualThreadPerTaskExecutor());
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
                LocalDate today = LocalDate.now(ZoneOffset.UTC);
                createScratchTables(conns[0], today);

                // --- clients, streams and ciphertexts --------------------------------------------------
                SecureRandom random = new SecureRandom();
                byte[][] pool = new byte[POOL][recordBytes];
                String[] pool64 = new String[POOL];
                for (int i = 0; i < POOL; i++) {
                    random.nextBytes(pool[i]);
                    pool64[i] = B64.encodeToString(pool[i]);
                }
                KeyPairGenerator kpg = KeyPairGenerator.getInstance("Ed25519");
                KeyPair[] keys = new KeyPair[clients];
                String[] keyIds = new String[clients];
                String[] streams = new String[clients];
                URI[] appendUris = new URI[clients];
                URI createUri = service.baseUri().resolve("/sync/v1/streams");
                for (int c = 0; c < clients; c++) {
                    keys[c] = kpg.generateKeyPair();
                    keyIds[c] = PeerKey.of(keys[c].getPublic()).toString();
                    streams[c] = "bench-" + stamp + "-c" + c;
                    appendUris[c] = service.baseUri().resolve("/sync/v1/streams/" + streams[c] + "/records");
                    HttpResponse<String> r = http.send(SignedRequests.build("POST", createUri, "{\"id\":\"" + streams[c] + "\"}", keyIds[c],
                            keys[c].getPrivate(), REQUEST_TIMEOUT), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException("creating stream " + streams[c] + ": HTTP " + r.statusCode() + " " + r.body());
                    }
                }
                System.out.printf("created %d streams, one per client key; batches of %d records of %d bytes%n", clients, batch, recordBytes);

                // --- 1. appends ----------------------------------------------------------------------------
                long[] nextId = new long[clients];
                long[] appended = new long[clients];
                Load.Op append = (client, seq) -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    long n = nextId[client];
                    nextId[client] = n + batch;
                    StringBuilder b = new StringBuilder(batch * (pool64[0].length() + 48) + 16).append("{\"records\":[");
                    for (int i = 0; i < batch; i++) {
                        int p = rnd.nextInt(POOL);
                        b.append(i == 0 ? "" : ",").append("{\"id\":\"c").append(client).append('n').append(n + i).append('p').append(p)
                                .append("\",\"ciphertext\":\"").append(pool64[p]).append("\"}");
                    }
                    b.append("]}");
                    HttpRequest req = SignedRequests.build("POST", appendUris[client], b.toString(), keyIds[client], keys[client].getPrivate(),
                            REQUEST_TIMEOUT);
                    HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200) {
                        throw new Load.Failed("HTTP " + r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
                    }
                    appended[client] += batch; // all or none: the stream's last seq
                };
                long[] rawCount = new long[clients];
                PreparedStatement[] inserts = new PreparedStatement[clients];
                for (int c = 0; c < clients; c++) {
                    conns[c].setAutoCommit(false);
                    inserts[c] = conns[c].prepareStatement("INSERT INTO bench.records (stream_id, seq, record_id, author_key, ciphertext, created_at, "
                            + "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
                }
                Load.Op rawAppend = (client, seq) -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    Connection c = conns[client];
                    PreparedStatement ps = inserts[client];
                    OffsetDateTime now = Instant.now().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
                    OffsetDateTime expires = now.plusDays(RETENTION_DAYS);
                    long base = rawCount[client];
                    try {
                        for (int i = 0; i < batch; i++) {
                            int p = rnd.nextInt(POOL);
                            ps.setString(1, streams[client]);
                            ps.setLong(2, base + i + 1);
                            ps.setString(3, "c" + client + "n" + (base + i) + "p" + p);
                            ps.setString(4, keyIds[client]);
                            ps.setBytes(5, pool[p]);
                            ps.setObject(6, now);
                            ps.setObject(7, expires);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                        c.commit();
                    } catch (SQLException e) {
                        ps.clearBatch();
                        c.rollback();
                        throw e;
                    }
                    rawCount[client] = base + batch;
                };

                System.out.printf("append: PostgreSQL settled in %d ms (checkpoint, autovacuum done)%n", PgStats.settle(conns[0], 120_000));
                long bench = ProcessHandle.current().pid();
                report.detail("warmUp-append-ours", Load.warmUp("append, ours", warmup, maxWarmup, clients, append, service.pid(), bench));
                Map<String, Long> pg0 = PgStats.snapshot(conns[0], "sync");
                Map<String, Double> c0 = cpu.snapshot();
                Map<String, Double> th0 = CpuMeter.threads(service.pid());
                Profiler appendProfiler = profile ? Profiler.start(service.pid(), target.resolve("results/sync-" + stamp + "-append.jfr")) : null;
                Measurement oursAppend = Load.timed("ours", Duration.ZERO, duration, clients, append);
                Map<String, Double> c1 = cpu.snapshot();
                if (appendProfiler != null) {
                    report.section("profileAppend", Profiler.summarize(appendProfiler.stop(), 40));
                }
                report.section("postgresPerAppendBatch", collapsePartitions(PgStats.perOp(pg0, PgStats.snapshot(conns[0], "sync"), oursAppend.ops())));
                report.section("serviceThreadCpuAppend", CpuMeter.topDelta(th0, CpuMeter.threads(service.pid()), 10));
                oursAppend = records(oursAppend.withCpu(CpuMeter.delta(c0, c1)), batch);

                PgStats.settle(conns[0], 120_000);
                report.detail("warmUp-append-raw", Load.warmUp("append, raw", warmup, maxWarmup, clients, rawAppend, bench));
                c0 = cpu.snapshot();
                Measurement rawAppendM = Load.timed("raw", Duration.ZERO, duration, clients, rawAppend);
                rawAppendM = records(rawAppendM.withCpu(CpuMeter.delta(c0, cpu.snapshot())), batch);
                for (PreparedStatement ps : inserts) {
                    ps.close();
                }
                System.out.printf("append: ours %.1f records/s, raw %.1f rows/s%n", oursAppend.opsPerSecond(), rawAppendM.opsPerSecond());
                report.add(new Report.Comparison("append (records)", "signed POST /sync/v1/streams/{s}/records of " + batch + " x " + recordBytes
                        + " B records vs JDBC batch INSERT of " + batch + " rows per transaction into bench.records; " + clients + " clients, "
                        + secs(duration) + " s after a warm-up of at least " + secs(warmup) + " s, until the JIT was quiet (warmUp details); ops = records, latency = per batch", oursAppend, rawAppendM, 0.5));

                // --- 2. reads ------------------------------------------------------------------------------
                for (Connection c : conns) {
                    c.setAutoCommit(true);
                }
                try (Statement s = conns[0].createStatement()) {
                    // what autovacuum would do soon: planner statistics after the bulk inserts, on both sides
                    s.execute("ANALYZE sync.records");
                    s.execute("ANALYZE bench.records");
                }
                for (int c = 0; c < clients; c++) {
                    if (appended[c] < page || rawCount[c] < page) {
                        throw new IllegalStateException("client " + c + " has fewer than " + page + " records to read (ours " + appended[c]
                                + ", raw " + rawCount[c] + "); service log " + serviceLog + ":\n" + service.tail(40));
                    }
                }
                // Both sides read pages at random cursors over the same number of records per stream: the first
                // min(ours, raw) of each. Ours usually appended more (its warm-up lasts until the JIT is quiet), and a
                // larger working set has fewer hits in PostgreSQL's shared buffers, which would count against ours.
                long[] readable = new long[clients];
                for (int c = 0; c < clients; c++) {
                    readable[c] = Math.min(appended[c], rawCount[c]);
                }
                report.detail("readableRecordsPerStream", sum(readable) / clients);
                String base = service.baseUri().toString();
                Map<String, Measurement> oursReads = new LinkedHashMap<>();
                Map<String, Map<String, Object>> pageChecks = new LinkedHashMap<>();
                for (String format : readFormats) {
                    boolean binary = format.equals("binary");
                    ConcurrentLinkedQueue<Page> samples = new ConcurrentLinkedQueue<>();
                    AtomicInteger sampled = new AtomicInteger();
                    Load.Op read = (client, seq) -> {
                        long after = ThreadLocalRandom.current().nextLong(readable[client] - page + 1);
                        URI uri = URI.create(base + "/sync/v1/streams/" + streams[client] + "/records?after=" + after + "&limit=" + page);
                        HttpRequest signed = SignedRequests.build("GET", uri, null, keyIds[client], keys[client].getPrivate(), REQUEST_TIMEOUT);
                        HttpRequest req = HttpRequest.newBuilder(signed, (n, v) -> true)
                                .header("Accept", binary ? "application/octet-stream" : "application/json").build();
                        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200) {
                            throw new Load.Failed("HTTP " + r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
                        }
                        if (seq % verifyEvery == 0 && sampled.incrementAndGet() <= 200) {
                            samples.add(new Page(client, after, binary, r.body()));
                        }
                    };
                    report.detail("warmUp-read-" + format, Load.warmUp("read " + format + ", ours", readWarmup, maxWarmup, clients, read, service.pid(), bench));
                    samples.clear();
                    sampled.set(0);
                    pg0 = PgStats.snapshot(conns[0], "sync");
                    if (pgStatements) {
                        PgStats.resetStatements(conns[0]);
                    }
                    c0 = cpu.snapshot();
                    th0 = CpuMeter.threads(service.pid());
                    Profiler readProfiler = profile ? Profiler.start(service.pid(), target.resolve("results/sync-" + stamp + "-read-" + format + ".jfr")) : null;
                    Measurement oursRead = Load.timed("ours", Duration.ZERO, readDuration, clients, read);
                    c1 = cpu.snapshot();
                    if (readProfiler != null) {
                        report.section("profileRead-" + format, Profiler.summarize(readProfiler.stop(), 40));
                    }
                    report.section("postgresPerReadPage-" + format, collapsePartitions(PgStats.perOp(pg0, PgStats.snapshot(conns[0], "sync"), oursRead.ops())));
                    if (pgStatements) {
                        report.detail("postgresStatementsPerReadPage-" + format, PgStats.statements(conns[0], oursRead.ops(), 8));
                    }
                    report.section("serviceThreadCpuRead-" + format, CpuMeter.topDelta(th0, CpuMeter.threads(service.pid()), 10));
                    oursReads.put(format, records(oursRead.withCpu(CpuMeter.delta(c0, c1)), page));
                    pageChecks.put(format, checkPages(samples, streams, keyIds, pool, page));
                }

                PreparedStatement[] selects = new PreparedStatement[clients];
                for (int c = 0; c < clients; c++) {
                    selects[c] = conns[c].prepareStatement("SELECT stream_id, seq, record_id, author_key, ciphertext, created_at, expires_at "
                            + "FROM bench.records WHERE stream_id = ? AND seq > ? ORDER BY seq LIMIT ?");
                }
                Load.Op rawRead = (client, seq) -> {
                    PreparedStatement ps = selects[client];
                    ps.setString(1, streams[client]);
                    ps.setLong(2, ThreadLocalRandom.current().nextLong(readable[client] - page + 1));
                    ps.setInt(3, page);
                    int n = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rs.getString(1);
                            rs.getLong(2);
                            rs.getString(3);
                            rs.getString(4);
                            rs.getBytes(5);
                            rs.getObject(6, OffsetDateTime.class);
                            rs.getObject(7, OffsetDateTime.class);
                            n++;
                        }
                    }
                    if (n != page) {
                        throw new Load.Failed("short page", n + " rows");
                    }
                };
                report.detail("warmUp-read-raw", Load.warmUp("read, raw", readWarmup, maxWarmup, clients, rawRead, bench));
                if (pgStatements) {
                    PgStats.resetStatements(conns[0]);
                }
                c0 = cpu.snapshot();
                Measurement rawReadM = Load.timed("raw", Duration.ZERO, readDuration, clients, rawRead);
                rawReadM = records(rawReadM.withCpu(CpuMeter.delta(c0, cpu.snapshot())), page);
                if (pgStatements) {
                    report.detail("postgresStatementsPerReadPage-raw", PgStats.statements(conns[0], rawReadM.ops() / page, 8));
                }
                for (PreparedStatement ps : selects) {
                    ps.close();
                }
                for (Map.Entry<String, Measurement> e : oursReads.entrySet()) {
                    boolean binary = e.getKey().equals("binary");
                    System.out.printf("read (%s): ours %.1f records/s, raw %.1f rows/s%n", e.getKey(), e.getValue().opsPerSecond(), rawReadM.opsPerSecond());
                    report.add(new Report.Comparison(binary ? "read (records)" : "read json (records)", "signed GET /sync/v1/streams/{s}/records?after=<random>&limit="
                            + page + (binary ? " with Accept: application/octet-stream (the binary page format for bulk catch-up)"
                                    : " with Accept: application/json (base64url ciphertext in JSON)")
                            + " vs SELECT ... WHERE stream_id = ? AND seq > ? ORDER BY seq LIMIT " + page + "; " + clients + " clients, own stream each, "
                            + secs(readDuration) + " s after a warm-up of at least " + secs(readWarmup) + " s, until the JIT was quiet (warmUp details); ours " + sum(appended) + " records, raw "
                            + sum(rawCount) + " rows, each side reading cursors over the first " + sum(readable) / clients
                            + " of each stream; ops = records, latency = per page", e.getValue(), rawReadM, 0.5));
                }
                report.detail("readPageCheck", pageChecks);

                // --- 3. expiring one day -------------------------------------------------------------------
                if (expiryRecords > 0) {
                    expire(report, conns, Math.min(expiryLoaders, clients), expiryRecords, expiryChunk, recordBytes, today, expiryDelete,
                            deleteTimeout, expiryVacuum, cpu);
                }
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

    /** Rate limits, quotas and batch bounds raised so the bench measures throughput, not refusals. */
    static Map<String, String> serviceProperties(int batch, int page, int recordBytes) {
        Map<String, String> p = new LinkedHashMap<>();
        for (String limit : List.of("sync.write", "sync.read")) {
            p.put("peers.rate-limits.\"" + limit + "\".capacity", "1000000000");
        }
        p.put("peers.sync.free.bytes", "1000000000000000");
        p.put("peers.sync.free.records", "1000000000000");
        long batchBytes = (long) batch * recordBytes;
        if (recordBytes > 65536) {
            p.put("peers.sync.max-record-bytes", Integer.toString(recordBytes));
        }
        if (batch > 256) {
            p.put("peers.sync.max-batch-records", Integer.toString(batch));
        }
        if (page > 500) {
            p.put("peers.sync.max-page-size", Integer.toString(page));
        }
        if (batchBytes > 1_048_576) {
            p.put("peers.sync.max-batch-bytes", Long.toString(batchBytes));
        }
        long body = batchBytes * 4 / 3 + (long) batch * 64 + 1024;
        if (body > 2_097_152) {
            p.put("peers.http.max-body-bytes", Long.toString(body));
            p.put("quarkus.rest.input-buffer-size", Long.toString(body));
        }
        return p;
    }

    private void expire(Report report, Connection[] conns, int loaders, int rows, int chunk, int recordBytes, LocalDate today,
            boolean delete, Duration deleteTimeout, boolean vacuum, CpuMeter cpu) throws Exception {
        LocalDate day = today.plusDays(30);
        String partition = "bench." + day.format(PARTITION);
        String dayStart = day + " 00:00:00+00";
        String dayEnd = day.plusDays(1) + " 00:00:00+00";
        byte[] blob = new byte[recordBytes];
        new SecureRandom().nextBytes(blob);
        Map<String, Object> ex = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        ex.put("rows", rows);
        ex.put("day", day.toString());
        ex.put("partition", partition);

        try (Statement s = conns[0].createStatement()) {
            createPartition(s, day);
        }
        System.out.printf("expiry: loading %d rows of %d bytes into %s...%n", rows, recordBytes, partition);
        double load = load(conns, loaders, "bench.records", rows, chunk, blob, dayStart);
        long size = sizeOf(conns[0], partition);
        ex.put("partitionLoadSeconds", round(load));
        ex.put("partitionBytes", size);
        lines.add(String.format(Locale.ROOT, "loaded %d rows into %s (%.0f MiB with indexes) in %.1f s (%.0f rows/s, %d connections, INSERT ... SELECT "
                + "generate_series in chunks of %d)", rows, partition, size / 1048576.0, load, rows / load, loaders, chunk));

        Map<String, Double> c0 = cpu.snapshot();
        long t0 = System.nanoTime();
        try (Statement s = conns[0].createStatement()) {
            s.execute("DROP TABLE " + partition);
        }
        long dropNanos = System.nanoTime() - t0;
        Measurement drop = new Measurement("ours", rows, Map.of(), List.of(), dropNanos / 1e9, new long[] {dropNanos},
                CpuMeter.delta(c0, cpu.snapshot()));
        ex.put("dropMillis", round(dropNanos / 1e6));
        lines.add(String.format(Locale.ROOT, "DROP TABLE %s: %.1f ms", partition, dropNanos / 1e6));

        Measurement del;
        if (delete) {
            try (Statement s = conns[0].createStatement()) {
                s.execute("DROP TABLE IF EXISTS bench.records_flat");
                s.execute("CREATE TABLE bench.records_flat (LIKE bench.records)");
                s.execute("CREATE INDEX ON bench.records_flat (stream_id, seq)");
                s.execute("CREATE INDEX ON bench.records_flat ((stream_id || '/' || record_id))");
                s.execute("CREATE INDEX ON bench.records_flat (expires_at)");
            }
            System.out.printf("expiry: loading %d rows into bench.records_flat for the DELETE baseline...%n", rows);
            double flatLoad = load(conns, loaders, "bench.records_flat", rows, chunk, blob, dayStart);
            long flatSize = sizeOf(conns[0], "bench.records_flat");
            ex.put("flatLoadSeconds", round(flatLoad));
            ex.put("flatBytes", flatSize);
            lines.add(String.format(Locale.ROOT, "loaded %d rows into bench.records_flat (unpartitioned, + index on expires_at; %.0f MiB) in %.1f s",
                    rows, flatSize / 1048576.0, flatLoad));
            try (Statement s = conns[0].createStatement()) {
                s.execute("CHECKPOINT"); // the DELETE should not pay for the load's dirty pages
                s.execute("SET statement_timeout = " + deleteTimeout.toMillis());
                c0 = cpu.snapshot();
                t0 = System.nanoTime();
                long deleted;
                try {
                    deleted = s.executeUpdate("DELETE FROM bench.records_flat WHERE expires_at < '" + dayEnd + "'");
                } catch (SQLException e) {
                    if (!"57014".equals(e.getSQLState())) {
                        throw e;
                    }
                    deleted = -1;
                }
                long delNanos = System.nanoTime() - t0;
                Map<String, Double> cpuDel = CpuMeter.delta(c0, cpu.snapshot());
                if (deleted >= 0) {
                    del = new Measurement("raw", deleted, Map.of(), List.of(), delNanos / 1e9, new long[] {delNanos}, cpuDel);
                    ex.put("deleteMillis", round(delNanos / 1e6));
                    ex.put("deletedRows", deleted);
                    lines.add(String.format(Locale.ROOT, "DELETE FROM bench.records_flat WHERE expires_at < '%s': %d rows in %.1f ms", dayEnd, deleted,
                            delNanos / 1e6));
                    lines.add(String.format(Locale.ROOT, "DELETE / DROP: %.1fx", (double) delNanos / dropNanos));
                    ex.put("deleteOverDrop", round((double) delNanos / dropNanos));
                    if (vacuum) {
                        s.execute("SET statement_timeout = 0");
                        t0 = System.nanoTime();
                        s.execute("VACUUM bench.records_flat");
                        long vacNanos = System.nanoTime() - t0;
                        ex.put("vacuumAfterDeleteMillis", round(vacNanos / 1e6));
                        lines.add(String.format(Locale.ROOT, "VACUUM bench.records_flat afterwards (the DELETE's debt): %.1f ms; DELETE + VACUUM / DROP: %.1fx",
                                vacNanos / 1e6, (double) (delNanos + vacNanos) / dropNanos));
                    }
                } else {
                    del = new Measurement("raw", 0, Map.of("statement_timeout", 1L), List.of("DELETE exceeded deleteTimeout=" + deleteTimeout.toSeconds()
                            + " s and was cancelled"), delNanos / 1e9, new long[0], cpuDel);
                    ex.put("deleteMillis", null);
                    ex.put("deleteSkipped", "exceeded " + deleteTimeout.toSeconds() + " s");
                    lines.add(String.format(Locale.ROOT, "DELETE cancelled after %.1f s (deleteTimeout): more than %.0fx the DROP", delNanos / 1e9,
                            (double) delNanos / dropNanos));
                }
                s.execute("SET statement_timeout = 0");
                s.execute("DROP TABLE bench.records_flat"); // frees the disk
            }
        } else {
            del = new Measurement("raw", 0, Map.of("skipped", 1L), List.of("expiryDelete=false"), 0, new long[0], Map.of());
            lines.add("DELETE baseline skipped (expiryDelete=false)");
        }
        report.add(new Report.Comparison("expire-day (rows)", "expire one day of " + rows + " rows: DROP TABLE of its partition (ours, as Partitions does) "
                + "vs DELETE ... WHERE expires_at < <day end> on an unpartitioned copy; ops = rows, latency = the one statement", drop, del, null));
        ex.put("lines", lines);
        report.section("expiry", lines);
        report.detail("expiryDetail", ex);
        lines.forEach(l -> System.out.println("expiry: " + l));
    }

    /** Loads {@code rows} rows of one expiry day (spread over the day) into {@code table}, in parallel chunks; returns seconds. */
    private static double load(Connection[] conns, int loaders, String table, int rows, int chunk, byte[] blob, String dayStart) throws Exception {
        String sql = "INSERT INTO " + table + " (stream_id, seq, record_id, author_key, ciphertext, created_at, expires_at) "
                + "SELECT 'exp-' || (g % 1000), g, 'r' || g, 'bench-author', overlay(?::bytea placing int4send(g::int) from 1), now(), "
                + "?::timestamptz + make_interval(secs => (g * (86399.0 / ?))::float8) FROM generate_series(?::bigint, ?::bigint) g";
        AtomicInteger nextChunk = new AtomicInteger();
        int chunks = (rows + chunk - 1) / chunk;
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> fs = new ArrayList<>();
            for (int l = 0; l < loaders; l++) {
                Connection c = conns[l];
                fs.add(ex.submit(() -> {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        for (int k; (k = nextChunk.getAndIncrement()) < chunks; ) {
                            long from = (long) k * chunk + 1;
                            long to = Math.min(rows, (long) (k + 1) * chunk);
                            ps.setBytes(1, blob);
                            ps.setString(2, dayStart);
                            ps.setInt(3, rows);
                            ps.setLong(4, from);
                            ps.setLong(5, to);
                            ps.executeUpdate();
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> f : fs) {
                f.get();
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long sizeOf(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_total_relation_size(?::regclass)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * {@code bench.records}: the shape of sync-buffer's {@code records} (V1 and V3 migrations: the (stream, seq) index and each
     * partition's unique record key index), with partitions for the raw rows' expiry days.
     */
    private static void createScratchTables(Connection c, LocalDate today) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS bench");
            s.execute("DROP TABLE IF EXISTS bench.records");
            s.execute("DROP TABLE IF EXISTS bench.records_flat");
            s.execute("""
                    CREATE TABLE bench.records (
                        stream_id  text        NOT NULL,
                        seq        bigint      NOT NULL,
                        record_id  text        NOT NULL,
                        author_key text        NOT NULL,
                        ciphertext bytea       NOT NULL,
                        created_at timestamptz NOT NULL,
                        expires_at timestamptz NOT NULL
                    ) PARTITION BY RANGE (expires_at)""");
            s.execute("CREATE INDEX records_stream_seq ON bench.records (stream_id, seq)");
            for (LocalDate d = today.plusDays(RETENTION_DAYS); !d.isAfter(today.plusDays(RETENTION_DAYS + 1)); d = d.plusDays(1)) {
                createPartition(s, d);
            }
        }
    }

    /** A day partition of {@code bench.records} with the unique record key index sync-buffer's partitions have. */
    private static void createPartition(Statement s, LocalDate day) throws SQLException {
        String name = "bench." + day.format(PARTITION);
        s.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF bench.records FOR VALUES FROM ('" + day + " 00:00:00+00') TO ('"
                + day.plusDays(1) + " 00:00:00+00')");
        s.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + day.format(PARTITION) + "_key ON " + name + " ((stream_id || '/' || record_id))");
    }

    /** Checks sampled pages independently of the service's code: full page, consecutive seqs after the cursor, author, ciphertext. */
    private static Map<String, Object> checkPages(Iterable<Page> samples, String[] streams, String[] keyIds, byte[][] pool, int page) {
        int checked = 0;
        int failed = 0;
        List<String> bad = new ArrayList<>();
        for (Page p : samples) {
            checked++;
            String problem = null;
            try {
                JsonNode n = p.binary ? fromBinary(p.body) : JSON.readTree(p.body);
                JsonNode recs = n.path("records");
                if (recs.size() != page) {
                    problem = recs.size() + " records, expected " + page;
                }
                for (int i = 0; problem == null && i < recs.size(); i++) {
                    JsonNode r = recs.get(i);
                    String id = r.path("id").asText();
                    int at = id.lastIndexOf('p');
                    if (r.path("seq").asLong() != p.after + 1 + i) {
                        problem = "record " + i + " has seq " + r.path("seq").asLong() + ", expected " + (p.after + 1 + i);
                    } else if (!id.startsWith("c" + p.client + "n") || at < 0) {
                        problem = "record " + i + " has id " + id;
                    } else if (!keyIds[p.client].equals(r.path("author").asText())) {
                        problem = "record " + i + " has author " + r.path("author").asText();
                    } else if (!java.util.Arrays.equals(pool[Integer.parseInt(id.substring(at + 1))], B64D.decode(r.path("ciphertext").asText()))) {
                        problem = "record " + i + " (" + id + ") has other ciphertext than appended";
                    }
                }
                if (problem == null && n.path("next").asLong() != p.after + page) {
                    problem = "next " + n.path("next").asLong() + ", expected " + (p.after + page);
                }
            } catch (Exception e) {
                problem = "not a page: " + e;
            }
            if (problem != null) {
                failed++;
                if (bad.size() < 10) {
                    bad.add(streams[p.client] + " after=" + p.after + ": " + problem);
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sampledPages", checked);
        m.put("failed", failed);
        m.put("failures", bad);
        System.out.printf("read pages checked (seqs, ids, author, ciphertext against what was appended): %d, failed: %d%s%n", checked, failed,
                bad.isEmpty() ? "" : " " + bad);
        return m;
    }

    /**
     * A binary page (docs/api/sync-buffer.md, "Binary pages") read independently of the service's code into the
     * JSON page's shape: magic SBP1, earliest, lastSeq, next, more, count, then per record seq, createdAt,
     * expiresAt, id, author and ciphertext with their length prefixes; no bytes may follow.
     */
    static JsonNode fromBinary(byte[] body) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!"SBP1".equals(new String(magic, StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("no SBP1 magic");
        }
        com.fasterxml.jackson.databind.node.ObjectNode page = JSON.createObjectNode();
        page.put("earliest", b.getLong());
        page.put("lastSeq", b.getLong());
        page.put("next", b.getLong());
        page.put("more", b.get() == 1);
        int count = b.getInt();
        com.fasterxml.jackson.databind.node.ArrayNode recs = page.putArray("records");
        for (int i = 0; i < count; i++) {
            com.fasterxml.jackson.databind.node.ObjectNode r = recs.addObject();
            r.put("seq", b.getLong());
            r.put("createdAtMicros", b.getLong());
            r.put("expiresAtMicros", b.getLong());
            byte[] id = new byte[Byte.toUnsignedInt(b.get())];
            b.get(id);
            r.put("id", new String(id, StandardCharsets.US_ASCII));
            byte[] author = new byte[Byte.toUnsignedInt(b.get())];
            b.get(author);
            r.put("author", new String(author, StandardCharsets.US_ASCII));
            byte[] ct = new byte[b.getInt()];
            b.get(ct);
            r.put("ciphertext", B64.encodeToString(ct));
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException(b.remaining() + " bytes after the last record");
        }
        return page;
    }

    /**
     * PgStats per-operation counters with the day partitions {@code records_YYYYMMDD.x} summed into
     * {@code records_<n day partitions>.x} (the per-partition lines are many and alike).
     */
    static Map<String, Object> collapsePartitions(Map<String, Object> perOp) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Double> sums = new java.util.TreeMap<>();
        java.util.Set<String> parts = new java.util.TreeSet<>();
        java.util.regex.Pattern day = java.util.regex.Pattern.compile("records_(\\d{8})\\.(.+)");
        perOp.forEach((k, v) -> {
            java.util.regex.Matcher m = day.matcher(k);
            if (m.matches() && v instanceof Number n) {
                parts.add(m.group(1));
                sums.merge(m.group(2), n.doubleValue(), Double::sum);
            } else {
                out.put(k, v);
            }
        });
        sums.forEach((k, v) -> out.put("records_<" + parts.size() + " day partitions>." + k,
                Double.valueOf(String.format(Locale.ROOT, "%.3f", v))));
        return out;
    }

    /** A measurement of batches restated in records: ops times {@code batch}; latencies stay per batch. */
    private static Measurement records(Measurement m, int batch) {
        return new Measurement(m.label(), m.ops() * batch, m.errors(), m.errorSamples(), m.seconds(), m.latenciesNanos(), m.cpuSeconds());
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }

    private static double secs(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A sampled read answer, checked after the phase. */
    private record Page(int client, long after, boolean binary, byte[] body) {
    }
}
