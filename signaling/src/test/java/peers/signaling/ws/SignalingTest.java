package peers.signaling.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static peers.signaling.ws.Sockets.WAIT;
import static peers.signaling.ws.Sockets.authed;
import static peers.signaling.ws.Sockets.error;
import static peers.signaling.ws.Sockets.msg;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;
import peers.testing.ws.WsTestClient;

/** The native protocol's happy paths over real sockets: key authentication, rooms and direct signals. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class SignalingTest {

    @TestHTTPResource(SignalEndpoint.PATH)
    URI http;

    URI ws() {
        return Sockets.ws(http);
    }

    @Test
    void peersMeetInARoomAndSignalEachOther() throws Exception {
        TestPeer alice = TestPeer.create();
        TestPeer bob = TestPeer.create();
        String room = Sockets.room();
        try (WsTestClient a = authed(ws(), alice); WsTestClient b = authed(ws(), bob)) {
            a.sendJson(msg("type", "join", "room", room, "id", "j1"));
            JsonNode joined = a.awaitType("joined", WAIT);
            assertEquals(room, joined.path("room").asText());
            assertEquals(0, joined.path("members").size());
            assertEquals("j1", joined.path("id").asText());

            b.sendJson(msg("type", "join", "room", room));
            JsonNode bJoined = b.awaitType("joined", WAIT);
            assertEquals(alice.id(), bJoined.path("members").get(0).asText());
            JsonNode pj = a.awaitType("peer-joined", WAIT);
            assertEquals(bob.id(), pj.path("peer").asText());
            assertEquals(room, pj.path("room").asText());

            Map<String, Object> offer = Map.of("sdp", "v=0 offer", "kind", "offer");
            b.sendJson(msg("type", "signal", "to", alice.id(), "payload", offer));
            JsonNode sig = a.awaitType("signal", WAIT);
            assertEquals(bob.id(), sig.path("from").asText());
            assertEquals("v=0 offer", sig.path("payload").path("sdp").asText());

            a.sendJson(msg("type", "signal", "to", bob.id(), "payload", "answer"));
            assertEquals("answer", b.awaitType("signal", WAIT).path("payload").asText());

            b.sendJson(msg("type", "leave", "room", room, "id", "l1"));
            assertEquals("l1", b.awaitType("left", WAIT).path("id").asText());
            JsonNode pl = a.awaitType("peer-left", WAIT);
            assertEquals(bob.id(), pl.path("peer").asText());
        }
    }

    @Test
    void aSignalReachesEveryConnectionOfTheKey() throws Exception {
        TestPeer alice = TestPeer.create();
        TestPeer bob = TestPeer.create();
        try (WsTestClient phone = authed(ws(), alice); WsTestClient laptop = authed(ws(), alice); WsTestClient b = authed(ws(), bob)) {
            b.sendJson(msg("type", "signal", "to", alice.id(), "payload", Map.of("n", 1)));
            assertEquals(1, phone.awaitType("signal", WAIT).path("payload").path("n").asInt());
            assertEquals(1, laptop.awaitType("signal", WAIT).path("payload").path("n").asInt());
        }
    }

    @Test
    void aKeyIsOneMemberHoweverManySocketsItJoinsWith() throws Exception {
        TestPeer alice = TestPeer.create();
        TestPeer bob = TestPeer.create();
        String room = Sockets.room();
        try (WsTestClient phone = authed(ws(), alice); WsTestClient laptop = authed(ws(), alice); WsTestClient b = authed(ws(), bob)) {
            phone.sendJson(msg("type", "join", "room", room));
            phone.awaitType("joined", WAIT);
            b.sendJson(msg("type", "join", "room", room));
            b.awaitType("joined", WAIT);
            laptop.sendJson(msg("type", "join", "room", room));
            assertEquals(bob.id(), laptop.awaitType("joined", WAIT).path("members").get(0).asText());
            phone.sendJson(msg("type", "leave", "room", room));
            phone.awaitType("left", WAIT);
            laptop.sendJson(msg("type", "leave", "room", room));
            laptop.awaitType("left", WAIT);
            // bob (who found alice in "joined") sees alice leave once, when her last socket leaves, and nothing else
            java.util.List<String> events = new java.util.ArrayList<>();
            b.await(n -> {
                if (n.path("type").asText().startsWith("peer-")) {
                    events.add(n.path("type").asText() + " " + n.path("peer").asText());
                }
                return "peer-left".equals(n.path("type").asText());
            }, WAIT);
            b.sendJson(msg("type", "ping", "id", "end"));
            b.await(n -> {
                if (n.path("type").asText().startsWith("peer-")) {
                    events.add(n.path("type").asText() + " " + n.path("peer").asText());
                }
                return "pong".equals(n.path("type").asText());
            }, WAIT);
            assertEquals(java.util.List.of("peer-left " + alice.id()), events);
        }
    }

    @Test
    void closingASocketLeavesItsRooms() throws Exception {
        TestPeer alice = TestPeer.create();
        TestPeer bob = TestPeer.create();
        String room = Sockets.room();
        try (WsTestClient a = authed(ws(), alice)) {
            a.sendJson(msg("type", "join", "room", room));
            a.awaitType("joined", WAIT);
            WsTestClient b = authed(ws(), bob);
            b.sendJson(msg("type", "join", "room", room));
            b.awaitType("joined", WAIT);
            a.awaitType("peer-joined", WAIT);
            b.close();
            assertEquals(bob.id(), a.awaitType("peer-left", WAIT).path("peer").asText());
        }
    }

    @Test
    void aSignalToAKeyConnectedNowhereComesBackAsAnError() throws Exception {
        TestPeer alice = TestPeer.create();
        try (WsTestClient a = authed(ws(), alice)) {
            String nobody = TestPeer.create().id();
            a.sendJson(msg("type", "signal", "to", nobody, "payload", "hello", "id", "s1"));
            JsonNode e = error(a, "peer-not-connected");
            assertEquals("s1", e.path("id").asText());
            assertEquals(nobody, e.path("to").asText());
        }
    }

    @Test
    void pingIsAnsweredAndKeepsTheSocketOpen() throws Exception {
        try (WsTestClient a = WsTestClient.connect(ws())) {
            JsonNode challenge = a.awaitType("challenge", WAIT);
            assertTrue(challenge.path("challenge").asText().length() >= 43);
            assertEquals(false, challenge.path("anonymous").asBoolean(true));
            Sockets.alive(a);
        }
    }
}
