package peers.common.outbox;

import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumer-side deduplication: Kafka delivers at least once, so a consumer records each event id it
 * applied, in the same transaction as the effect. {@link #firstTime} is true exactly once per
 * (consumer, event id); a redelivered event is then skipped.
 */
@ApplicationScoped
public class ProcessedEvents {

    /** Call inside the consumer's transaction; apply the event only when this yields true. */
    public Uni<Boolean> firstTime(String consumer, String eventId) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "INSERT INTO peers_processed_events (consumer, event_id) VALUES (:consumer, :id) ON CONFLICT DO NOTHING")
                .setParameter("consumer", consumer)
                .setParameter("id", eventId)
                .executeUpdate())
                .map(n -> n == 1);
    }

    /** The same on a Vert.x SQL connection, inside the transaction of the effect. */
    public Uni<Boolean> firstTime(SqlConnection conn, String consumer, String eventId) {
        return conn.preparedQuery("INSERT INTO peers_processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(consumer, eventId))
                .map(rows -> rows.rowCount() == 1);
    }
}
