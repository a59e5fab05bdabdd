package peers.sync.quota;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import peers.common.outbox.Outbox;

/**
 * Reports the bytes and records each owner stores, for billing: an event {@code peers.sync.usage.v1}
 * on topic {@code peers.usage}, keyed by the owner's key, whenever an owner's usage changed since the
 * last report (a drop to zero included). Each report is a snapshot, so a repeated one is harmless.
 */
@ApplicationScoped
public class UsageReporter {

    public static final String TOPIC = "peers.usage";
    public static final String TYPE = "peers.sync.usage.v1";
    private static final Logger LOG = Logger.getLogger(UsageReporter.class);

    private final Pool pool;
    private final Outbox outbox;
    private final Clock clock;

    public UsageReporter(Pool pool, Outbox outbox, Clock clock) {
        this.pool = pool;
        this.outbox = outbox;
        this.clock = clock;
    }

    record Usage(String owner, long bytes, long records) {
    }

    @Scheduled(every = "${peers.sync.usage-interval:1h}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        return report().onFailure().invoke(e -> LOG.warnf("usage report failed: %s", e.toString())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Enqueues a usage event for every owner whose usage changed since the last report; returns how many. */
    public Uni<Integer> report() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return pool.preparedQuery("SELECT coalesce(c.owner_key, r.owner_key) AS owner, coalesce(c.b, 0) AS b, coalesce(c.n, 0) AS n "
                        + "FROM (SELECT owner_key, sum(bytes) AS b, sum(records) AS n FROM usage_days WHERE day >= $1 GROUP BY owner_key) c "
                        + "FULL JOIN usage_reported r ON r.owner_key = c.owner_key "
                        + "WHERE r.owner_key IS NULL OR c.owner_key IS NULL OR r.bytes <> c.b OR r.records <> c.n")
                .execute(Tuple.of(today))
                .map(rows -> {
                    List<Usage> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Usage(r.getString("owner"), r.getLong("b"), r.getLong("n")));
                    }
                    return out;
                })
                .chain(changed -> changed.isEmpty() ? Uni.createFrom().item(0) : Panache.withTransaction(() -> enqueueAll(changed)).replaceWith(changed.size()));
    }

    private Uni<Void> enqueueAll(List<Usage> changed) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Usage u : changed) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("peer", u.owner());
            data.put("service", "sync-buffer");
            data.put("bytes", u.bytes());
            data.put("records", u.records());
            data.put("at", now.toString());
            chain = chain.chain(() -> outbox.enqueue(TOPIC, TYPE, u.owner(), data))
                    .chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                            "INSERT INTO usage_reported (owner_key, bytes, records, reported_at) VALUES (:o, :b, :n, :t) "
                                    + "ON CONFLICT (owner_key) DO UPDATE SET bytes = EXCLUDED.bytes, records = EXCLUDED.records, reported_at = EXCLUDED.reported_at")
                            .setParameter("o", u.owner()).setParameter("b", u.bytes()).setParameter("n", u.records()).setParameter("t", now)
                            .executeUpdate()))
                    .replaceWithVoid();
        }
        return chain;
    }
}
