package peers.billing.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import peers.common.outbox.OutboxConfig;

/**
 * Writes an event to common's outbox table ({@code peers_outbox}, relayed by common's
 * {@code OutboxRelay}) on the caller's SQL connection, inside its transaction.
 *
 * <p>Why not {@code peers.common.outbox.Outbox}: that one enqueues through the Hibernate Reactive session,
 * while every billing change (invoice, ledger, subscription) runs on one Vert.x SQL connection; a second
 * session would be a second transaction, i.e. a dual write. This writes the same row with the same columns.
 */
@ApplicationScoped
public class EventsOut {

    private final ObjectMapper json;
    private final String source;

    public EventsOut(ObjectMapper json, OutboxConfig config) {
        this.json = json;
        this.source = config.source().orElse("urn:peers:affiliate-billing");
    }

    public Uni<Void> enqueue(SqlConnection conn, String topic, String type, String subject, Object data, Instant time) {
        String body;
        try {
            body = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("event data is not serializable", e));
        }
        return conn.preparedQuery("INSERT INTO peers_outbox (id, topic, event_key, type, source, subject, time, data) VALUES ($1, $2, $3, $4, $5, $3, $6, $7)")
                .execute(Tuple.from(new Object[] {UUID.randomUUID(), topic, subject, type, source, time.atOffset(ZoneOffset.UTC), body}))
                .replaceWithVoid();
    }
}
