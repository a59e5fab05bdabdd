package peers.signaling.ws;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Map;

/** Builds and reads the JSON text frames of the native protocol. */
public final class Frames {

    public static final ObjectMapper JSON = new ObjectMapper();
    static final String PAYLOAD = "payload";
    /** Top-level fields only ever relayed as they came: the native and PeerJS {@code payload}, y-webrtc's {@code data}. */
    static final java.util.Set<String> OPAQUE = java.util.Set.of(PAYLOAD, "data");

    private Frames() {
    }

    public static ObjectNode of(String type) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type);
        return n;
    }

    public static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The JSON object in {@code text}, or null when it is not exactly one (trailing content included) or
     * repeats a top-level member name. A
     * top-level {@code payload} or {@code data} is validated but kept as its raw text ({@link #rawPayload}):
     * it is relayed unchanged, so it is never turned into a tree and written back.
     */
    public static ObjectNode parseObject(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode o = JSON.createObjectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (o.has(name)) {
                    // a repeated member is read differently by different parsers (first or last wins): refused,
                    // so that what a recipient reads from a relayed frame is what this server routed on
                    return null;
                }
                JsonToken t = p.nextToken();
                if (OPAQUE.contains(name)) {
                    int start = (int) p.currentTokenLocation().getCharOffset();
                    if (t.isStructStart()) {
                        p.skipChildren();
                    } else {
                        p.finishToken();
                    }
                    int end = (int) p.currentLocation().getCharOffset();
                    o.putRawValue(name, new RawValue(text.substring(start, end)));
                } else {
                    o.set(name, JSON.readTree(p));
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return o;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The raw JSON text of a payload kept by {@link #parseObject}, or the node written as JSON. */
    public static String rawPayload(JsonNode payload) {
        if (payload instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw) {
            return raw.rawValue().toString();
        }
        return text(payload);
    }

    public static String error(SignalError e, String ref) {
        ObjectNode n = of("error");
        n.put("code", e.code().code());
        n.put("message", e.getMessage());
        for (Map.Entry<String, Object> x : e.extra().entrySet()) {
            n.set(x.getKey(), JSON.valueToTree(x.getValue()));
        }
        if (ref != null) {
            n.put("id", ref);
        }
        return text(n);
    }

    public static String peerEvent(String type, String room, String peer) {
        ObjectNode n = of(type);
        n.put("room", room);
        n.put("peer", peer);
        return text(n);
    }

    public static String joined(String room, Collection<String> members, String ref) {
        ObjectNode n = of("joined");
        n.put("room", room);
        ArrayNode a = n.putArray("members");
        members.forEach(a::add);
        if (ref != null) {
            n.put("id", ref);
        }
        return text(n);
    }

    public static String signal(String from, JsonNode payload) {
        return signal(from, rawPayload(payload));
    }

    /**
     * The signal frame for a payload's raw JSON text, built without a tree: {@code from} is a peer key or
     * anonymous session id (base64url, nothing to escape); anything else is written through Jackson.
     */
    public static String signal(String from, String rawPayload) {
        if (!plain(from)) {
            ObjectNode n = of("signal");
            n.put("from", from);
            n.putRawValue(PAYLOAD, new RawValue(rawPayload));
            return text(n);
        }
        return new StringBuilder(40 + from.length() + rawPayload.length()).append("{\"type\":\"signal\",\"from\":\"").append(from)
                .append("\",\"payload\":").append(rawPayload).append('}').toString();
    }

    /** Whether {@code s} can stand in a JSON string as it is (letters, digits, {@code - _ .}). */
    static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
                return false;
            }
        }
        return true;
    }
}
