package peers.common.outbox;

import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes events to the outbox table <em>in the caller's transaction</em>: the event exists if and
 * only if the change it describes was committed. {@link OutboxRelay} publishes it to Kafka later.
 * Call {@link #enqueue} inside the same {@code @WithTransaction} pipeline as the change.
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper json;
    private final Clock clock;
    private final String source;

    public Outbox(ObjectMapper json, Clock clock, OutboxConfig config,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "peers") String appName) {
        this.json = json;
        this.clock = clock;
        this.source = config.source().orElse("urn:peers:" + appName);
    }

    /**
     * Records an event.
     *
     * @param topic Kafka topic of the event family, e.g. {@code peers.identity}
     * @param type CloudEvents type, e.g. {@code peers.identity.registered.v1}
     * @param subject the peer key the event is about: the Kafka key, so one peer's events stay ordered
     * @param data JSON-serializable payload
     * @return the event id
     */
    public Uni<UUID> enqueue(String topic, String type, String subject, Object data) {
        UUID id = UUID.randomUUID();
        String body;
        try {
            body = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("event data is not serializable", e));
        }
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "INSERT INTO peers_outbox (id, topic, event_key, type, source, subject, time, data) "
                        + "VALUES (:id, :topic, :key, :type, :source, :subject, :time, :data)")
                .setParameter("id", id)
                .setParameter("topic", topic)
                .setParameter("key", subject)
                .setParameter("type", type)
                .setParameter("source", source)
                .setParameter("subject", subject)
                .setParameter("time", OffsetDateTime.now(clock))
                .setParameter("data", body)
                .executeUpdate())
                .replaceWith(id);
    }

    /**
     * Records an event on a Vert.x SQL connection, for services that write their change on such a
     * connection rather than through the Hibernate session: call it on the connection and inside the
     * transaction of the change.
     *
     * @param time the event's CloudEvents time (the change's own clock reading)
     * @return the event id
     */
    public Uni<UUID> enqueue(SqlConnection conn, String topic, String type, String subject, Object data, Instant time) {
        UUID id = UUID.randomUUID();
        String body;
        try {
            body = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("event data is not serializable", e));
        }
        return conn.preparedQuery("INSERT INTO peers_outbox (id, topic, event_key, type, source, subject, time, data) "
                        + "VALUES ($1, $2, $3, $4, $5, $3, $6, $7)")
                .execute(Tuple.from(new Object[] {id, topic, subject, type, source, time.atOffset(ZoneOffset.UTC), body}))
                .replaceWith(id);
    }
}
