package peers.signaling.compat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import peers.common.limits.RateLimiter;
import peers.common.problems.ProblemException;
import peers.signaling.SignalingConfig;
import peers.signaling.hub.Session;
import peers.signaling.ws.Frames;

/**
 * A drop-in server for the unchanged {@code peerjs} client: {@code new Peer(id, {host, port, path: '/signal/v1/peerjs', key: 'peerjs'})}.
 * The client opens {@code <path>/peerjs?key=&id=&token=&version=}; the server answers {@code OPEN}, or
 * {@code ERROR} / {@code ID-TAKEN} and closes. {@code OFFER}, {@code ANSWER}, {@code CANDIDATE}, {@code LEAVE}
 * and {@code EXPIRE} frames with a {@code dst} are forwarded unchanged with {@code src} added;
 * {@code HEARTBEAT} keeps the socket alive. PeerJS ids are not peer keys: this endpoint is as anonymous as
 * peerjs-server. A malformed or over-limit frame is dropped silently — the PeerJS client destroys itself on
 * any {@code ERROR} — and the socket keeps working (peerjs-server loses later frames after one bad frame).
 */
@WebSocket(path = PeerJsEndpoint.PATH)
public class PeerJsEndpoint {

    public static final String PATH = "/signal/v1/peerjs/peerjs";
    static final Pattern ID = Pattern.compile("[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*");
    static final int MAX_ID_LENGTH = 64;
    static final Set<String> FORWARDED = Set.of("OFFER", "ANSWER", "CANDIDATE", "LEAVE", "EXPIRE");

    private static final Logger LOG = Logger.getLogger(PeerJsEndpoint.class);
    private static final UserData.TypedKey<Session> SESSION = new UserData.TypedKey<>("peers.pj-session");
    private static final UserData.TypedKey<String> PEER_ID = new UserData.TypedKey<>("peers.pj-id");

    private final PeerJsHub hub;
    private final RateLimiter limiter;
    private final SignalingConfig config;
    private final Clock clock;

    public PeerJsEndpoint(PeerJsHub hub, RateLimiter limiter, SignalingConfig config, Clock clock) {
        this.hub = hub;
        this.limiter = limiter;
        this.config = config;
        this.clock = clock;
    }

    @OnOpen
    @NonBlocking
    public void open(WebSocketConnection c) {
        Session s = new Session(c, null, clock.millis());
        Map<String, String> q = query(c.handshakeRequest().query());
        String id = q.get("id");
        String token = q.get("token");
        String key = q.get("key");
        if (id == null || token == null || key == null) {
            errorAndClose(s, "No id, token, or key supplied to websocket server");
            return;
        }
        if (!key.equals(config.peerjs().key())) {
            errorAndClose(s, "Invalid key provided");
            return;
        }
        if (id.length() > MAX_ID_LENGTH || token.length() > MAX_ID_LENGTH || !ID.matcher(id).matches()) {
            errorAndClose(s, "Invalid id or token");
            return;
        }
        if (!hub.register(id, token, s)) {
            ObjectNode taken = Frames.of("ID-TAKEN");
            taken.putObject("payload").put("msg", "ID is taken");
            s.send(Frames.text(taken));
            s.close(1000, "id taken");
            return;
        }
        c.userData().put(SESSION, s);
        c.userData().put(PEER_ID, id);
        s.send("{\"type\":\"OPEN\"}");
    }

    @OnTextMessage
    @NonBlocking
    public void message(String text, WebSocketConnection c) {
        Session s = c.userData().get(SESSION);
        String src = c.userData().get(PEER_ID);
        if (s == null) {
            return;
        }
        s.touch(clock.millis());
        try {
            limiter.check("signal.connection", s.id());
        } catch (ProblemException e) {
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
            m.put("src", src);
            hub.transmit(s, src, m.path("dst").asText(), m);
        }
        // HEARTBEAT only refreshes the socket; anything else is ignored, as peerjs-server does.
    }

    @OnClose
    @NonBlocking
    public void close(WebSocketConnection c) {
        Session s = c.userData().get(SESSION);
        if (s != null) {
            hub.closed(c.userData().get(PEER_ID), s);
        }
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
