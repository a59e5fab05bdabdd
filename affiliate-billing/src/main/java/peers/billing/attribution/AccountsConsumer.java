package peers.billing.attribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import peers.billing.apps.AppService;
import peers.common.outbox.ProcessedEvents;
import peers.common.identity.PeerKey;
import peers.common.outbox.EventEnvelope;
import peers.common.problems.ProblemException;

/**
 * Reads managed-keys' account events (topic {@code peers.accounts}): an {@code peers.auth.account.created.v1}
 * marks when billing first saw the peer, and with an {@code appId} attributes the peer to that app (first
 * touch; the account's creation time is the attribution's start). Other types are not billing's business.
 * Each event applies once; a malformed one is logged and skipped, never retried forever.
 */
@ApplicationScoped
public class AccountsConsumer {

    public static final String CONSUMER = "affiliate-billing.accounts";
    public static final String CREATED = "peers.auth.account.created.v1";
    private static final Logger LOG = Logger.getLogger(AccountsConsumer.class);

    private final Pool pool;
    private final Attributions attributions;
    private final ObjectMapper json;
    private final Clock clock;
    private final ProcessedEvents processed;

    public AccountsConsumer(Pool pool, Attributions attributions, ObjectMapper json, Clock clock, ProcessedEvents processed) {
        this.processed = processed;
        this.pool = pool;
        this.attributions = attributions;
        this.json = json;
        this.clock = clock;
    }

    record Created(String eventId, String peer, String appId, Instant at) {
    }

    @Incoming("accounts")
    public Uni<Void> consume(String value) {
        Created c;
        try {
            c = parse(value);
        } catch (RuntimeException e) {
            LOG.warnf("skipping an account event that cannot be applied: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (c == null) {
            return Uni.createFrom().voidItem();
        }
        return apply(c).onFailure().invoke(e -> LOG.warnf("account event %s not applied: %s", c.eventId(), e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    Uni<Void> apply(Created c) {
        Instant now = clock.instant();
        return pool.withTransaction(conn -> processed.firstTime(conn, CONSUMER, c.eventId()).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            Instant at = c.at().isAfter(now) ? now : c.at();
            if (c.appId() == null) {
                return attributions.seen(conn, c.peer(), at).replaceWithVoid();
            }
            return attributions.attribute(conn, c.peer(), c.appId(), "account-created", at, now, false)
                    .onFailure(ProblemException.class).recoverWithUni(e -> {
                        LOG.infof("account event %s names app '%s' that billing does not know; the peer stays unattributed", c.eventId(), c.appId());
                        return attributions.seen(conn, c.peer(), at).replaceWith((Attributions.Result) null);
                    })
                    .replaceWithVoid();
        }));
    }

    Created parse(String value) {
        CloudEvent event = EventEnvelope.parse(value);
        if (!CREATED.equals(event.getType())) {
            return null;
        }
        JsonNode d = EventEnvelope.dataObject(event, json);
        String peer = PeerKey.parse(d.path("peer").asText(null)).toString();
        String appId = d.hasNonNull("appId") ? d.get("appId").asText() : null;
        Instant at = d.hasNonNull("at") ? OffsetDateTime.parse(d.get("at").asText()).toInstant()
                : event.getTime() != null ? event.getTime().toInstant() : clock.instant();
        return new Created(event.getId(), peer, appId, at);
    }
}
