package peers.signaling.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static peers.signaling.ws.Sockets.WAIT;
import static peers.signaling.ws.Sockets.msg;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.ws.WsTestClient;

/** With peers.signaling.anonymous-enabled=true a socket may take a random session id instead of proving a key. */
@QuarkusTest
@TestProfile(AnonymousModeTest.Enabled.class)
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class AnonymousModeTest {

    public static class Enabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("peers.signaling.anonymous-enabled", "true");
        }
    }

    @TestHTTPResource(SignalEndpoint.PATH)
    URI http;

    WsTestClient anonymous() throws InterruptedException {
        WsTestClient c = WsTestClient.connect(Sockets.ws(http));
        assertTrue(c.awaitType("challenge", WAIT).path("anonymous").asBoolean());
        c.sendJson(msg("type", "auth", "anonymous", true));
        JsonNode ok = c.awaitType("authenticated", WAIT);
        assertTrue(ok.path("anonymous").asBoolean());
        assertTrue(ok.path("key").asText().matches("anon-[A-Za-z0-9_-]{22}"), ok.toString());
        return c;
    }

    @Test
    void anonymousPeersMeetInARoomAndSignalBySessionId() throws Exception {
        String room = Sockets.room();
        try (WsTestClient a = anonymous(); WsTestClient b = anonymous()) {
            a.sendJson(msg("type", "join", "room", room));
            a.awaitType("joined", WAIT);
            b.sendJson(msg("type", "join", "room", room));
            String aId = b.awaitType("joined", WAIT).path("members").get(0).asText();
            String bId = a.awaitType("peer-joined", WAIT).path("peer").asText();
            b.sendJson(msg("type", "signal", "to", aId, "payload", "hi"));
            JsonNode s = a.awaitType("signal", WAIT);
            assertEquals(bId, s.path("from").asText());
            assertEquals("hi", s.path("payload").asText());
        }
    }
}
