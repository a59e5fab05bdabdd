package peers.backup.quota;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import peers.common.outbox.Outbox;

/**
 * Reports the bytes and objects each owner stores, for billing: an event {@code peers.backup.usage.v1} on
 * topic {@code peers.usage}, keyed by the owner's key, through the outbox, whenever an owner's usage changed
 * since the last report (a drop to zero included). Each report is a total, so a repeated one is harmless.
 */
@ApplicationScoped
public class UsageReporter {

    public static final String TOPIC = "peers.usage";
    public static final String TYPE = "peers.backup.usage.v1";
    private static final Logger LOG = Logger.getLogger(UsageReporter.class);

    private final Pool pool;
    private final Outbox outbox;
    private final Clock clock;

    public UsageReporter(Pool pool, Outbox outbox, Clock clock) {
        this.pool = pool;
        this.outbox = outbox;
        this.clock = clock;
    }

    record Usage(String owner, long bytes, long objects) {
    }

    @Scheduled(every = "${peers.backup.usage-interval:15m}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        return report().onFailure().invoke(e -> LOG.warnf("usage report failed: %s", e.toString())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Enqueues a usage event for every owner whose usage changed since the last report; returns how many. */
    public Uni<Integer> report() {
        return pool.query("SELECT u.owner_key, u.bytes, u.objects FROM owner_usage u LEFT JOIN usage_reported r ON r.owner_key = u.owner_key "
                        + "WHERE r.owner_key IS NULL OR r.bytes <> u.bytes OR r.objects <> u.objects")
                .execute()
                .map(rows -> {
                    List<Usage> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Usage(r.getString("owner_key"), r.getLong("bytes"), r.getLong("objects")));
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
            data.put("service", "backup-service");
            data.put("bytes", u.bytes());
            data.put("objects", u.objects());
            data.put("at", now.toString());
            chain = chain.chain(() -> outbox.enqueue(TOPIC, TYPE, u.owner(), data))
                    .chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                            "INSERT INTO usage_reported (owner_key, bytes, objects, reported_at) VALUES (:o, :b, :n, :t) "
                                    + "ON CONFLICT (owner_key) DO UPDATE SET bytes = EXCLUDED.bytes, objects = EXCLUDED.objects, reported_at = EXCLUDED.reported_at")
                            .setParameter("o", u.owner()).setParameter("b", u.bytes()).setParameter("n", u.objects()).setParameter("t", now)
                            .executeUpdate()))
                    .replaceWithVoid();
        }
        return chain;
    }
}
