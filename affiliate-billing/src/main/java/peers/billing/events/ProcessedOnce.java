package peers.billing.events;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Consumer-side deduplication in common's {@code peers_processed_events} table, on the caller's SQL
 * connection (see {@link EventsOut} for why not through the Hibernate session of common's
 * {@code ProcessedEvents}): true exactly once per (consumer, event id), in the transaction of the effect.
 */
public final class ProcessedOnce {

    private ProcessedOnce() {
    }

    public static Uni<Boolean> firstTime(SqlConnection conn, String consumer, String eventId) {
        return conn.preparedQuery("INSERT INTO peers_processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(consumer, eventId))
                .map(rows -> rows.rowCount() == 1);
    }
}
