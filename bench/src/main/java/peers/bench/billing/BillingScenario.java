package peers.bench.billing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import peers.bench.Bench;
import peers.bench.CpuMeter;
import peers.bench.Infra;
import peers.bench.Measurement;
import peers.bench.Options;
import peers.bench.Report;
import peers.bench.Scenario;
import peers.bench.ServiceProcess;
import peers.bench.SignedRequests;
import peers.common.identity.PeerKey;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.TestPostgres;

/**
 * affiliate-billing's monthly renewal run, from its packaged fast-jar against embedded PostgreSQL and Kafka,
 * side by side with raw JDBC inserting the same rows into scratch copies of its tables ({@code bench_billing.*},
 * same columns, indexes and checks) on the same PostgreSQL, in one run:
 *
 * <ol>
 *   <li><b>renew</b>: {@code subscriptions} active subscriptions whose period ended (seeded with JDBC, half of
 *       them attributed to an app) are renewed by one {@code POST /billing/v1/operator/renewals}: per subscription
 *       a renewal invoice (draft, one line, finalized), the period advanced, the subscription past_due until paid,
 *       and an entitlements event in the outbox, in batches under {@code FOR UPDATE SKIP LOCKED}. Raw: the same
 *       invoice, line, subscription update and outbox row per subscription as JDBC batches, 1000 per transaction.
 *   <li><b>settle</b>: every renewal invoice is recorded paid through {@code POST /billing/v1/operator/payments}
 *       ({@code payBatch} per request): per invoice the ledger transaction with its balanced entries (cash,
 *       revenue and, for attributed users, the app's payable), the invoice paid, the subscription active and an
 *       entitlements event. Raw: the same ledger transaction, entries, invoice update and outbox row.
 * </ol>
 *
 * Both sides use one client (the service's renewal job works batch after batch on one connection). Reported in
 * subscriptions (or invoices) per second; nothing is asserted. The outbox relay publishes to Kafka meanwhile.
 */
public final class BillingScenario implements Scenario {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    @Override
    public String name() {
        return "billing";
    }

    @Override
    public String description() {
        return "affiliate-billing monthly renewal run (invoices) and settlement (ledger postings) over 100k subscriptions vs raw PostgreSQL inserts of the same rows";
    }

    @Override
    public String options() {
        return "subscriptions=100000 payBatch=1000 renewalBatch=500 app=<root>/affiliate-billing/target/quarkus-app serverJvmArgs=\"\" startTimeout=90s";
    }

    @Override
    public Report run(Options o) throws Exception {
        int n = o.integer("subscriptions", 100_000);
        int payBatch = o.integer("payBatch", 1000);
        int renewalBatch = o.integer("renewalBatch", 500);
        Path app = Path.of(o.string("app", o.rootDir().resolve("affiliate-billing/target/quarkus-app").toString()));
        String serverJvmArgs = o.string("serverJvmArgs", "");
        Duration startTimeout = o.duration("startTimeout", Duration.ofSeconds(90));
        if (n < 1 || payBatch < 1 || payBatch > 1000 || renewalBatch < 1) {
            throw new Bench.UsageException("subscriptions and renewalBatch must be positive, payBatch 1-1000");
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = o.benchDir().resolve("target");
        Report report = new Report(name());

        PeersInfra infra = Infra.start();
        TestPostgres pg = infra.postgres();
        KeyPair operator = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String operatorKey = PeerKey.of(operator.getPublic()).toString();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("peers.billing.operator-keys", operatorKey);
        props.put("peers.billing.renewal-interval", "off");
        props.put("peers.billing.renewal-batch-size", Integer.toString(renewalBatch));
        props.put("peers.rate-limits.\"billing.write\".capacity", "1000000");
        List<String> jvmArgs = serverJvmArgs.isBlank() ? List.of() : List.of(serverJvmArgs.trim().split("\\s+"));
        Path serviceLog = target.resolve("logs/affiliate-billing-" + stamp + ".log");
        long t0 = System.nanoTime();
        try (ServiceProcess service = ServiceProcess.start("affiliate-billing", app, target.resolve("apps/affiliate-billing"), Infra.serviceEnvironment(infra),
                props, jvmArgs, serviceLog);
                Connection db = Infra.connect(pg)) {
            service.awaitReady(startTimeout);
            System.out.printf("affiliate-billing: pid %d at %s, ready in %d ms (log %s)%n", service.pid(), service.baseUri(), (System.nanoTime() - t0) / 1_000_000, serviceLog);
            report.detail("serviceLog", serviceLog.toString());
            report.detail("serviceProperties", props);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            CpuMeter cpu = new CpuMeter();
            cpu.addPostgres(pg.dataDirectory());
            cpu.addService("affiliate-billing", service.handle());

            // --- seed: an app, n subscriptions due now, half attributed --------------------------------------
            KeyPair developer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            String appId = JSON.readTree(send(http, "POST", service.baseUri().resolve("/billing/v1/apps"), "{\"name\":\"Bench\",\"contact\":\"bench@example.org\"}",
                    PeerKey.of(developer.getPublic()).toString(), developer, 201)).get("id").asText();
            long s0 = System.nanoTime();
            List<Seeded> peers = seed(db, n, appId);
            System.out.printf("seeded %d due subscriptions (%d attributed to %s) in %d ms%n", n, n / 2, appId, (System.nanoTime() - s0) / 1_000_000);
            createScratch(db);

            // --- 1. renewal run ------------------------------------------------------------------------------
            Map<String, Double> c0 = cpu.snapshot();
            long r0 = System.nanoTime();
            var run = JSON.readTree(send(http, "POST", service.baseUri().resolve("/billing/v1/operator/renewals"), null, operatorKey, operator, 200));
            double renewSeconds = (System.nanoTime() - r0) / 1e9;
            Map<String, Double> c1 = cpu.snapshot();
            int renewed = run.get("renewed").asInt();
            Measurement oursRenew = new Measurement("ours", renewed, Map.of(), List.of(), renewSeconds, new long[0], CpuMeter.delta(c0, c1));
            System.out.printf("ours renew: %d subscriptions in %.2f s%n", renewed, renewSeconds);

            c0 = cpu.snapshot();
            r0 = System.nanoTime();
            rawRenew(db, peers);
            double rawRenewSeconds = (System.nanoTime() - r0) / 1e9;
            Measurement rawRenewM = new Measurement("raw", peers.size(), Map.of(), List.of(), rawRenewSeconds, new long[0], CpuMeter.delta(c0, cpu.snapshot()));
            System.out.printf("raw renew: %d subscriptions in %.2f s%n", peers.size(), rawRenewSeconds);
            report.add(new Report.Comparison("renew (subscriptions)", "one POST /billing/v1/operator/renewals renewing " + n + " due subscriptions (invoice + line + "
                    + "period + outbox event each, batches of " + renewalBatch + ") vs JDBC batches inserting the same invoice, line and outbox rows and updating "
                    + "the subscription, 1000 per transaction", oursRenew, rawRenewM, null));

            // --- 2. settlement: ledger postings ---------------------------------------------------------------
            List<String[]> open = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT id, total_minor FROM billing.invoices WHERE kind = 'renewal' AND status = 'open'")) {
                while (rs.next()) {
                    open.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            c0 = cpu.snapshot();
            r0 = System.nanoTime();
            for (int i = 0; i < open.size(); i += payBatch) {
                StringBuilder b = new StringBuilder("{\"payments\":[");
                for (int j = i; j < Math.min(open.size(), i + payBatch); j++) {
                    b.append(j == i ? "" : ",").append("{\"invoiceId\":\"").append(open.get(j)[0]).append("\",\"amountMinor\":").append(open.get(j)[1])
                            .append(",\"currency\":\"EUR\"}");
                }
                send(http, "POST", service.baseUri().resolve("/billing/v1/operator/payments"), b.append("]}").toString(), operatorKey, operator, 200);
            }
            double settleSeconds = (System.nanoTime() - r0) / 1e9;
            Measurement oursSettle = new Measurement("ours", open.size(), Map.of(), List.of(), settleSeconds, new long[0], CpuMeter.delta(c0, cpu.snapshot()));
            System.out.printf("ours settle: %d invoices in %.2f s%n", open.size(), settleSeconds);
            c0 = cpu.snapshot();
            r0 = System.nanoTime();
            rawSettle(db, appId);
            double rawSettleSeconds = (System.nanoTime() - r0) / 1e9;
            Measurement rawSettleM = new Measurement("raw", open.size(), Map.of(), List.of(), rawSettleSeconds, new long[0], CpuMeter.delta(c0, cpu.snapshot()));
            System.out.printf("raw settle: %d invoices in %.2f s%n", open.size(), rawSettleSeconds);
            report.add(new Report.Comparison("settle (invoices)", "POST /billing/v1/operator/payments, " + payBatch + " invoices per request: ledger transaction "
                    + "+ balanced entries + invoice paid + subscription active + outbox event each, vs JDBC batches of the same rows, 1000 per transaction",
                    oursSettle, rawSettleM, null));
            Measurement oursAll = new Measurement("ours", n, Map.of(), List.of(), renewSeconds + settleSeconds, new long[0], sum(oursRenew, oursSettle));
            Measurement rawAll = new Measurement("raw", n, Map.of(), List.of(), rawRenewSeconds + rawSettleSeconds, new long[0], sum(rawRenewM, rawSettleM));
            report.add(new Report.Comparison("renew+settle", "the whole monthly run: both phases above", oursAll, rawAll, null));

            try (Statement s = db.createStatement()) {
                report.section("check", List.of(
                        "renewal invoices: " + scalar(s, "SELECT count(*) FROM billing.invoices WHERE kind = 'renewal'"),
                        "ledger transactions: " + scalar(s, "SELECT count(*) FROM billing.ledger_transactions"),
                        "ledger entries: " + scalar(s, "SELECT count(*) FROM billing.ledger_entries"),
                        "unbalanced transactions: " + scalar(s, "SELECT count(*) FROM (SELECT 1 FROM billing.ledger_entries GROUP BY transaction_id, currency HAVING sum(amount_minor) <> 0) x"),
                        "raw rows: " + scalar(s, "SELECT count(*) FROM bench_billing.invoices") + " invoices, " + scalar(s, "SELECT count(*) FROM bench_billing.ledger_entries") + " entries"));
            }
        }
        return report;
    }

    private static Map<String, Double> sum(Measurement a, Measurement b) {
        Map<String, Double> m = new LinkedHashMap<>(a.cpuSeconds());
        b.cpuSeconds().forEach((k, v) -> m.merge(k, v, Double::sum));
        return m;
    }

    private static String send(HttpClient http, String method, URI uri, String json, String keyId, KeyPair key, int expected) throws Exception {
        HttpRequest signed = SignedRequests.build(method, uri, json, keyId, key.getPrivate(), TIMEOUT);
        HttpRequest req = HttpRequest.newBuilder(signed, (k, v) -> true).header("Idempotency-Key", UUID.randomUUID().toString()).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(method + " " + uri + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** n active subscriptions to "personal" (300 EUR cents a month) whose period ended a minute ago; every other peer attributed to the app. */
    /** A seeded subscription: its peer, id and the end of its (ended) period. */
    record Seeded(String peer, UUID id, OffsetDateTime periodEnd) {
    }

    private static List<Seeded> seed(Connection db, int n, String appId) throws SQLException {
        List<Seeded> peers = new ArrayList<>(n);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        db.setAutoCommit(false);
        try (PreparedStatement sub = db.prepareStatement("INSERT INTO billing.subscriptions (id, peer_key, plan, status, currency, price_minor, period_months, provider, "
                + "period_start, period_end, created_at, updated_at) VALUES (?, ?, 'personal', 'active', 'EUR', 300, 1, 'manual', ?, ?, ?, ?)");
                PreparedStatement attr = db.prepareStatement("INSERT INTO billing.attributions (peer_key, app_id, source, attributed_at) VALUES (?, ?, 'client', ?)")) {
            for (int i = 0; i < n; i++) {
                String peer = "bench-" + UUID.randomUUID();
                UUID id = UUID.randomUUID();
                peers.add(new Seeded(peer, id, now.minusMinutes(1)));
                sub.setObject(1, id);
                sub.setString(2, peer);
                sub.setObject(3, now.minusMonths(1).minusMinutes(1));
                sub.setObject(4, now.minusMinutes(1));
                sub.setObject(5, now.minusMonths(1));
                sub.setObject(6, now.minusMonths(1));
                sub.addBatch();
                if (i % 2 == 0) {
                    attr.setString(1, peer);
                    attr.setString(2, appId);
                    attr.setObject(3, now.minusMonths(1));
                    attr.addBatch();
                }
                if (i % 1000 == 999 || i == n - 1) {
                    sub.executeBatch();
                    attr.executeBatch();
                    db.commit();
                }
            }
        }
        db.setAutoCommit(true);
        try (Statement s = db.createStatement()) {
            s.execute("ANALYZE billing.subscriptions");
            s.execute("ANALYZE billing.attributions");
        }
        return peers;
    }

    /** Scratch copies of the tables the run writes: same columns, defaults, checks and indexes; no triggers or foreign keys. */
    private static void createScratch(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS bench_billing CASCADE");
            s.execute("CREATE SCHEMA bench_billing");
            for (String t : List.of("subscriptions", "invoices", "invoice_lines", "ledger_transactions", "ledger_entries", "peers_outbox")) {
                s.execute("CREATE TABLE bench_billing." + t + " (LIKE billing." + t + " INCLUDING ALL)");
            }
            s.execute("INSERT INTO bench_billing.subscriptions SELECT * FROM billing.subscriptions WHERE peer_key LIKE 'bench-%'");
            s.execute("ANALYZE bench_billing.subscriptions");
        }
    }

    private static void rawRenew(Connection db, List<Seeded> subscriptions) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        db.setAutoCommit(false);
        try (PreparedStatement inv = db.prepareStatement("INSERT INTO bench_billing.invoices (id, peer_key, subscription_id, kind, status, currency, total_minor, provider, "
                + "created_at, finalized_at) VALUES (?, ?, ?, 'renewal', 'open', 'EUR', 300, 'manual', ?, ?)");
                PreparedStatement line = db.prepareStatement("INSERT INTO bench_billing.invoice_lines (invoice_id, line_no, description, plan, amount_minor, period_start, "
                        + "period_end) VALUES (?, 1, 'Plan personal, 1 month(s)', 'personal', 300, ?, ?)");
                PreparedStatement sub = db.prepareStatement("UPDATE bench_billing.subscriptions SET period_start = ?, period_end = ?, status = 'past_due', "
                        + "grace_until = ?, updated_at = ? WHERE id = ?");
                PreparedStatement out = db.prepareStatement("INSERT INTO bench_billing.peers_outbox (id, topic, event_key, type, source, subject, time, data) "
                        + "VALUES (?, 'peers.entitlements', ?, 'peers.billing.entitlements.v1', 'urn:peers:affiliate-billing', ?, ?, ?)")) {
            for (int i = 0; i < subscriptions.size(); i++) {
                Seeded s = subscriptions.get(i);
                OffsetDateTime start = s.periodEnd();
                OffsetDateTime end = start.plusMonths(1);
                sub.setObject(1, start);
                sub.setObject(2, end);
                sub.setObject(3, start.plusDays(7));
                sub.setObject(4, now);
                sub.setObject(5, s.id());
                sub.addBatch();
                UUID id = UUID.randomUUID();
                inv.setObject(1, id);
                inv.setString(2, s.peer());
                inv.setObject(3, s.id());
                inv.setObject(4, now);
                inv.setObject(5, now);
                inv.addBatch();
                line.setObject(1, id);
                line.setObject(2, start);
                line.setObject(3, end);
                line.addBatch();
                out.setObject(1, UUID.randomUUID());
                out.setString(2, s.peer());
                out.setString(3, s.peer());
                out.setObject(4, now);
                out.setString(5, entitlements(s.peer(), start));
                out.addBatch();
                if (i % 1000 == 999 || i == subscriptions.size() - 1) {
                    sub.executeBatch();
                    inv.executeBatch();
                    line.executeBatch();
                    out.executeBatch();
                    db.commit();
                }
            }
        }
        db.setAutoCommit(true);
    }

    private static void rawSettle(Connection db, String appId) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<String[]> open = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT i.id, i.peer_key, i.subscription_id, a.app_id FROM bench_billing.invoices i "
                + "LEFT JOIN billing.attributions a ON a.peer_key = i.peer_key WHERE i.status = 'open'")) {
            while (rs.next()) {
                open.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
            }
        }
        db.setAutoCommit(false);
        try (PreparedStatement inv = db.prepareStatement("UPDATE bench_billing.invoices SET status = 'paid', paid_at = ?, app_id = ?, share_bps = ? WHERE id = ?");
                PreparedStatement sub = db.prepareStatement("UPDATE bench_billing.subscriptions SET status = 'active', grace_until = NULL, updated_at = ? WHERE id = ?");
                PreparedStatement txn = db.prepareStatement("INSERT INTO bench_billing.ledger_transactions (id, kind, invoice_id, description, created_at) "
                        + "VALUES (?, 'payment', ?, 'payment of invoice', ?)");
                PreparedStatement entry = db.prepareStatement("INSERT INTO bench_billing.ledger_entries (transaction_id, line_no, account, currency, amount_minor, created_at) "
                        + "VALUES (?, ?, ?, 'EUR', ?, ?)");
                PreparedStatement out = db.prepareStatement("INSERT INTO bench_billing.peers_outbox (id, topic, event_key, type, source, subject, time, data) "
                        + "VALUES (?, 'peers.entitlements', ?, 'peers.billing.entitlements.v1', 'urn:peers:affiliate-billing', ?, ?, ?)")) {
            for (int i = 0; i < open.size(); i++) {
                String[] o = open.get(i);
                UUID invoice = UUID.fromString(o[0]);
                boolean attributed = o[3] != null;
                inv.setObject(1, now);
                inv.setString(2, attributed ? appId : null);
                inv.setInt(3, attributed ? 2000 : 0);
                inv.setObject(4, invoice);
                inv.addBatch();
                sub.setObject(1, now);
                sub.setObject(2, UUID.fromString(o[2]));
                sub.addBatch();
                UUID t = UUID.randomUUID();
                txn.setObject(1, t);
                txn.setObject(2, invoice);
                txn.setObject(3, now);
                txn.addBatch();
                long share = attributed ? 60 : 0;
                addEntry(entry, t, 1, "cash:manual", 300, now);
                addEntry(entry, t, 2, "revenue:platform", -(300 - share), now);
                if (attributed) {
                    addEntry(entry, t, 3, "payable:app:" + appId, -share, now);
                }
                out.setObject(1, UUID.randomUUID());
                out.setString(2, o[1]);
                out.setString(3, o[1]);
                out.setObject(4, now);
                out.setString(5, entitlements(o[1], now.plusMonths(1)));
                out.addBatch();
                if (i % 1000 == 999 || i == open.size() - 1) {
                    inv.executeBatch();
                    sub.executeBatch();
                    txn.executeBatch();
                    entry.executeBatch();
                    out.executeBatch();
                    db.commit();
                }
            }
        }
        db.setAutoCommit(true);
    }

    private static void addEntry(PreparedStatement ps, UUID txn, int line, String account, long amount, OffsetDateTime now) throws SQLException {
        ps.setObject(1, txn);
        ps.setInt(2, line);
        ps.setString(3, account);
        ps.setLong(4, amount);
        ps.setObject(5, now);
        ps.addBatch();
    }

    private static String entitlements(String peer, OffsetDateTime end) {
        return "{\"peer\":\"" + peer + "\",\"plan\":\"personal\",\"syncRetentionDays\":30,\"syncBytes\":5368709120,\"syncRecords\":10000000,"
                + "\"backupBytes\":53687091200,\"turnBytesPerMonth\":10737418240,\"validUntil\":\"" + end.plusDays(7) + "\"}";
    }

    private static long scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
