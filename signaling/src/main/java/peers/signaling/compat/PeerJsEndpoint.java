package peers.signaling.compat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import peers.common.limits.RateLimitConfig;
import peers.signaling.SignalingConfig;
import peers.signaling.hub.Hub;
import peers.signaling.hub.Link;
import peers.signaling.hub.Session;
import peers.signaling.ws.Frames;
import peers.signaling.ws.WsEndpoint;

/**
 * A drop-in server for the unchanged {@code peerjs} client: {@code new Peer(id, {host, port, path: '/signal/v1/peerjs', key: 'peerjs'})}.
 * The client opens {@code <path>/peerjs?key=&id=&token=&version=}; the server answers {@code OPEN}, or
 * {@code ERROR} / {@code ID-TAKEN} and closes. {@code OFFER}, {@code ANSWER}, {@code CANDIDATE}, {@code LEAVE}
 * and {@code EXPIRE} frames with a {@code dst} are forwarded unchanged with {@code src} added;
 * {@code HEARTBEAT} keeps the socket alive. PeerJS ids are not peer keys: this endpoint is as anonymous as
 * peerjs-server. A malformed or over-limit frame is dropped silently — the PeerJS client destroys itself on
 * any {@code ERROR} — and the socket keeps working (peerjs-server loses later frames after one bad frame).
 */
@ApplicationScoped
public class PeerJsEndpoint implements WsEndpoint {

    public static final String PATH = "/signal/v1/peerjs/peerjs";
    static final Pattern ID = Pattern.compile("[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*");
    static final int MAX_ID_LENGTH = 64;
    static final Set<String> FORWARDED = Set.of("OFFER", "ANSWER", "CANDIDATE", "LEAVE", "EXPIRE");

    private static final Logger LOG = Logger.getLogger(PeerJsEndpoint.class);
    private final PeerJsHub hub;
    private final RateLimitConfig.Limit connectionLimit;
    private final SignalingConfig config;
    private final Clock clock;

    public PeerJsEndpoint(PeerJsHub hub, RateLimitConfig limits, SignalingConfig config, Clock clock) {
        this.hub = hub;
        this.connectionLimit = Hub.limit(limits, Hub.CONNECTION_LIMIT);
        this.config = config;
        this.clock = clock;
    }

    @Override
    public Session open(Link link, String query) {
        Session s = new Session(link, null, clock.millis(), connectionLimit);
        Map<String, String> q = query(query);
        String id = q.get("id");
        String token = q.get("token");
        String key = q.get("key");
        if (id == null || token == null || key == null) {
            errorAndClose(s, "No id, token, or key supplied to websocket server");
            return null;
        }
        if (!key.equals(config.peerjs().key())) {
            errorAndClose(s, "Invalid key provided");
            return null;
        }
        if (id.length() > MAX_ID_LENGTH || token.length() > MAX_ID_LENGTH || !ID.matcher(id).matches()) {
            errorAndClose(s, "Invalid id or token");
            return null;
        }
        if (!hub.register(id, token, s)) {
            ObjectNode taken = Frames.of("ID-TAKEN");
            taken.putObject("payload").put("msg", "ID is taken");
            s.send(Frames.text(taken));
            s.close(1000, "id taken");
            return null;
        }
        s.name(id);
        s.send("{\"type\":\"OPEN\"}");
        return s;
    }

    @Override
    public void text(Session s, String text) {
        long now = clock.millis();
        s.touch(now);
        String src = s.peer();
        if (s.takeConnectionToken(now) > 0) {
            return;
        }
        if (text.length() > config.maxPayloadBytes() + 1024) {
            return;
        }
        ObjectNode m = Frames.parseObject(text);
        if (m == null) {
            LOG.debugf("peerjs %s: dropped a malformed frame", src);
            return;
        }
        String type = m.path("type").asText();
        if (FORWARDED.contains(type) && m.path("dst").isTextual()) {
            hub.transmit(s, src, m.path("dst").asText(), m, withSrc(text, m, src));
        }
        // HEARTBEAT only refreshes the socket; anything else is ignored, as peerjs-server does.
    }

    /**
     * The frame to forward: the client's own text with {@code "src"} appended as the last member, so nothing
     * is re-serialized. A client's own {@code src} is replaced by the real one (the message is then written
     * from the tree), so no peer can pose as another.
     */
    static String withSrc(String text, ObjectNode m, String src) {
        int end = text.lastIndexOf('}');
        if (m.has("src") || end < 0) {
            m.put("src", src);
            return Frames.text(m);
        }
        // ids match ID (letters, digits, " _-"): nothing to escape; an empty object gets no comma
        boolean empty = m.isEmpty();
        return new StringBuilder(end + src.length() + 12).append(text, 0, end).append(empty ? "" : ",").append("\"src\":\"")
                .append(src).append("\"}").toString();
    }

    @Override
    public void binary(Session s) {
        // peerjs-server ignores what it cannot parse; so does this endpoint
        s.touch(clock.millis());
    }

    @Override
    public void closed(Session s) {
        hub.closed(s.peer(), s);
    }

    private static void errorAndClose(Session s, String msg) {
        ObjectNode e = Frames.of("ERROR");
        e.putObject("payload").put("msg", msg);
        s.send(Frames.text(e));
        s.close(1008, "refused");
    }

    static Map<String, String> query(String query) {
        Map<String, String> out = new HashMap<>();
        if (query == null) {
            return out;
        }
        for (String part : query.split("&", 16)) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                try {
                    out.putIfAbsent(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException malformed) {
                    // ignored: the parameter is then missing
                }
            }
        }
        return out;
    }
}
