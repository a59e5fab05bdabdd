package peers.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import peers.testing.infra.TestPostgres;

/**
 * PostgreSQL's cumulative statistics for one schema (index and sequential scans, rows inserted, updated and
 * deleted, per table) and for the database (commits, rollbacks), to show how much database work one
 * operation of a service costs. Backends report their counters about once a second while busy, so deltas over
 * a phase of several seconds are close but not exact.
 */
public final class PgStats {

    private PgStats() {
    }

    /**
     * Lets PostgreSQL finish the background work an earlier phase left (a checkpoint of its dirty pages, autovacuum
     * of its bulk writes), so that it is not charged to the next measured phase: runs {@code CHECKPOINT}, then waits
     * until no autovacuum worker is running, for at most {@code maxMillis}. Returns the milliseconds it took.
     *
     * <p>Added when repeated {@code sync} runs showed the service's appends at a third of the first run's
     * throughput, suspecting the previous run's gigabytes of expiry data. Settling did not change that (PostgreSQL
     * still spends about 4x the CPU per append batch from the second run on, with no autovacuum running), so the cause
     * lies elsewhere; settling stays, because a measured phase should not pay for an earlier one's writes.
     */
    public static long settle(Connection c, long maxMillis) throws SQLException, InterruptedException {
        long start = System.nanoTime();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true); // each poll must see fresh statistics, which a transaction would hold still
        try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
            while ((System.nanoTime() - start) / 1_000_000 < maxMillis) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        break;
                    }
                }
                Thread.sleep(200);
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    public static Map<String, Long> snapshot(Connection c, String schema) throws SQLException {
        Map<String, Long> m = new TreeMap<>();
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()")) {
                if (rs.next()) {
                    m.put("db.commits", rs.getLong(1));
                    m.put("db.rollbacks", rs.getLong(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT relname, seq_scan, coalesce(idx_scan, 0), n_tup_ins, n_tup_upd, n_tup_del "
                    + "FROM pg_stat_user_tables WHERE schemaname = '" + schema.replace("'", "''") + "'")) {
                while (rs.next()) {
                    String t = rs.getString(1);
                    m.put(t + ".seq_scan", rs.getLong(2));
                    m.put(t + ".idx_scan", rs.getLong(3));
                    m.put(t + ".inserted", rs.getLong(4));
                    m.put(t + ".updated", rs.getLong(5));
                    m.put(t + ".deleted", rs.getLong(6));
                }
            }
        }
        return m;
    }

    /** Non-zero differences divided by {@code ops}, e.g. {@code identities.idx_scan -> 1.0} per lookup. */
    public static Map<String, Object> perOp(Map<String, Long> before, Map<String, Long> after, long ops) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (ops <= 0) {
            return m;
        }
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                m.put(k, Double.valueOf(String.format(Locale.ROOT, "%.3f", (double) d / ops)));
            }
        });
        return m;
    }

    /**
     * Loads pg_stat_statements (with planning times) into {@code pg}: sets {@code shared_preload_libraries},
     * restarts the server and creates the extension. Call before any service connects. The settings are written
     * with {@code ALTER SYSTEM} into the cluster, which the bench's embedded infrastructure throws away when it
     * stops. The extension costs PostgreSQL a little per statement, so it is a profiling option, off by default.
     */
    public static void enableStatements(TestPostgres pg) throws SQLException {
        try (Connection c = Infra.connect(pg); Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
            s.execute("ALTER SYSTEM SET pg_stat_statements.track_planning = on");
        }
        pg.stop();
        pg.start();
        try (Connection c = Infra.connect(pg); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
    }

    /** Forgets the statement statistics gathered so far (pg_stat_statements must be loaded: {@link #enableStatements}). */
    public static void resetStatements(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_statements_reset()");
        }
    }

    /**
     * The {@code top} statements by execution plus planning time since {@link #resetStatements}, each with its calls,
     * rows, and execution and planning milliseconds per {@code op} (and per call), to show where PostgreSQL's time
     * per operation of a service goes.
     */
    public static List<Map<String, Object>> statements(Connection c, long ops, int top) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (ops <= 0) {
            return out;
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT query, calls, rows, total_exec_time, total_plan_time, plans "
                        + "FROM pg_stat_statements WHERE calls > 0 ORDER BY total_exec_time + total_plan_time DESC LIMIT " + top)) {
            while (rs.next()) {
                long calls = rs.getLong(2);
                Map<String, Object> m = new LinkedHashMap<>();
                String q = rs.getString(1).replaceAll("\\s+", " ");
                m.put("query", q.length() > 200 ? q.substring(0, 200) + "..." : q);
                m.put("callsPerOp", round((double) calls / ops));
                m.put("rowsPerCall", round((double) rs.getLong(3) / calls));
                m.put("execMsPerOp", round(rs.getDouble(4) / ops));
                m.put("planMsPerOp", round(rs.getDouble(5) / ops));
                m.put("execMsPerCall", round(rs.getDouble(4) / calls));
                m.put("plansPerCall", round((double) rs.getLong(6) / calls));
                out.add(m);
            }
        }
        return out;
    }

    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.4f", v));
    }
}
