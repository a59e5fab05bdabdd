package peers.registry.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.common.problems.ProblemException;
import peers.common.ws.WsAuth;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;
import peers.testing.ws.WsTestClient;

/**
 * The common WebSocket challenge authentication, end to end over a real socket with the testing
 * library's client (a test-only endpoint: key-registry itself has no sockets).
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class WsAuthEndpointTest {

    static final String PATH = "/test/ws-auth";
    static final ObjectMapper JSON = new ObjectMapper();

    @WebSocket(path = PATH)
    public static class Endpoint {
        @OnOpen
        public Map<String, String> open(WebSocketConnection c) {
            String challenge = WsAuth.newChallenge();
            c.userData().put(io.quarkus.websockets.next.UserData.TypedKey.forString("challenge"), challenge);
            return Map.of("type", WsAuth.CHALLENGE, "challenge", challenge);
        }

        @OnTextMessage
        public Map<String, String> message(String text, WebSocketConnection c) throws Exception {
            JsonNode m = JSON.readTree(text);
            String challenge = c.userData().get(io.quarkus.websockets.next.UserData.TypedKey.forString("challenge"));
            try {
                return Map.of("type", WsAuth.AUTHENTICATED, "key",
                        WsAuth.verify(PATH, challenge, m.path("key").asText(), m.path("signature").asText()).toString());
            } catch (ProblemException e) {
                return Map.of("type", "error", "code", e.type().name(), "message", e.detail());
            }
        }
    }

    @TestHTTPResource(PATH)
    URI uri;

    URI ws() {
        return URI.create(uri.toString().replaceFirst("^http", "ws"));
    }

    @Test
    void aPeerProvesItsKeyInBand() throws Exception {
        TestPeer alice = TestPeer.create();
        try (WsTestClient c = WsTestClient.connect(ws())) {
            JsonNode reply = c.authenticate(alice, PATH, Duration.ofSeconds(5));
            assertEquals(WsAuth.AUTHENTICATED, reply.path("type").asText());
            assertEquals(alice.id(), reply.path("key").asText());
        }
    }

    @Test
    void anAnswerForAnotherEndpointIsRefused() throws Exception {
        TestPeer alice = TestPeer.create();
        try (WsTestClient c = WsTestClient.connect(ws())) {
            JsonNode reply = c.authenticate(alice, "/signal/v1/ws", Duration.ofSeconds(5));
            assertEquals("error", reply.path("type").asText());
            assertEquals("signature-invalid", reply.path("code").asText());
        }
    }
}
