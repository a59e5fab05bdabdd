package peers.sync.records;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.PeersInfraResource;
import peers.testing.infra.TestPostgres;

/**
 * The idempotency check of an append reads a stream's records by key through each day partition's unique key
 * index, whatever the statistics say, so a busy stream's appends do not slow down as it grows.
 *
 * <p>Before the V3 migration the check matched {@code stream_id = $3 AND record_id = ANY($4)}, and a stream
 * created after the last ANALYZE (statistics estimate it at one row) was checked through the (stream_id, seq)
 * index: a read of the whole stream per append. This test builds exactly that situation (old streams analyzed,
 * then a new stream with thousands of records; and a stream in a partition that was never analyzed with data)
 * and asks PostgreSQL for the plan of the check as {@link RecordStore} sends it, custom and generic.
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class AppendPlanTest {

    @Inject
    Partitions partitions;

    private static Connection db() throws Exception {
        var pg = PeersInfra.get().postgres();
        Connection c = DriverManager.getConnection(pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE), pg.user(), pg.password());
        try (Statement s = c.createStatement()) {
            s.execute("SET search_path = sync");
        }
        return c;
    }

    private static void load(Statement s, String stream, int rows, int daysAhead) throws Exception {
        s.execute("INSERT INTO records (stream_id, seq, record_id, author_key, ciphertext, created_at, expires_at) "
                + "SELECT '" + stream + "', n, 'r' || n, 'plan-test-author', convert_to(repeat('x', 200), 'UTF8'), now(), "
                + "now() + interval '" + daysAhead + " days' FROM generate_series(1, " + rows + ") n");
    }

    @Test
    void theCheckUsesTheKeyIndexForStreamsTheStatisticsDoNotKnow() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String known = "plan-known-" + tag;
        String fresh = "plan-fresh-" + tag;
        String unanalyzed = "plan-unanalyzed-" + tag;
        partitions.maintain().await().indefinitely(); // the start-up run may still be going
        try (Connection c = db(); Statement s = c.createStatement()) {
            for (int i = 0; i < 8; i++) {
                load(s, known + "-" + i, 500, 14);
            }
            s.execute("ANALYZE records");
            load(s, fresh, 8000, 14);
            load(s, unanalyzed, 8000, 40);

            for (String stream : List.of(fresh, unanalyzed)) {
                String partition = partitionOf(s, stream);
                String keys = IntStream.rangeClosed(7901, 8000).mapToObj(n -> "'" + stream + "/r" + n + "'").collect(Collectors.joining(","));
                for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                    String plan = explain(s, mode, keys);
                    String where = mode + ", stream " + stream + " in " + partition + ":\n" + plan;
                    assertTrue(plan.contains(" " + partition + "_key "), "the check must use the partition's key index; " + where);
                    assertFalse(plan.contains(partition + "_stream_id_seq"), "the check read the partition by (stream, seq); " + where);
                    assertFalse(plan.contains("Seq Scan on " + partition + " "), "the check scanned the whole partition; " + where);
                }
            }
            s.execute("DELETE FROM records WHERE author_key = 'plan-test-author'");
        }
    }

    /**
     * A read's statement ({@link RecordStore#PAGE_SQL}) returns the page in the order of each partition's
     * (stream_id, seq) index: PostgreSQL does not sort a page's ciphertexts (the earlier lateral join did).
     */
    @Test
    void aPageIsReadInIndexOrderWithoutASort() throws Exception {
        String stream = "plan-page-" + UUID.randomUUID().toString().substring(0, 8);
        partitions.maintain().await().indefinitely();
        try (Connection c = db(); Statement s = c.createStatement()) {
            load(s, stream, 3000, 14);
            s.execute("ANALYZE records");
            String partition = partitionOf(s, stream);
            for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                String plan = explain(s, mode, "(text, bigint, timestamptz, bigint, timestamptz, timestamptz) AS " + RecordStore.PAGE_SQL,
                        "('" + stream + "', 1000, now(), 500, now() + interval '15 days', now())");
                assertTrue(plan.contains(partition + "_stream_id_seq"), "the page must be read by (stream, seq); " + mode + ":\n" + plan);
                assertFalse(plan.matches("(?s).*(^|->  )(Incremental )?Sort  \\(.*"), "the page must not be sorted (a Merge Append's Sort Key is "
                        + "an ordered merge of the partitions' index scans); " + mode + ":\n" + plan);
            }
            s.execute("DELETE FROM records WHERE stream_id = '" + stream + "'");
        }
    }

    private static String partitionOf(Statement s, String stream) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT DISTINCT tableoid::regclass::text FROM records WHERE stream_id = '" + stream + "'")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    private int prepared;

    /** The plan of {@link RecordStore#STATE_SQL} for {@code keys}, over the partitions from today to 60 days ahead. */
    private String explain(Statement s, String planCacheMode, String keys) throws Exception {
        return explain(s, planCacheMode, "(text, date, text[], timestamptz, timestamptz, timestamptz) AS " + RecordStore.STATE_SQL,
                "('plan-test-owner', current_date, ARRAY[" + keys + "], now(), now() + interval '60 days', now())");
    }

    /** The plan of a statement prepared as {@code PREPARE name <typesAndSql>}, executed with {@code arguments}. */
    private String explain(Statement s, String planCacheMode, String typesAndSql, String arguments) throws Exception {
        String name = "plan_" + ++prepared;
        s.execute("SET plan_cache_mode = " + planCacheMode);
        s.execute("PREPARE " + name + " " + typesAndSql);
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE " + name + " " + arguments)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return String.join("\n", lines);
    }
}
