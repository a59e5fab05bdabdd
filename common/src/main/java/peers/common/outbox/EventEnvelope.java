package peers.common.outbox;

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

    /** The event's JSON data as text. */
    public static String data(CloudEvent event) {
        return event.getData() == null ? null : new String(event.getData().toBytes(), StandardCharsets.UTF_8);
    }
}
