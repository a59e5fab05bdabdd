package peers.sync.records;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import peers.sync.SyncConfig;

/**
 * Retention by partition: {@code records} is range-partitioned by expiry day (UTC), one partition
 * {@code records_YYYYMMDD} per day. {@link #maintain} creates the partitions up to the longest
 * retention ahead and drops every partition whose day is over: expiring a day of data costs one
 * {@code DROP TABLE}, whatever its size. Queries also filter on {@code expires_at}, so a record is
 * invisible from its expiry instant even before its partition is dropped. Replicas take turns via a
 * transaction-scoped advisory lock.
 */
@ApplicationScoped
public class Partitions {

    private static final Logger LOG = Logger.getLogger(Partitions.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'records_'yyyyMMdd");

    /** What one maintenance run did. */
    public record Result(List<String> created, List<String> dropped, long dropMillis) {
    }

    private final Pool pool;
    private final Clock clock;
    private final SyncConfig config;

    public Partitions(Pool pool, Clock clock, SyncConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.config = config;
    }

    void start(@Observes StartupEvent ev) {
        maintain().subscribe().with(r -> { }, e -> LOG.warnf("partition maintenance failed at start: %s", e.toString()));
    }

    @Scheduled(every = "${peers.sync.maintenance-interval:1h}", delayed = "${peers.sync.maintenance-interval:1h}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        return maintain().replaceWithVoid().onFailure().invoke(e -> LOG.warnf("partition maintenance failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Creates missing partitions from today to the retention horizon and drops the ones whose day is over. */
    public Uni<Result> maintain() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate horizon = today.plusDays(config.maxRetentionDays() + 1L);
        return pool.withTransaction(conn -> conn.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.records.partitions'))").execute()
                .chain(() -> conn.query("SELECT now() AS now").execute())
                .chain(nowRows -> {
                    // Dropping is irreversible: a replica whose clock runs far from the database's drops nothing.
                    Instant dbNow = nowRows.iterator().next().getOffsetDateTime("now").toInstant();
                    boolean clockSane = Duration.between(dbNow, now).abs().compareTo(config.maxClockDrift()) <= 0;
                    if (!clockSane) {
                        LOG.errorf("partition maintenance: this replica's clock (%s) is more than %s from the database's (%s); "
                                + "expired partitions are not dropped until the clocks agree", now, config.maxClockDrift(), dbNow);
                    }
                    return existing(conn).map(days -> clockSane ? days : new TreeSet<>(days.tailSet(today)));
                })
                .chain(days -> {
                    List<String> create = new ArrayList<>();
                    for (LocalDate d = today; !d.isAfter(horizon); d = d.plusDays(1)) {
                        if (!days.contains(d)) {
                            create.add(d.format(NAME));
                        }
                    }
                    List<String> drop = days.headSet(today).stream().map(d -> d.format(NAME)).toList();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (LocalDate d = today; !d.isAfter(horizon); d = d.plusDays(1)) {
                        if (!days.contains(d)) {
                            String sql = "CREATE TABLE IF NOT EXISTS " + d.format(NAME) + " PARTITION OF records FOR VALUES FROM ('" + d
                                    + " 00:00:00+00') TO ('" + d.plusDays(1) + " 00:00:00+00')";
                            // The idempotency check's index: see the V3 migration for why it is unique per partition.
                            String key = "CREATE UNIQUE INDEX IF NOT EXISTS " + d.format(NAME) + "_key ON " + d.format(NAME) + " (" + RecordStore.KEY + ")";
                            chain = chain.chain(() -> conn.query(sql).execute()).chain(() -> conn.query(key).execute()).replaceWithVoid();
                        }
                    }
                    long[] dropMillis = new long[1];
                    for (String name : drop) {
                        chain = chain.chain(() -> {
                            long t0 = System.nanoTime();
                            return conn.query("DROP TABLE IF EXISTS " + name).execute()
                                    .invoke(() -> dropMillis[0] += (System.nanoTime() - t0) / 1_000_000).replaceWithVoid();
                        });
                    }
                    return chain
                            .chain(() -> conn.preparedQuery("DELETE FROM usage_days WHERE day < $1").execute(Tuple.of(today)))
                            .map(x -> new Result(create, drop, dropMillis[0]));
                }))
                .invoke(r -> {
                    if (!r.dropped().isEmpty() || !r.created().isEmpty()) {
                        LOG.infof("partitions: created %d, dropped %s in %d ms", r.created().size(), r.dropped(), r.dropMillis());
                    }
                });
    }

    /** Days of the existing partitions of {@code records} in this schema. */
    private static Uni<TreeSet<LocalDate>> existing(SqlConnection conn) {
        return conn.query("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                + "JOIN pg_namespace n ON n.oid = p.relnamespace WHERE p.relname = 'records' AND n.nspname = current_schema()")
                .execute().map(rows -> {
                    TreeSet<LocalDate> days = new TreeSet<>();
                    for (Row r : rows) {
                        try {
                            days.add(LocalDate.parse(r.getString("relname"), NAME));
                        } catch (DateTimeParseException notOurs) {
                            // not a day partition: leave it alone
                        }
                    }
                    return days;
                });
    }
}
