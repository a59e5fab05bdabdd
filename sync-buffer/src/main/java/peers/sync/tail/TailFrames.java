package peers.sync.tail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import peers.common.problems.ProblemException;
import peers.sync.streams.StreamService;

/**
 * Reads the client frames of the live tail ({@link TailEndpoint}). Every text is some {@link Frame}, never an
 * exception: the endpoint answers each with a message or an error frame and keeps the socket open. Whether
 * the socket may send the frame (authenticated or not) is the endpoint's decision, not the parser's.
 */
public final class TailFrames {

    private TailFrames() {
    }

    /** A client frame, as far as its text tells. */
    public sealed interface Frame permits Malformed, Auth, Subscribe, Unsubscribe, Invalid, Unknown {
    }

    /** Not a JSON object. */
    public record Malformed() implements Frame {
    }

    /** {@code {"type":"auth","key","signature"}}; the fields are checked by {@code WsAuth.verify} (null when absent). */
    public record Auth(String key, String signature) implements Frame {
    }

    /** {@code {"type":"subscribe","stream","after"}}: a well-formed stream id and a cursor &gt;= 0. */
    public record Subscribe(String stream, long after) implements Frame {
    }

    /** {@code {"type":"unsubscribe","stream"}}; the stream is whatever text was sent ("" when absent). */
    public record Unsubscribe(String stream) implements Frame {
    }

    /** A known frame type with a bad field: the error frame's code, message and stream. */
    public record Invalid(String code, String message, String stream) implements Frame {
    }

    /** A JSON object with another or no {@code type}. */
    public record Unknown(String type) implements Frame {
    }

    public static Frame parse(ObjectMapper json, String text) {
        JsonNode m;
        try {
            m = json.readTree(text);
        } catch (Exception e) {
            return new Malformed();
        }
        if (m == null || !m.isObject()) {
            return new Malformed();
        }
        String type = m.path("type").asText("");
        return switch (type) {
            case "auth" -> new Auth(m.path("key").asText(null), m.path("signature").asText(null));
            case "subscribe" -> subscribe(m);
            case "unsubscribe" -> new Unsubscribe(m.path("stream").asText(""));
            default -> new Unknown(type);
        };
    }

    private static Frame subscribe(JsonNode m) {
        String stream = m.path("stream").asText("");
        JsonNode afterNode = m.path("after");
        long after = afterNode.isMissingNode() || afterNode.isNull() ? 0
                : afterNode.isIntegralNumber() && afterNode.canConvertToLong() ? afterNode.asLong() : -1;
        if (after < 0) {
            return new Invalid("invalid-field", "'after' is the last sequence the client has: an integer >= 0", stream);
        }
        try {
            StreamService.checkId(stream);
        } catch (ProblemException e) {
            return new Invalid(e.type().name(), e.detail(), stream);
        }
        return new Subscribe(stream, after);
    }
}
