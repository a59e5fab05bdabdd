package peers.signaling.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import peers.common.limits.RateLimitConfig;
import peers.signaling.SignalingConfig;
import peers.signaling.compat.PeerJsEndpoint;
import peers.signaling.compat.PeerJsHub;
import peers.signaling.compat.YTopics;
import peers.signaling.compat.YWebrtcEndpoint;
import peers.signaling.hub.Hub;
import peers.signaling.hub.Link;
import peers.signaling.hub.Session;
import peers.signaling.relay.Presence;
import peers.signaling.relay.Relay;
import peers.signaling.ws.ErrorCode;
import peers.signaling.ws.Frames;
import peers.signaling.ws.SignalEndpoint;

/**
 * Coverage-guided fuzzing of the WebSocket messages of every protocol (native /signal, PeerJS, y-webrtc),
 * through the same endpoint objects the server runs (a single replica: the relay is off), with a recording
 * link in place of the socket. An input is a few text frames, one per line, sent by one socket while a second
 * socket of the same protocol is connected; {@code $PEER} in a frame stands for the second socket's identity.
 * Every frame must be handled — an answer the protocol documents, or silence — and nothing else: no exception
 * out of the endpoint, no {@code internal} error, no frame that is not one JSON object, nothing but the
 * documented messages for the other socket, and a PeerJS {@code src} that is always the sender's own id.
 * Plain {@code ./mvnw verify} replays the committed corpus ({@code WsMessageFuzzTestInputs/}); {@code JAZZER_FUZZ=1} fuzzes.
 */
class WsMessageFuzzTest {

    private static final Vertx VERTX = Vertx.vertx();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DOCUMENTED_ERRORS = Arrays.stream(ErrorCode.values()).filter(c -> c != ErrorCode.INTERNAL)
            .map(ErrorCode::code).collect(Collectors.toSet());

    @FuzzTest(maxDuration = "30s")
    void nativeMessages(byte[] input) {
        Fixture f = new Fixture();
        SignalEndpoint endpoint = new SignalEndpoint(f.hub, f.limits, f.config, Clock.systemUTC());
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Session a = endpoint.open(ra, null);
        Session b = endpoint.open(rb, null);
        endpoint.text(b, "{\"type\":\"auth\",\"anonymous\":true}");
        endpoint.text(b, "{\"type\":\"join\",\"room\":\"r\"}");
        String other = b.peer();
        assertNotNull(other, rb.frames.toString());
        try {
            for (String frame : frames(input)) {
                endpoint.text(a, frame.replace("$PEER", other));
            }
            endpoint.binary(a);
        } finally {
            endpoint.closed(a);
            endpoint.closed(b);
        }
        for (JsonNode m : ra.read()) {
            assertTrue(Set.of("challenge", "authenticated", "joined", "left", "pong", "error", "peer-joined", "peer-left")
                    .contains(m.path("type").asText()), m.toString());
            documentedIfError(m);
        }
        for (JsonNode m : rb.read()) {
            assertTrue(Set.of("challenge", "authenticated", "joined", "signal", "peer-joined", "peer-left").contains(m.path("type").asText()),
                    m.toString());
            if ("signal".equals(m.path("type").asText())) {
                assertEquals(a.peer(), m.path("from").asText(), m.toString());
                assertTrue(m.has("payload"), m.toString());
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void peerJsMessages(byte[] input) {
        Fixture f = new Fixture();
        PeerJsEndpoint endpoint = new PeerJsEndpoint(new PeerJsHub(f.relay, VERTX, f.config), f.limits, f.config, Clock.systemUTC());
        List<String> lines = frames(input);
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Session b = endpoint.open(rb, "key=peerjs&id=bob&token=tb");
        assertNotNull(b);
        // the first line is the handshake's query string
        Session a = endpoint.open(ra, lines.isEmpty() ? null : lines.get(0));
        try {
            if (a != null) {
                for (String frame : lines.subList(1, lines.size())) {
                    endpoint.text(a, frame.replace("$PEER", "bob"));
                }
                endpoint.binary(a);
            }
        } finally {
            if (a != null) {
                endpoint.closed(a);
            }
            endpoint.closed(b);
        }
        for (JsonNode m : ra.read()) {
            if (a != null && Set.of("OFFER", "ANSWER", "CANDIDATE", "LEAVE").contains(m.path("type").asText())) {
                // a frame the socket sent to its own id comes back to it, as peerjs-server does (found by CI's fuzzing)
                assertEquals(a.peer(), m.path("src").asText(), m.toString());
                continue;
            }
            assertTrue(Set.of("OPEN", "ERROR", "ID-TAKEN", "EXPIRE").contains(m.path("type").asText()), m.toString());
        }
        if (a == null) {
            assertTrue(ra.closed, "a refused socket is closed");
            return;
        }
        for (JsonNode m : rb.read()) {
            if (m.path("type").asText().equals("OPEN")) {
                continue;
            }
            assertTrue(Set.of("OFFER", "ANSWER", "CANDIDATE", "LEAVE", "EXPIRE").contains(m.path("type").asText()), m.toString());
            // forwarded with the sender's real id, whatever it claimed
            assertEquals(a.peer(), m.path("src").asText(), m.toString());
        }
    }

    @FuzzTest(maxDuration = "30s")
    void yWebrtcMessages(byte[] input) {
        Fixture f = new Fixture();
        YWebrtcEndpoint endpoint = new YWebrtcEndpoint(new YTopics(f.relay, f.presence), f.limits, f.config, Clock.systemUTC());
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        Session a = endpoint.open(ra, null);
        Session b = endpoint.open(rb, null);
        endpoint.text(b, "{\"type\":\"subscribe\",\"topics\":[\"t\"]}");
        try {
            for (String frame : frames(input)) {
                endpoint.text(a, frame);
            }
            endpoint.binary(a);
        } finally {
            endpoint.closed(a);
            endpoint.closed(b);
        }
        for (JsonNode m : ra.read()) {
            assertTrue(Set.of("pong", "publish", "error").contains(m.path("type").asText()), m.toString());
            documentedIfError(m);
        }
        for (JsonNode m : rb.read()) {
            assertEquals("publish", m.path("type").asText(), m.toString());
            assertTrue(m.path("clients").isInt(), m.toString());
        }
    }

    /** The frame reader: exactly one JSON object or null; a kept payload is its raw text, valid JSON again. */
    @FuzzTest(maxDuration = "20s")
    void frameReader(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ObjectNode m = Frames.parseObject(text);
        if (m == null) {
            return;
        }
        for (String field : List.of("payload", "data")) {
            if (m.has(field)) {
                String raw = Frames.rawPayload(m.get(field));
                ObjectNode again = Frames.parseObject(Frames.signal("k", raw));
                assertNotNull(again, raw);
                assertEquals(raw, Frames.rawPayload(again.get("payload")));
            }
        }
        assertNotNull(Frames.text(m));
    }

    private static void documentedIfError(JsonNode m) {
        if ("error".equals(m.path("type").asText())) {
            assertTrue(DOCUMENTED_ERRORS.contains(m.path("code").asText()), m.toString());
            assertTrue(m.path("message").isTextual(), m.toString());
        }
    }

    /** The input's lines, as text frames (at most 64: a few frames reach every state). */
    static List<String> frames(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(Arrays.asList(text.split("\n", 65)));
        if (out.size() > 64) {
            out.remove(64);
        }
        return out;
    }

    /** What a socket would have received. */
    static final class Recorder implements Link {
        final List<String> frames = new ArrayList<>();
        boolean closed;

        @Override
        public void send(String text) {
            frames.add(text);
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(int code, String reason) {
            assertTrue(code >= 1000 && code < 5000, "close code " + code);
            closed = true;
        }

        /**
         * The frames as JSON. Each is one object whose top-level members are unique (the server's own reader,
         * which refuses repeats, reads it back); a relayed payload is opaque, repeats in it are the sender's.
         */
        List<JsonNode> read() {
            List<JsonNode> out = new ArrayList<>();
            for (String f : frames) {
                assertNotNull(Frames.parseObject(f), "the server sent a frame that is not one JSON object with unique members: " + f);
                try {
                    JsonNode n = JSON.readTree(f);
                    assertTrue(n.isObject() && n.path("type").isTextual(), f);
                    out.add(n);
                } catch (java.io.IOException e) {
                    throw new AssertionError("the server sent a frame that is not JSON: " + f, e);
                }
            }
            return out;
        }
    }

    /** One replica's objects, as the server wires them, with the relay off (no other replica). */
    static final class Fixture {
        final SignalingConfig config = new TestConfig();
        final RateLimitConfig limits = () -> Map.of(Hub.CONNECTION_LIMIT, limit(50), Hub.KEY_LIMIT, limit(80));
        final Relay relay = new Relay(config, Optional.empty(), Map.of(), null);
        final Presence presence = new Presence(relay);
        final Hub hub = new Hub(config, relay, VERTX, presence, limits);

        private static RateLimitConfig.Limit limit(int capacity) {
            return new RateLimitConfig.Limit() {
                public int capacity() {
                    return capacity;
                }

                public Duration refillPeriod() {
                    return Duration.ofMinutes(1);
                }
            };
        }
    }

    /** The service's defaults, with small bounds so that a few frames reach them. */
    static final class TestConfig implements SignalingConfig {
        public boolean anonymousEnabled() {
            return true;
        }

        public int maxPayloadBytes() {
            return 2048;
        }

        public int maxRoomsPerConnection() {
            return 3;
        }

        public int maxMembersPerRoom() {
            return 3;
        }

        public int maxRoomIdLength() {
            return 128;
        }

        public int maxConnectionsPerKey() {
            return 2;
        }

        public Duration idleTimeout() {
            return Duration.ofSeconds(60);
        }

        public Duration authTimeout() {
            return Duration.ofSeconds(10);
        }

        public Relay relay() {
            return new Relay() {
                public boolean enabled() {
                    return false;
                }

                public String topic() {
                    return "peers.signal.relay";
                }

                public int partitions() {
                    return 1;
                }

                public Duration ackTimeout() {
                    return Duration.ofSeconds(2);
                }
            };
        }

        public Ice ice() {
            return new Ice() {
                public Optional<List<String>> stunUrls() {
                    return Optional.empty();
                }

                public Optional<List<String>> turnUrls() {
                    return Optional.empty();
                }

                public Optional<String> turnSecret() {
                    return Optional.empty();
                }

                public Duration ttl() {
                    return Duration.ofHours(1);
                }
            };
        }

        public PeerJs peerjs() {
            return () -> "peerjs";
        }
    }
}
