package peers.common.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import org.jboss.logging.Logger;
import peers.common.outbox.ProcessedEvents;

/**
 * What every service that enforces plan limits does with affiliate-billing's entitlement events (topic
 * {@link EntitlementEvent#TOPIC}, keyed by peer key): each event is applied once ({@link ProcessedEvents}, in the same
 * transaction as the change); an event that is not a well-formed entitlement is logged and skipped, never retried
 * forever. A service extends this with its consumer name, receives the topic's records in an {@code @Incoming} method
 * that calls {@link #consume}, and {@link #store}s the limits it enforces (an upsert in which the newest event time
 * wins, so an older event arriving late changes nothing).
 */
public abstract class EntitlementsConsumer {

    private static final Logger LOG = Logger.getLogger(EntitlementsConsumer.class);

    private final String consumer;
    private final ProcessedEvents processed;
    private final ObjectMapper json;
    private final Clock clock;

    /** @param consumer this consumer's name in the processed-events table, e.g. {@code sync-buffer.entitlements} */
    protected EntitlementsConsumer(String consumer, ProcessedEvents processed, ObjectMapper json, Clock clock) {
        this.consumer = consumer;
        this.processed = processed;
        this.json = json;
        this.clock = clock;
    }

    /** Parses one record's value and applies it; what cannot be parsed is logged and skipped. */
    public Uni<Void> consume(String value) {
        EntitlementEvent e;
        try {
            e = EntitlementEvent.parse(value, json, clock);
        } catch (RuntimeException ex) {
            LOG.warnf("%s: skipping an entitlement event that cannot be applied: %s", consumer, ex.getMessage());
            return Uni.createFrom().voidItem();
        }
        return apply(e)
                .onFailure(IllegalArgumentException.class).recoverWithUni(ex -> {
                    LOG.warnf("%s: skipping entitlement %s, whose limits cannot be applied: %s", consumer, e.eventId(), ex.getMessage());
                    return Uni.createFrom().voidItem();
                })
                .onFailure().invoke(ex -> LOG.warnf("%s: entitlement %s not applied: %s", consumer, e.eventId(), ex.toString()));
    }

    /** Applies one entitlement, once. */
    public Uni<Void> apply(EntitlementEvent e) {
        return Panache.withTransaction(() -> processed.firstTime(consumer, e.eventId())
                .chain(first -> first ? store(e) : Uni.createFrom().voidItem()));
    }

    /**
     * Stores the limits this service enforces from the event, inside the transaction that marks it processed. Throw
     * an {@link IllegalArgumentException} for an event whose limits make no sense here.
     */
    protected abstract Uni<Void> store(EntitlementEvent e);
}
