package peers.sync.quota;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import peers.common.events.EntitlementEvent;
import peers.common.outbox.ProcessedEvents;

/**
 * Applies affiliate-billing's entitlement events (topic {@code peers.entitlements}, keyed by peer key,
 * CloudEvents with data {@code {peer, plan, syncRetentionDays, syncBytes, syncRecords, validUntil}}).
 * Each event is applied once ({@link ProcessedEvents}, in the same transaction); an event older than
 * the one applied (by CloudEvents time) is skipped; an event that is not a well-formed entitlement is
 * logged and skipped, never retried forever.
 */
@ApplicationScoped
public class EntitlementsConsumer {

    public static final String CONSUMER = "sync-buffer.entitlements";
    private static final Logger LOG = Logger.getLogger(EntitlementsConsumer.class);

    private final ProcessedEvents processed;
    private final ObjectMapper json;
    private final Clock clock;

    public EntitlementsConsumer(ProcessedEvents processed, ObjectMapper json, Clock clock) {
        this.processed = processed;
        this.json = json;
        this.clock = clock;
    }

    /** One parsed entitlement. */
    public record Change(String eventId, String peer, String plan, int retentionDays, long bytes, long records, Instant validUntil, Instant time) {
    }

    @Incoming("entitlements")
    public Uni<Void> consume(String value) {
        Change c;
        try {
            c = parse(value);
        } catch (RuntimeException e) {
            LOG.warnf("skipping an entitlement event that cannot be applied: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return apply(c).onFailure().invoke(e -> LOG.warnf("entitlement %s not applied: %s", c.eventId(), e.toString()));
    }

    /** Applies one entitlement, once. */
    public Uni<Void> apply(Change c) {
        return Panache.withTransaction(() -> processed.firstTime(CONSUMER, c.eventId()).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            return Panache.getSession().chain(s -> s.createNativeQuery(
                    "INSERT INTO entitlements (peer_key, plan, retention_days, max_bytes, max_records, valid_until, updated_at) "
                            + "VALUES (:peer, :plan, :days, :bytes, :records, :until, :time) ON CONFLICT (peer_key) DO UPDATE SET "
                            + "plan = EXCLUDED.plan, retention_days = EXCLUDED.retention_days, max_bytes = EXCLUDED.max_bytes, "
                            + "max_records = EXCLUDED.max_records, valid_until = EXCLUDED.valid_until, updated_at = EXCLUDED.updated_at "
                            + "WHERE entitlements.updated_at <= EXCLUDED.updated_at")
                    .setParameter("peer", c.peer())
                    .setParameter("plan", c.plan())
                    .setParameter("days", c.retentionDays())
                    .setParameter("bytes", c.bytes())
                    .setParameter("records", c.records())
                    .setParameter("until", c.validUntil() == null ? null : c.validUntil().atOffset(ZoneOffset.UTC))
                    .setParameter("time", c.time().atOffset(ZoneOffset.UTC))
                    .executeUpdate()).replaceWithVoid();
        }));
    }

    Change parse(String value) {
        EntitlementEvent e = EntitlementEvent.parse(value, json, clock);
        return new Change(e.eventId(), e.peer(), e.plan(), (int) Math.min(e.limit("syncRetentionDays"), 3650), e.limit("syncBytes"),
                e.limit("syncRecords"), e.validUntil(), e.time());
    }
}
