package peers.signaling.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Map;

/** Builds and reads the JSON text frames of the native protocol. */
public final class Frames {

    public static final ObjectMapper JSON = new ObjectMapper();

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

    /** The JSON object in {@code text}, or null when it is not one. */
    public static ObjectNode parseObject(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            return n instanceof ObjectNode o ? o : null;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
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
        ObjectNode n = of("signal");
        n.put("from", from);
        n.set("payload", payload);
        return text(n);
    }
}
