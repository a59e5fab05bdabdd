package peers.common.events;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import peers.common.outbox.Outbox;

/**
 * Usage reports for billing: per owner, a total of bytes and of a count (records, objects) that a service
 * stores. A service finds the owners whose totals changed since their last report; {@link #report} then,
 * in one transaction, writes one event per owner to the outbox (topic {@value #TOPIC}, keyed by the owner,
 * data {@code {peer, service, bytes, <count>, at}}) and records the totals as reported in the service's
 * {@code usage_reported (owner_key, bytes, <count>, reported_at)}. Each report is a total, not a delta, so
 * a repeated one is harmless.
 */
@ApplicationScoped
public class UsageReports {

    public static final String TOPIC = "peers.usage";

    /** One owner's totals. */
    public record Usage(String owner, long bytes, long count) {
    }

    private final Outbox outbox;
    private final Clock clock;

    public UsageReports(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Reports the changed totals.
     *
     * @param service the service's name in the event data, e.g. {@code sync-buffer}
     * @param type the CloudEvents type, e.g. {@code peers.sync.usage.v1}
     * @param count the count's name: the event data's field and the {@code usage_reported} column (a constant of
     *     the caller, never input)
     * @return how many owners were reported
     */
    public Uni<Integer> report(List<Usage> changed, String service, String type, String count) {
        if (changed.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        if (!count.matches("[a-z_]+")) {
            throw new IllegalArgumentException("count must be a column name");
        }
        String upsert = "INSERT INTO usage_reported (owner_key, bytes, " + count + ", reported_at) VALUES (:o, :b, :n, :t) "
                + "ON CONFLICT (owner_key) DO UPDATE SET bytes = EXCLUDED.bytes, " + count + " = EXCLUDED." + count
                + ", reported_at = EXCLUDED.reported_at";
        return Panache.withTransaction(() -> {
            OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Usage u : changed) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("peer", u.owner());
                data.put("service", service);
                data.put("bytes", u.bytes());
                data.put(count, u.count());
                data.put("at", now.toString());
                chain = chain.chain(() -> outbox.enqueue(TOPIC, type, u.owner(), data))
                        .chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(upsert)
                                .setParameter("o", u.owner()).setParameter("b", u.bytes()).setParameter("n", u.count()).setParameter("t", now)
                                .executeUpdate()))
                        .replaceWithVoid();
            }
            return chain;
        }).replaceWith(changed.size());
    }
}
