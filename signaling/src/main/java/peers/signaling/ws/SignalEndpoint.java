package peers.signaling.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.limits.RateLimitConfig;
import peers.common.problems.ProblemException;
import peers.common.ws.WsAuth;
import peers.signaling.SignalingConfig;
import peers.signaling.hub.Hub;
import peers.signaling.hub.Link;
import peers.signaling.hub.Session;

/**
 * The native signaling socket. One JSON object per text frame, each with a {@code type}; requests may carry
 * an {@code id} that the answer (or error) echoes. docs/api/signaling.md is the protocol's reference.
 */
@ApplicationScoped
public class SignalEndpoint implements WsEndpoint {

    public static final String PATH = "/signal/v1/ws";
    /** Envelope allowance on top of the payload bound: type, recipient key, id. */
    static final int ENVELOPE_BYTES = 1024;
    static final int MAX_ID_LENGTH = 64;
    static final String ANONYMOUS_PREFIX = "anon-";

    private static final Logger LOG = Logger.getLogger(SignalEndpoint.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Hub hub;
    private final RateLimitConfig.Limit connectionLimit;
    private final SignalingConfig config;
    private final Clock clock;
    private final String challengeSuffix;

    public SignalEndpoint(Hub hub, RateLimitConfig limits, SignalingConfig config, Clock clock) {
        this.hub = hub;
        this.connectionLimit = Hub.limit(limits, Hub.CONNECTION_LIMIT);
        Hub.limit(limits, Hub.KEY_LIMIT);
        this.config = config;
        this.clock = clock;
        this.challengeSuffix = "\",\"anonymous\":" + config.anonymousEnabled() + "}";
    }

    @Override
    public Session open(Link link, String query) {
        Session s = new Session(link, WsAuth.newChallenge(), clock.millis(), connectionLimit);
        hub.opened(s);
        // the challenge is base64url: nothing to escape
        s.send("{\"type\":\"" + WsAuth.CHALLENGE + "\",\"challenge\":\"" + s.challenge() + challengeSuffix);
        return s;
    }

    @Override
    public void text(Session s, String text) {
        long now = clock.millis();
        s.touch(now);
        String ref = null;
        try {
            long wait = s.takeConnectionToken(now);
            if (wait > 0) {
                throw rateLimited(Hub.CONNECTION_LIMIT, connectionLimit, wait);
            }
            wait = s.takeKeyToken(now);
            if (wait > 0) {
                throw rateLimited(Hub.KEY_LIMIT, hub.keyLimit(), wait);
            }
            int frameBound = config.maxPayloadBytes() + ENVELOPE_BYTES;
            if (text.length() > frameBound || text.length() * 3 > frameBound && utf8Length(text) > frameBound) {
                throw new SignalError(ErrorCode.FRAME_TOO_LARGE, "a frame may have at most " + frameBound + " bytes")
                        .with("limit", "max-frame-bytes").with("max", frameBound);
            }
            ObjectNode m = Frames.parseObject(text);
            if (m == null || !m.path("type").isTextual()) {
                throw new SignalError(ErrorCode.NOT_JSON, "each frame must be one JSON object with a string \"type\"");
            }
            JsonNode id = m.get("id");
            if (id != null && id.isTextual() && id.asText().length() <= MAX_ID_LENGTH) {
                ref = id.asText();
            }
            dispatch(s, m.path("type").asText(), m, ref);
        } catch (SignalError e) {
            s.send(Frames.error(e, ref));
        } catch (RuntimeException e) {
            LOG.errorf(e, "signaling message failed on %s", s);
            s.send(Frames.error(new SignalError(ErrorCode.INTERNAL, "the server failed to handle this message"), ref));
        }
    }

    private void dispatch(Session s, String type, ObjectNode m, String ref) {
        switch (type) {
            case "ping" -> s.send(reply("pong", ref));
            case WsAuth.AUTH -> authenticate(s, m, ref);
            case "join", "leave", "signal" -> {
                if (!s.authenticated()) {
                    throw new SignalError(ErrorCode.NOT_AUTHENTICATED, "answer the challenge with an \"auth\" message first");
                }
                switch (type) {
                    case "join" -> {
                        String room = room(m);
                        List<String> members = hub.join(s, room);
                        s.send(Frames.joined(room, members, ref));
                    }
                    case "leave" -> {
                        String room = room(m);
                        hub.leave(s, room);
                        ObjectNode left = Frames.of("left");
                        left.put("room", room);
                        if (ref != null) {
                            left.put("id", ref);
                        }
                        s.send(Frames.text(left));
                    }
                    default -> signal(s, m, ref);
                }
            }
            default -> throw new SignalError(ErrorCode.UNKNOWN_TYPE, "unknown message type; see docs/api/signaling.md")
                    .with("messageType", type.length() > 64 ? type.substring(0, 64) : type);
        }
    }

    private void authenticate(Session s, ObjectNode m, String ref) {
        if (s.authenticated()) {
            throw new SignalError(ErrorCode.ALREADY_AUTHENTICATED, "this connection is already authenticated as " + s.peer());
        }
        String peer;
        boolean anonymous = m.path("anonymous").asBoolean(false);
        if (anonymous) {
            if (!config.anonymousEnabled()) {
                throw new SignalError(ErrorCode.ANONYMOUS_DISABLED, "this server requires key authentication");
            }
            byte[] b = new byte[16];
            RANDOM.nextBytes(b);
            peer = ANONYMOUS_PREFIX + Base64Url.encode(b);
        } else {
            if (!m.path("key").isTextual()) {
                throw SignalError.invalid("key", "\"key\" is required: the peer key, 43 characters of unpadded base64url");
            }
            if (!m.path("signature").isTextual()) {
                throw SignalError.invalid("signature", "\"signature\" is required: Ed25519 over the challenge, unpadded base64url");
            }
            try {
                peer = WsAuth.verify(PATH, s.challenge(), m.path("key").asText(), m.path("signature").asText()).toString();
            } catch (ProblemException | IllegalArgumentException e) {
                throw new SignalError(ErrorCode.SIGNATURE_INVALID, e instanceof ProblemException p ? p.detail() : e.getMessage());
            }
        }
        hub.authenticated(s, peer);
        ObjectNode ok = Frames.of(WsAuth.AUTHENTICATED);
        ok.put("key", peer);
        ok.put("anonymous", anonymous);
        if (ref != null) {
            ok.put("id", ref);
        }
        s.send(Frames.text(ok));
    }

    private void signal(Session s, ObjectNode m, String ref) {
        JsonNode toNode = m.get("to");
        if (toNode == null || !toNode.isTextual()) {
            throw SignalError.invalid("to", "\"to\" is required: the recipient's peer key");
        }
        String to = toNode.asText();
        if (!to.startsWith(ANONYMOUS_PREFIX) || to.length() != ANONYMOUS_PREFIX.length() + 22) {
            try {
                PeerKey.parse(to);
            } catch (IllegalArgumentException e) {
                throw SignalError.invalid("to", "\"to\" is not a peer key: " + e.getMessage());
            }
        }
        JsonNode payload = m.get("payload");
        if (payload == null) {
            throw SignalError.invalid("payload", "\"payload\" is required (any JSON value)");
        }
        String raw = Frames.rawPayload(payload);
        int size = raw.length() * 3 <= config.maxPayloadBytes() ? raw.length() : utf8Length(raw);
        if (size > config.maxPayloadBytes()) {
            throw new SignalError(ErrorCode.PAYLOAD_TOO_LARGE, "a payload may have at most " + config.maxPayloadBytes() + " bytes; it has " + size)
                    .with("limit", "max-payload-bytes").with("max", config.maxPayloadBytes());
        }
        hub.signal(s, to, payload, ref);
    }

    private String room(ObjectNode m) {
        JsonNode r = m.get("room");
        if (r == null || !r.isTextual() || r.asText().isEmpty() || r.asText().length() > config.maxRoomIdLength()) {
            throw SignalError.invalid("room", "\"room\" is required: 1 to " + config.maxRoomIdLength()
                    + " printable ASCII characters (send a hash of the room name, not the name)");
        }
        String room = r.asText();
        for (int i = 0; i < room.length(); i++) {
            char ch = room.charAt(i);
            if (ch < 0x21 || ch > 0x7e) {
                throw SignalError.invalid("room", "\"room\" must be printable ASCII without spaces (send a hash of the room name)");
            }
        }
        return room;
    }

    /** The rate-limited error, worded as common's RateLimiter words its 429. */
    public static SignalError rateLimited(String name, RateLimitConfig.Limit limit, long waitMillis) {
        long seconds = Math.max(1, (waitMillis + 999) / 1000);
        return new SignalError(ErrorCode.RATE_LIMITED, "rate limit '" + name + "' allows " + limit.capacity() + " requests per "
                + limit.refillPeriod().toSeconds() + " s; retry after " + seconds + " s; the message was dropped").with("limit", name);
    }

    @Override
    public void binary(Session s) {
        s.touch(clock.millis());
        s.send(Frames.error(new SignalError(ErrorCode.BINARY_UNSUPPORTED, "send JSON text frames"), null));
    }

    @Override
    public void closed(Session s) {
        hub.closed(s);
    }

    private static String reply(String type, String ref) {
        ObjectNode n = Frames.of(type);
        if (ref != null) {
            n.put("id", ref);
        }
        return Frames.text(n);
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
