package peers.common.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import peers.common.identity.PeerKey;
import peers.common.outbox.EventEnvelope;

/**
 * One entitlements event of affiliate-billing (topic {@value #TOPIC}, keyed by peer key, structured-mode
 * CloudEvents with data {@code {peer, plan, syncRetentionDays, syncBytes, syncRecords, backupBytes,
 * turnBytesPerMonth, validUntil}}), as the services that enforce limits read it. Each service takes the
 * limits it enforces with {@link #limit}; fields it does not read may be absent.
 *
 * @param eventId the CloudEvents id (consumers apply each once)
 * @param peer the peer key the limits are for
 * @param plan the plan's name, for messages (at most 64 characters)
 * @param validUntil when the limits end (null: no end); after it the free plan applies
 * @param time the CloudEvents time: an event older than the one applied is ignored
 */
public record EntitlementEvent(String eventId, String peer, String plan, JsonNode data, Instant validUntil, Instant time) {

    public static final String TOPIC = "peers.entitlements";
    public static final String TYPE = "peers.billing.entitlements.v1";

    /**
     * Parses a record's value.
     *
     * @param clock gives the time of an event without one
     * @throws IllegalArgumentException naming what is wrong, for an event that cannot be applied
     */
    public static EntitlementEvent parse(String value, ObjectMapper json, Clock clock) {
        CloudEvent event = EventEnvelope.parse(value);
        JsonNode d = EventEnvelope.dataObject(event, json);
        String peer = PeerKey.parse(d.path("peer").asText(null)).toString();
        String plan = d.path("plan").asText("unknown");
        Instant until;
        try {
            until = d.hasNonNull("validUntil") ? OffsetDateTime.parse(d.get("validUntil").asText()).toInstant() : null;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("validUntil must be an RFC 3339 time or null");
        }
        Instant time = event.getTime() != null ? event.getTime().toInstant() : clock.instant();
        return new EntitlementEvent(event.getId(), peer, plan.length() > 64 ? plan.substring(0, 64) : plan, d, until, time);
    }

    /** A limit of the data: a non-negative integer. */
    public long limit(String field) {
        JsonNode n = data.get(field);
        if (n == null || !n.canConvertToLong() || n.asLong() < 0) {
            throw new IllegalArgumentException(field + " must be a non-negative integer");
        }
        return n.asLong();
    }
}
