package peers.signaling.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import peers.testing.peers.TestPeer;
import peers.testing.ws.WsTestClient;

/** Opening and authenticating native signaling sockets in tests. */
final class Sockets {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final Duration TIMEOUTS = Duration.ofSeconds(12);

    private Sockets() {
    }

    static URI ws(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    static WsTestClient authed(URI ws, TestPeer peer) throws InterruptedException {
        WsTestClient c = WsTestClient.connect(ws);
        JsonNode reply = c.authenticate(peer, SignalEndpoint.PATH, WAIT);
        assertEquals("authenticated", reply.path("type").asText(), reply.toString());
        assertEquals(peer.id(), reply.path("key").asText());
        return c;
    }

    static Map<String, Object> msg(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The next error frame, asserting its code. */
    static JsonNode error(WsTestClient c, String code) throws InterruptedException {
        JsonNode e = c.awaitType("error", WAIT);
        assertEquals(code, e.path("code").asText(), e.toString());
        return e;
    }

    /** Proves the socket still works: a ping gets its pong. */
    static void alive(WsTestClient c) throws InterruptedException {
        String id = "alive-" + System.nanoTime();
        c.sendJson(msg("type", "ping", "id", id));
        c.await(n -> "pong".equals(n.path("type").asText()) && id.equals(n.path("id").asText()), WAIT);
    }

    static String room() {
        return "room-" + java.util.UUID.randomUUID();
    }
}
