package peers.sync.quota;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.ZoneOffset;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import peers.common.events.EntitlementEvent;
import peers.common.outbox.ProcessedEvents;

/**
 * Keeps each owner's limits ({@code syncRetentionDays}, {@code syncBytes} and {@code syncRecords}) from affiliate-billing's entitlement events; the
 * once-only frame is common's {@link peers.common.events.EntitlementsConsumer}.
 */
@Singleton
public class EntitlementsConsumer extends peers.common.events.EntitlementsConsumer {

    public static final String CONSUMER = "sync-buffer.entitlements";

    public EntitlementsConsumer(ProcessedEvents processed, ObjectMapper json, Clock clock) {
        super(CONSUMER, processed, json, clock);
    }

    @Incoming("entitlements")
    public Uni<Void> receive(String value) {
        return consume(value);
    }

    @Override
    protected Uni<Void> store(EntitlementEvent e) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "INSERT INTO entitlements (peer_key, plan, retention_days, max_bytes, max_records, valid_until, updated_at) "
                        + "VALUES (:peer, :plan, :days, :bytes, :records, :until, :time) ON CONFLICT (peer_key) DO UPDATE SET "
                        + "plan = EXCLUDED.plan, retention_days = EXCLUDED.retention_days, max_bytes = EXCLUDED.max_bytes, "
                        + "max_records = EXCLUDED.max_records, valid_until = EXCLUDED.valid_until, updated_at = EXCLUDED.updated_at "
                        + "WHERE entitlements.updated_at <= EXCLUDED.updated_at")
                .setParameter("peer", e.peer())
                .setParameter("plan", e.plan())
                .setParameter("days", (int) Math.min(e.limit("syncRetentionDays"), 3650))
                .setParameter("bytes", e.limit("syncBytes"))
                .setParameter("records", e.limit("syncRecords"))
                .setParameter("until", e.validUntil() == null ? null : e.validUntil().atOffset(ZoneOffset.UTC))
                .setParameter("time", e.time().atOffset(ZoneOffset.UTC))
                .executeUpdate()).replaceWithVoid();
    }
}
