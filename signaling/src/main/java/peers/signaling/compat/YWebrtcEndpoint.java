package peers.signaling.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import peers.common.limits.RateLimiter;
import peers.common.problems.ProblemException;
import peers.signaling.SignalingConfig;
import peers.signaling.hub.Session;
import peers.signaling.ws.ErrorCode;
import peers.signaling.ws.Frames;
import peers.signaling.ws.SignalError;

/**
 * A drop-in signaling server for the unchanged {@code y-webrtc} client ({@code signaling: ['wss://host/signal/v1/y-webrtc']}).
 * Its protocol, as y-webrtc 10.3's own server speaks it: {@code subscribe} / {@code unsubscribe} {topics: [..]},
 * {@code publish} {topic, ...} echoed to every subscriber of the topic with {@code clients} (the subscriber
 * count) added, and {@code ping} → {@code pong}. y-webrtc has no keys, so this endpoint is anonymous; its
 * topics are separate from the native protocol's rooms. Unlike y-webrtc's server, a malformed frame gets an
 * {@code error} message (which y-webrtc clients ignore) and the socket lives on.
 */
@WebSocket(path = YWebrtcEndpoint.PATH)
public class YWebrtcEndpoint {

    public static final String PATH = "/signal/v1/y-webrtc";
    static final int MAX_TOPIC_LENGTH = 256;

    private static final UserData.TypedKey<Session> SESSION = new UserData.TypedKey<>("peers.y-session");

    private final YTopics topics;
    private final RateLimiter limiter;
    private final SignalingConfig config;
    private final Clock clock;

    public YWebrtcEndpoint(YTopics topics, RateLimiter limiter, SignalingConfig config, Clock clock) {
        this.topics = topics;
        this.limiter = limiter;
        this.config = config;
        this.clock = clock;
    }

    @OnOpen
    @NonBlocking
    public void open(WebSocketConnection c) {
        Session s = new Session(c, null, clock.millis());
        c.userData().put(SESSION, s);
        topics.opened(s);
    }

    @OnTextMessage
    @NonBlocking
    public void message(String text, WebSocketConnection c) {
        Session s = c.userData().get(SESSION);
        if (s == null) {
            return;
        }
        s.touch(clock.millis());
        try {
            try {
                limiter.check("signal.connection", s.id());
            } catch (ProblemException e) {
                throw new SignalError(ErrorCode.RATE_LIMITED, e.detail() + "; the message was dropped").with("limit", "signal.connection");
            }
            int bound = config.maxPayloadBytes() + 1024;
            if (text.length() > bound || text.getBytes(StandardCharsets.UTF_8).length > bound) {
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

    @OnBinaryMessage
    @NonBlocking
    public void binary(Buffer data, WebSocketConnection c) {
        Session s = c.userData().get(SESSION);
        if (s != null) {
            s.send(Frames.error(new SignalError(ErrorCode.BINARY_UNSUPPORTED, "send JSON text frames"), null));
        }
    }

    @OnClose
    @NonBlocking
    public void close(WebSocketConnection c) {
        Session s = c.userData().get(SESSION);
        if (s != null) {
            topics.closed(s);
        }
    }
}
