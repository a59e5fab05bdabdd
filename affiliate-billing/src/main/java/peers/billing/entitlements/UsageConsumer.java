package peers.billing.entitlements;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import peers.common.identity.PeerKey;
import peers.common.outbox.EventEnvelope;

/**
 * Reads usage totals (topic {@code peers.usage}): sync-buffer's {@code peers.sync.usage.v1} (bytes, records)
 * and backup-service's {@code peers.backup.usage.v1} (bytes, objects). A report is a total, so the newest per
 * (peer, service) wins and an older or repeated one changes nothing; that makes redelivery harmless without
 * remembering event ids.
 */
@ApplicationScoped
public class UsageConsumer {

    public static final String SYNC = "peers.sync.usage.v1";
    public static final String BACKUP = "peers.backup.usage.v1";
    private static final Logger LOG = Logger.getLogger(UsageConsumer.class);

    private final Pool pool;
    private final ObjectMapper json;
    private final Clock clock;

    public UsageConsumer(Pool pool, ObjectMapper json, Clock clock) {
        this.pool = pool;
        this.json = json;
        this.clock = clock;
    }

    record Report(String peer, String service, long bytes, long items, Instant at) {
    }

    @Incoming("usage")
    public Uni<Void> consume(String value) {
        Report r;
        try {
            r = parse(value);
        } catch (RuntimeException e) {
            LOG.warnf("skipping a usage event that cannot be applied: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (r == null) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("INSERT INTO usage (peer_key, service, bytes, items, reported_at) VALUES ($1, $2, $3, $4, $5) "
                        + "ON CONFLICT (peer_key, service) DO UPDATE SET bytes = EXCLUDED.bytes, items = EXCLUDED.items, reported_at = EXCLUDED.reported_at "
                        + "WHERE usage.reported_at < EXCLUDED.reported_at")
                .execute(Tuple.of(r.peer(), r.service(), r.bytes(), r.items(), r.at().atOffset(ZoneOffset.UTC)))
                .onFailure().invoke(e -> LOG.warnf("usage of %s not recorded: %s", r.peer(), e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    Report parse(String value) {
        CloudEvent event = EventEnvelope.parse(value);
        String service;
        String itemsField;
        if (SYNC.equals(event.getType())) {
            service = "sync-buffer";
            itemsField = "records";
        } else if (BACKUP.equals(event.getType())) {
            service = "backup-service";
            itemsField = "objects";
        } else {
            return null;
        }
        JsonNode d = EventEnvelope.dataObject(event, json);
        String peer = PeerKey.parse(d.path("peer").asText(null)).toString();
        long bytes = count(d, "bytes");
        long items = count(d, itemsField);
        Instant at = d.hasNonNull("at") ? OffsetDateTime.parse(d.get("at").asText()).toInstant()
                : event.getTime() != null ? event.getTime().toInstant() : clock.instant();
        return new Report(peer, service, bytes, items, at);
    }

    private static long count(JsonNode d, String field) {
        JsonNode n = d.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new IllegalArgumentException(field + " must be a non-negative integer");
        }
        return n.asLong();
    }
}
