package peers.common.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.nio.charset.StandardCharsets;

/** Reads the CloudEvents that {@link OutboxRelay} publishes. */
public final class EventEnvelope {

    private static final EventFormat FORMAT = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    private EventEnvelope() {
    }

    /** Parses a structured-mode JSON CloudEvent; throws {@link IllegalArgumentException} when it is not one. */
    public static CloudEvent parse(String value) {
        try {
            return FORMAT.deserialize(value.getBytes(StandardCharsets.UTF_8));
        } catch (EventDeserializationException | IllegalStateException e) {
            throw new IllegalArgumentException("not a CloudEvent: " + e.getMessage(), e);
        }
    }

    /** The event's data as a JSON object; throws {@link IllegalArgumentException} when it is not one. */
    public static ObjectNode dataObject(CloudEvent event, ObjectMapper json) {
        JsonNode d;
        try {
            d = json.readTree(data(event));
        } catch (Exception e) {
            throw new IllegalArgumentException("data is not JSON");
        }
        if (d == null || !d.isObject()) {
            throw new IllegalArgumentException("data is not a JSON object");
        }
        return (ObjectNode) d;
    }

    /** The event's JSON data as text. */
    public static String data(CloudEvent event) {
        return event.getData() == null ? null : new String(event.getData().toBytes(), StandardCharsets.UTF_8);
    }
}
