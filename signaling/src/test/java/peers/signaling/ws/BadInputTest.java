package peers.signaling.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static peers.signaling.ws.Sockets.WAIT;
import static peers.signaling.ws.Sockets.alive;
import static peers.signaling.ws.Sockets.authed;
import static peers.signaling.ws.Sockets.error;
import static peers.signaling.ws.Sockets.msg;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketFrame;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import peers.common.identity.Base64Url;
import peers.common.ws.WsAuth;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;
import peers.testing.ws.WsTestClient;

/**
 * Every kind of bad input gets a typed error, leaves the socket usable and does not touch other sockets.
 * The test profile lowers the bounds: 4 rooms per connection, 3 members per room, 4096-byte payloads,
 * 40 messages per connection per 10 s, 6 s idle and auth timeouts.
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class BadInputTest {

    @TestHTTPResource(SignalEndpoint.PATH)
    URI http;

    URI ws() {
        return Sockets.ws(http);
    }

    @Inject
    Vertx vertx;

    /**
     * One WebSocket frame above 64 KiB (Vert.x's default frame bound, which closed the socket before the protocol
     * could answer). Sent as a single frame by Vert.x's client: the JDK's client fragments long messages.
     */
    @Test
    void aSingleFrameAboveSixtyFourKibIsAnsweredNotDropped() throws Exception {
        URI u = ws();
        CompletableFuture<String> answer = new CompletableFuture<>();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(2_000_000).setMaxMessageSize(2_000_000));
        try {
            io.vertx.core.http.WebSocket socket = client.connect(u.getPort(), u.getHost(), u.getRawPath()).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            socket.textMessageHandler(t -> {
                if (t.contains("frame-too-large")) {
                    answer.complete(t);
                }
            });
            socket.closeHandler(v -> answer.completeExceptionally(new AssertionError("socket closed with " + socket.closeStatusCode())));
            socket.writeFrame(WebSocketFrame.textFrame("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}", true));
            assertTrue(answer.get(10, TimeUnit.SECONDS).contains("max-frame-bytes"));
            socket.close();
        } finally {
            client.close();
        }
    }

    @Test
    void nonJsonFramesAreTypedErrorsAndTheSocketLivesOn() throws Exception {
        try (WsTestClient a = authed(ws(), TestPeer.create())) {
            for (String bad : List.of("not json", "{\"type\":", "[1,2]", "42", "{\"no\":\"type\"}", "{\"type\":7}", "")) {
                a.send(bad);
                error(a, "not-json");
            }
            alive(a);
        }
    }

    @Test
    void unknownTypesAreNamed() throws Exception {
        try (WsTestClient a = authed(ws(), TestPeer.create())) {
            a.sendJson(msg("type", "teleport", "id", "t1"));
            JsonNode e = error(a, "unknown-type");
            assertEquals("teleport", e.path("messageType").asText());
            assertEquals("t1", e.path("id").asText());
            alive(a);
        }
    }

    @Test
    void oversizeFramesAndPayloadsAreRefused() throws Exception {
        TestPeer bob = TestPeer.create();
        try (WsTestClient a = authed(ws(), TestPeer.create()); WsTestClient b = authed(ws(), bob)) {
            a.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(4096 + 1024) + "\"}");
            JsonNode e = error(a, "frame-too-large");
            assertEquals("max-frame-bytes", e.path("limit").asText());
            a.sendJson(msg("type", "signal", "to", bob.id(), "payload", "y".repeat(4096)));
            e = error(a, "payload-too-large");
            assertEquals(4096, e.path("max").asInt());
            // Exactly at the bound is fine: a 4094-character string is 4096 bytes of JSON.
            a.sendJson(msg("type", "signal", "to", bob.id(), "payload", "y".repeat(4094)));
            assertEquals(4094, b.awaitType("signal", WAIT).path("payload").asText().length());
            alive(a);
        }
    }

    @Test
    void binaryFramesAreRefused() throws Exception {
        List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Void> error = new CompletableFuture<>();
        WebSocket s = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws(), new WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                got.add(data.toString());
                if (data.toString().contains("binary-unsupported")) {
                    error.complete(null);
                }
                w.request(1);
                return null;
            }
        }).join();
        s.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        error.get(5, java.util.concurrent.TimeUnit.SECONDS);
        s.abort();
    }

    @Test
    void nothingButAuthAndPingBeforeAuthentication() throws Exception {
        try (WsTestClient a = WsTestClient.connect(ws())) {
            a.awaitType("challenge", WAIT);
            a.sendJson(msg("type", "join", "room", "r"));
            error(a, "not-authenticated");
            a.sendJson(msg("type", "signal", "to", TestPeer.create().id(), "payload", 1));
            error(a, "not-authenticated");
            alive(a);
        }
    }

    @Test
    void badSignaturesAndKeysAreRefused() throws Exception {
        TestPeer alice = TestPeer.create();
        TestPeer mallory = TestPeer.create();
        try (WsTestClient a = WsTestClient.connect(ws())) {
            String challenge = a.awaitType("challenge", WAIT).path("challenge").asText();
            // mallory signs, claiming alice's key
            String sig = Base64Url.encode(mallory.sign(WsAuth.message(SignalEndpoint.PATH, challenge)));
            a.sendJson(msg("type", "auth", "key", alice.id(), "signature", sig));
            error(a, "signature-invalid");
            // a signature over another challenge
            a.sendJson(msg("type", "auth", "key", alice.id(), "signature",
                    Base64Url.encode(alice.sign(WsAuth.message(SignalEndpoint.PATH, "other")))));
            error(a, "signature-invalid");
            a.sendJson(msg("type", "auth", "key", "not-a-key", "signature", sig));
            error(a, "signature-invalid");
            a.sendJson(msg("type", "auth", "signature", sig));
            assertEquals("key", error(a, "invalid-field").path("field").asText());
            a.sendJson(msg("type", "auth", "anonymous", true));
            error(a, "anonymous-disabled");
            // still usable: the right answer now succeeds, and a second auth is refused
            a.sendJson(msg("type", "auth", "key", alice.id(), "signature",
                    Base64Url.encode(alice.sign(WsAuth.message(SignalEndpoint.PATH, challenge)))));
            assertEquals(alice.id(), a.awaitType("authenticated", WAIT).path("key").asText());
            a.sendJson(msg("type", "auth", "key", alice.id(), "signature", sig));
            error(a, "already-authenticated");
        }
    }

    @Test
    void badFieldsAreNamed() throws Exception {
        try (WsTestClient a = authed(ws(), TestPeer.create())) {
            a.sendJson(msg("type", "join"));
            assertEquals("room", error(a, "invalid-field").path("field").asText());
            a.sendJson(msg("type", "join", "room", "has space"));
            assertEquals("room", error(a, "invalid-field").path("field").asText());
            a.sendJson(msg("type", "join", "room", "r".repeat(129)));
            assertEquals("room", error(a, "invalid-field").path("field").asText());
            a.sendJson(msg("type", "signal", "to", "bob", "payload", 1));
            assertEquals("to", error(a, "invalid-field").path("field").asText());
            a.sendJson(msg("type", "signal", "to", TestPeer.create().id()));
            assertEquals("payload", error(a, "invalid-field").path("field").asText());
            a.sendJson(msg("type", "leave", "room", "never-joined"));
            error(a, "not-in-room");
            alive(a);
        }
    }

    @Test
    void roomsPerConnectionAndMembersPerRoomAreBounded() throws Exception {
        try (WsTestClient a = authed(ws(), TestPeer.create())) {
            for (int i = 0; i < 4; i++) {
                a.sendJson(msg("type", "join", "room", Sockets.room()));
                a.awaitType("joined", WAIT);
            }
            a.sendJson(msg("type", "join", "room", Sockets.room()));
            JsonNode e = error(a, "too-many-rooms");
            assertEquals("max-rooms-per-connection", e.path("limit").asText());
            assertEquals(4, e.path("max").asInt());
        }
        String room = Sockets.room();
        List<WsTestClient> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsTestClient m = authed(ws(), TestPeer.create());
                members.add(m);
                m.sendJson(msg("type", "join", "room", room));
                m.awaitType("joined", WAIT);
            }
            WsTestClient late = authed(ws(), TestPeer.create());
            members.add(late);
            late.sendJson(msg("type", "join", "room", room));
            assertEquals("max-members-per-room", error(late, "room-full").path("limit").asText());
            // a member leaving makes room
            members.get(0).close();
            members.get(1).awaitType("peer-left", WAIT);
            late.sendJson(msg("type", "join", "room", room));
            assertEquals(2, late.awaitType("joined", WAIT).path("members").size());
        } finally {
            members.forEach(WsTestClient::close);
        }
    }

    @Test
    void aFloodIsRateLimitedWithoutTouchingOtherSockets() throws Exception {
        TestPeer bob = TestPeer.create();
        try (WsTestClient flood = authed(ws(), TestPeer.create()); WsTestClient calm = authed(ws(), bob)) {
            for (int i = 0; i < 80; i++) {
                flood.sendJson(msg("type", "ping"));
            }
            JsonNode e = error(flood, "rate-limited");
            assertEquals("signal.connection", e.path("limit").asText());
            alive(calm);
            // the flooder is not disconnected, only throttled
            assertTrue(!flood.closed().isDone());
        }
    }

    @Test
    void aKeyIsRateLimitedAcrossItsConnections() throws Exception {
        TestPeer alice = TestPeer.create();
        try (WsTestClient a1 = authed(ws(), alice); WsTestClient a2 = authed(ws(), alice); WsTestClient a3 = authed(ws(), alice)) {
            // 3 × 38 messages: each socket stays under its own 40, together they pass the key's 80
            for (int i = 0; i < 38; i++) {
                for (WsTestClient c : new WsTestClient[] {a1, a2, a3}) {
                    c.sendJson(msg("type", "ping"));
                }
            }
            List<JsonNode> errors = new ArrayList<>();
            for (WsTestClient c : new WsTestClient[] {a1, a2, a3}) {
                try {
                    errors.add(c.await(n -> "error".equals(n.path("type").asText()), Duration.ofSeconds(2)));
                } catch (AssertionError none) {
                    // this socket's messages all fitted
                }
            }
            assertTrue(!errors.isEmpty(), "no socket of the key was limited");
            for (JsonNode e : errors) {
                assertEquals("rate-limited", e.path("code").asText());
                assertEquals("signal.key", e.path("limit").asText());
            }
        }
    }

    @Test
    void reconnectingDoesNotResetTheKeyLimit() throws Exception {
        TestPeer alice = TestPeer.create();
        WsTestClient[] sockets = {authed(ws(), alice), authed(ws(), alice), authed(ws(), alice)};
        // 3 × 38 messages empty the key's bucket of 80 (the server reads them before the closes that follow)
        for (int i = 0; i < 38; i++) {
            for (WsTestClient c : sockets) {
                c.sendJson(msg("type", "ping"));
            }
        }
        for (WsTestClient c : sockets) {
            c.close();
        }
        Thread.sleep(500); // the server forgets the key's sockets a moment after they close
        // every socket of the key closed; a new one shares the old bucket, not a full one (8 tokens per second come back)
        try (WsTestClient again = authedOnceClosed(alice)) {
            for (int i = 0; i < 39; i++) {
                again.sendJson(msg("type", "ping"));
            }
            JsonNode e = error(again, "rate-limited");
            assertEquals("signal.key", e.path("limit").asText());
        }
    }

    /** A socket of {@code peer} once the server has seen its earlier sockets close (until then: too-many-connections). */
    private WsTestClient authedOnceClosed(TestPeer peer) throws Exception {
        for (int attempt = 0;; attempt++) {
            WsTestClient c = WsTestClient.connect(ws());
            JsonNode reply = c.authenticate(peer, SignalEndpoint.PATH, WAIT);
            if ("authenticated".equals(reply.path("type").asText())) {
                return c;
            }
            c.close();
            assertTrue(attempt < 20, "the earlier sockets never closed: " + reply);
            Thread.sleep(100);
        }
    }

    @Test
    void aKeyHoldsABoundedNumberOfConnections() throws Exception {
        TestPeer alice = TestPeer.create();
        List<WsTestClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(authed(ws(), alice));
            }
            WsTestClient fourth = WsTestClient.connect(ws());
            open.add(fourth);
            JsonNode e = fourth.authenticate(alice, SignalEndpoint.PATH, WAIT);
            assertEquals("too-many-connections", e.path("code").asText(), e.toString());
            assertEquals(3, e.path("max").asInt());
            alive(open.get(0));
        } finally {
            open.forEach(WsTestClient::close);
        }
    }

    @Test
    void silentAndUnauthenticatedSocketsAreClosed() throws Exception {
        try (WsTestClient idle = authed(ws(), TestPeer.create()); WsTestClient anon = WsTestClient.connect(ws())) {
            anon.awaitType("challenge", WAIT);
            assertEquals("auth-timeout", anon.awaitType("error", Sockets.TIMEOUTS).path("code").asText());
            assertEquals("idle-timeout", idle.awaitType("error", Sockets.TIMEOUTS).path("code").asText());
            assertEquals(1008, idle.closed().get(5, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(1008, anon.closed().get(5, java.util.concurrent.TimeUnit.SECONDS));
        }
    }
}
