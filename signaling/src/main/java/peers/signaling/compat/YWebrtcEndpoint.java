package peers.signaling.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import peers.common.limits.RateLimitConfig;
import peers.signaling.SignalingConfig;
import peers.signaling.hub.Hub;
import peers.signaling.hub.Link;
import peers.signaling.hub.Session;
import peers.signaling.ws.ErrorCode;
import peers.signaling.ws.Frames;
import peers.signaling.ws.SignalEndpoint;
import peers.signaling.ws.SignalError;
import peers.signaling.ws.WsEndpoint;

/**
 * A drop-in signaling server for the unchanged {@code y-webrtc} client ({@code signaling: ['wss://host/signal/v1/y-webrtc']}).
 * Its protocol, as y-webrtc 10.3's own server speaks it: {@code subscribe} / {@code unsubscribe} {topics: [..]},
 * {@code publish} {topic, ...} echoed to every subscriber of the topic with {@code clients} (the subscriber
 * count) added, and {@code ping} → {@code pong}. y-webrtc has no keys, so this endpoint is anonymous; its
 * topics are separate from the native protocol's rooms. Unlike y-webrtc's server, a malformed frame gets an
 * {@code error} message (which y-webrtc clients ignore) and the socket lives on.
 */
@ApplicationScoped
public class YWebrtcEndpoint implements WsEndpoint {

    public static final String PATH = "/signal/v1/y-webrtc";
    static final int MAX_TOPIC_LENGTH = 256;

    private final YTopics topics;
    private final RateLimitConfig.Limit connectionLimit;
    private final SignalingConfig config;
    private final Clock clock;

    public YWebrtcEndpoint(YTopics topics, RateLimitConfig limits, SignalingConfig config, Clock clock) {
        this.topics = topics;
        this.connectionLimit = Hub.limit(limits, Hub.CONNECTION_LIMIT);
        this.config = config;
        this.clock = clock;
    }

    @Override
    public Session open(Link link, String query) {
        Session s = new Session(link, null, clock.millis(), connectionLimit);
        topics.opened(s);
        return s;
    }

    @Override
    public void text(Session s, String text) {
        long now = clock.millis();
        s.touch(now);
        try {
            long wait = s.takeConnectionToken(now);
            if (wait > 0) {
                throw SignalEndpoint.rateLimited(Hub.CONNECTION_LIMIT, connectionLimit, wait);
            }
            int bound = config.maxPayloadBytes() + 1024;
            if (text.length() > bound || text.length() * 3 > bound && text.getBytes(StandardCharsets.UTF_8).length > bound) {
                throw new SignalError(ErrorCode.FRAME_TOO_LARGE, "a frame may have at most " + bound + " bytes")
                        .with("limit", "max-frame-bytes").with("max", bound);
            }
            ObjectNode m = Frames.parseObject(text);
            if (m == null || !m.path("type").isTextual()) {
                throw new SignalError(ErrorCode.NOT_JSON, "each frame must be one JSON object with a string \"type\"");
            }
            switch (m.path("type").asText()) {
                case "subscribe" -> {
                    for (JsonNode t : m.path("topics")) {
                        if (validTopic(t) && !topics.subscribe(s, t.asText(), config.maxRoomsPerConnection())) {
                            throw new SignalError(ErrorCode.TOO_MANY_ROOMS, "a connection may subscribe to at most "
                                    + config.maxRoomsPerConnection() + " topics").with("limit", "max-rooms-per-connection")
                                    .with("max", config.maxRoomsPerConnection());
                        }
                    }
                }
                case "unsubscribe" -> {
                    for (JsonNode t : m.path("topics")) {
                        if (t.isTextual()) {
                            topics.unsubscribe(s, t.asText());
                        }
                    }
                }
                case "publish" -> {
                    if (validTopic(m.get("topic"))) {
                        topics.publish(m.get("topic").asText(), m);
                    }
                }
                case "ping" -> s.send("{\"type\":\"pong\"}");
                default -> throw new SignalError(ErrorCode.UNKNOWN_TYPE, "y-webrtc messages are subscribe, unsubscribe, publish and ping");
            }
        } catch (SignalError e) {
            s.send(Frames.error(e, null));
        }
    }

    private static boolean validTopic(JsonNode t) {
        return t != null && t.isTextual() && !t.asText().isEmpty() && t.asText().length() <= MAX_TOPIC_LENGTH;
    }

    @Override
    public void binary(Session s) {
        s.send(Frames.error(new SignalError(ErrorCode.BINARY_UNSUPPORTED, "send JSON text frames"), null));
    }

    @Override
    public void closed(Session s) {
        topics.closed(s);
    }
}
