package peers.sync.tail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;
import peers.common.ws.WsAuth;
import peers.sync.records.RecordStore;

/**
 * {@code /sync/v1/tail}: the live tail of the streams a member subscribes to, as JSON text frames.
 *
 * <ol>
 *   <li>server: {@code {"type":"challenge","challenge":"…"}}; client: {@code {"type":"auth","key":"…","signature":"…"}}
 *       (see {@link WsAuth}); server: {@code {"type":"authenticated","key":"…"}}</li>
 *   <li>client: {@code {"type":"subscribe","stream":"…","after":N}}; server: {@code {"type":"subscribed","stream":"…","after":N}},
 *       then every record with seq &gt; N as {@code {"type":"record","stream","seq","id","author","ciphertext","createdAt","expiresAt"}},
 *       in order, the stored ones first and then new ones as they are appended</li>
 *   <li>client: {@code {"type":"unsubscribe","stream":"…"}}; server: {@code {"type":"unsubscribed","stream":"…"}}</li>
 * </ol>
 * Errors are {@code {"type":"error","code":"<problem name>","message":"…","stream":"…"}}; a bad frame never closes the socket.
 */
@WebSocket(path = TailEndpoint.PATH)
public class TailEndpoint {

    public static final String PATH = "/sync/v1/tail";
    static final int MAX_SUBSCRIPTIONS = 64;
    private static final UserData.TypedKey<String> CHALLENGE = UserData.TypedKey.forString("challenge");
    private static final UserData.TypedKey<String> KEY = UserData.TypedKey.forString("key");

    private final TailHub hub;
    private final RecordStore store;
    private final ObjectMapper json;
    private final Map<String, Map<String, TailHub.Subscription>> subscriptions = new ConcurrentHashMap<>();

    public TailEndpoint(TailHub hub, RecordStore store, ObjectMapper json) {
        this.hub = hub;
        this.store = store;
        this.json = json;
    }

    @OnOpen
    public Map<String, Object> open(WebSocketConnection c) {
        String challenge = WsAuth.newChallenge();
        c.userData().put(CHALLENGE, challenge);
        return Map.of("type", WsAuth.CHALLENGE, "challenge", challenge);
    }

    @OnTextMessage
    public Uni<Void> message(String text, WebSocketConnection c) {
        TailFrames.Frame frame = TailFrames.parse(json, text);
        if (frame instanceof TailFrames.Malformed) {
            return error(c, "malformed-request", "frames are JSON objects with a 'type'", null);
        }
        String key = c.userData().get(KEY);
        if (frame instanceof TailFrames.Auth auth) {
            if (key != null) {
                return error(c, "conflict", "this socket is already authenticated as " + key, null);
            }
            try {
                PeerKey k = WsAuth.verify(PATH, c.userData().get(CHALLENGE), auth.key(), auth.signature());
                c.userData().put(KEY, k.toString());
                return send(c, Map.of("type", WsAuth.AUTHENTICATED, "key", k.toString()));
            } catch (ProblemException e) {
                return error(c, e.type().name(), e.detail(), null);
            }
        }
        if (key == null) {
            return error(c, "signature-required", "authenticate first: answer the challenge with {\"type\":\"auth\",\"key\":…,\"signature\":…}", null);
        }
        return switch (frame) {
            case TailFrames.Subscribe s -> subscribe(c, PeerKey.parse(key), s.stream(), s.after());
            case TailFrames.Unsubscribe u -> unsubscribe(c, u.stream());
            case TailFrames.Invalid i -> error(c, i.code(), i.message(), i.stream());
            case TailFrames.Unknown u -> error(c, "malformed-request", "unknown frame type '" + u.type() + "'; expected subscribe or unsubscribe", null);
            case TailFrames.Malformed m -> error(c, "malformed-request", "frames are JSON objects with a 'type'", null);
            case TailFrames.Auth a -> error(c, "conflict", "this socket is already authenticated as " + key, null);
        };
    }

    private Uni<Void> subscribe(WebSocketConnection c, PeerKey caller, String stream, long after) {
        Map<String, TailHub.Subscription> mine = subscriptions.computeIfAbsent(c.id(), k -> new ConcurrentHashMap<>());
        TailHub.Subscription existing = mine.get(stream);
        if (existing != null && !existing.closed) {
            return error(c, "conflict", "already subscribed to '" + stream + "'; unsubscribe first to move the cursor", stream);
        }
        if (mine.size() >= MAX_SUBSCRIPTIONS) {
            return error(c, "invalid-field", "a socket subscribes to at most " + MAX_SUBSCRIPTIONS + " streams", stream);
        }
        // Checks access and the cursor exactly as a REST read does, before confirming.
        return store.read(caller, stream, after, 1)
                .chain(page -> {
                    Map<String, Object> ok = new LinkedHashMap<>();
                    ok.put("type", "subscribed");
                    ok.put("stream", stream);
                    ok.put("after", after);
                    ok.put("earliest", page.earliest());
                    ok.put("lastSeq", page.lastSeq());
                    return send(c, ok);
                })
                .invoke(() -> mine.put(stream, hub.subscribe(c, caller, stream, after)))
                .onFailure(ProblemException.class).recoverWithUni(e -> {
                    ProblemException p = (ProblemException) e;
                    return error(c, p.type().name(), p.detail(), stream);
                });
    }

    private Uni<Void> unsubscribe(WebSocketConnection c, String stream) {
        Map<String, TailHub.Subscription> mine = subscriptions.get(c.id());
        TailHub.Subscription s = mine == null ? null : mine.remove(stream);
        if (s == null) {
            return error(c, "not-found", "not subscribed to '" + stream + "'", stream);
        }
        hub.remove(s);
        return send(c, Map.of("type", "unsubscribed", "stream", stream));
    }

    @OnClose
    public void close(WebSocketConnection c) {
        Map<String, TailHub.Subscription> mine = subscriptions.remove(c.id());
        if (mine != null) {
            mine.values().forEach(hub::remove);
        }
    }

    private Uni<Void> error(WebSocketConnection c, String code, String message, String stream) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "error");
        m.put("code", code);
        m.put("message", message);
        if (stream != null) {
            m.put("stream", stream);
        }
        return send(c, m);
    }

    private Uni<Void> send(WebSocketConnection c, Map<String, Object> m) {
        return hub.send(c, m);
    }
}
