package peers.signaling.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.peers.TestPeer;
import peers.testing.process.ServiceProcess;
import peers.testing.ws.WsTestClient;

/**
 * Two replicas of the packaged service sharing one Kafka: peers on different replicas meet in a room and
 * signal each other as if on one; stopping one replica leaves the other's peers undisturbed.
 */
class ReplicasIT {

    static final String PATH = "/signal/v1/ws";
    static final Duration WAIT = Duration.ofSeconds(10);

    ServiceProcess a;
    ServiceProcess b;

    @AfterEach
    void stop() throws InterruptedException {
        for (ServiceProcess s : new ServiceProcess[] {a, b}) {
            if (s != null) {
                s.kill();
            }
        }
    }

    static WsTestClient on(ServiceProcess s, TestPeer peer) throws InterruptedException {
        WsTestClient c = WsTestClient.connect(URI.create("ws://127.0.0.1:" + s.httpPort() + PATH));
        JsonNode reply = c.authenticate(peer, PATH, WAIT);
        assertEquals("authenticated", reply.path("type").asText(), reply.toString());
        return c;
    }

    static Map<String, Object> msg(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    interface Step {
        void run() throws Exception;
    }

    /**
     * Repeats {@code step} until {@code c} receives a frame of {@code type}: for what replicas learn of each other
     * asynchronously (one relay hop). Fails after {@link #WAIT}.
     */
    static JsonNode eventually(Step step, WsTestClient c, String type) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        AssertionError last = null;
        while (System.nanoTime() < deadline) {
            step.run();
            try {
                return c.awaitType(type, Duration.ofMillis(300));
            } catch (AssertionError e) {
                last = e;
            }
        }
        throw last;
    }

    @Test
    void peersOnDifferentReplicasMeetAndSignal() throws Exception {
        Map<String, String> config = new LinkedHashMap<>(PeersInfra.get().quarkusConfig());
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        a = new ServiceProcess(jar, config).start(Duration.ofSeconds(60));
        b = new ServiceProcess(jar, config).start(Duration.ofSeconds(60));
        TestPeer alice = TestPeer.create();
        TestPeer bob = TestPeer.create();
        TestPeer carol = TestPeer.create();
        String room = "room-" + java.util.UUID.randomUUID();
        try (WsTestClient onA = on(a, alice); WsTestClient onB = on(b, bob); WsTestClient carolOnA = on(a, carol)) {
            onA.sendJson(msg("type", "join", "room", room));
            onA.awaitType("joined", WAIT);
            onB.sendJson(msg("type", "join", "room", room));
            onB.awaitType("joined", WAIT);
            // each learns of the other across replicas
            assertEquals(bob.id(), onA.awaitType("peer-joined", WAIT).path("peer").asText());
            assertEquals(alice.id(), onB.awaitType("peer-joined", WAIT).path("peer").asText());

            onB.sendJson(msg("type", "signal", "to", alice.id(), "payload", Map.of("sdp", "offer from b")));
            JsonNode s = onA.awaitType("signal", WAIT);
            assertEquals(bob.id(), s.path("from").asText());
            assertEquals("offer from b", s.path("payload").path("sdp").asText());
            onA.sendJson(msg("type", "signal", "to", bob.id(), "payload", "answer from a", "id", "x"));
            assertEquals("answer from a", onB.awaitType("signal", WAIT).path("payload").asText());

            // a key connected nowhere: no replica confirms, the sender hears so
            onA.sendJson(msg("type", "signal", "to", TestPeer.create().id(), "payload", 1, "id", "lost"));
            JsonNode e = onA.awaitType("error", WAIT);
            assertEquals("peer-not-connected", e.path("code").asText());
            assertEquals("lost", e.path("id").asText());

            // y-webrtc topics span replicas too
            String topic = "y-" + java.util.UUID.randomUUID();
            try (WsTestClient yA = WsTestClient.connect(URI.create("ws://127.0.0.1:" + a.httpPort() + "/signal/v1/y-webrtc"));
                    WsTestClient yB = WsTestClient.connect(URI.create("ws://127.0.0.1:" + b.httpPort() + "/signal/v1/y-webrtc"))) {
                yA.send("{\"type\":\"subscribe\",\"topics\":[\"" + topic + "\"]}");
                yA.send("{\"type\":\"ping\"}");
                yA.awaitType("pong", WAIT);
                yB.send("{\"type\":\"subscribe\",\"topics\":[\"" + topic + "\"]}");
                // b has a subscriber of its own, so it relays only once it heard of a's (one relay hop after a subscribed)
                JsonNode got = eventually(() -> yB.send("{\"type\":\"publish\",\"topic\":\"" + topic + "\",\"data\":\"from b\"}"),
                        yA, "publish");
                assertEquals("from b", got.path("data").asText());
            }

            // PeerJS ids span replicas too
            String pa = "pa-" + System.nanoTime();
            String pb = "pb-" + System.nanoTime();
            try (WsTestClient jA = WsTestClient.connect(URI.create("ws://127.0.0.1:" + a.httpPort() + "/signal/v1/peerjs/peerjs?key=peerjs&id=" + pa + "&token=t"));
                    WsTestClient jB = WsTestClient.connect(URI.create("ws://127.0.0.1:" + b.httpPort() + "/signal/v1/peerjs/peerjs?key=peerjs&id=" + pb + "&token=t"))) {
                jA.awaitType("OPEN", WAIT);
                jB.awaitType("OPEN", WAIT);
                jB.send("{\"type\":\"OFFER\",\"payload\":{\"n\":7},\"dst\":\"" + pa + "\"}");
                JsonNode offer = jA.awaitType("OFFER", WAIT);
                assertEquals(pb, offer.path("src").asText());
                assertEquals(7, offer.path("payload").path("n").asInt());
            }

            // a key connected to both replicas: a signal handed to replica a reaches its sockets on a and on b
            // (a also delivers locally, so it relays once b's announcement of alice reached it)
            try (WsTestClient aliceOnB = on(b, alice)) {
                int[] n = {0};
                JsonNode both = eventually(() -> carolOnA.sendJson(msg("type", "signal", "to", alice.id(), "payload", "to both " + n[0]++)),
                        aliceOnB, "signal");
                assertEquals(carol.id(), both.path("from").asText());
                onA.await(f -> both.path("payload").equals(f.path("payload")), WAIT);
            }
            // once alice left b, a keeps delivering locally
            carolOnA.sendJson(msg("type", "signal", "to", alice.id(), "payload", "only a"));
            onA.await(f -> "only a".equals(f.path("payload").asText()), WAIT);

            // replica b goes away gracefully: its member leaves, a's peers carry on
            b.stop();
            b = null;
            assertEquals(bob.id(), onA.awaitType("peer-left", WAIT).path("peer").asText());
            carolOnA.sendJson(msg("type", "join", "room", room));
            assertEquals(alice.id(), carolOnA.awaitType("joined", WAIT).path("members").get(0).asText());
            carolOnA.sendJson(msg("type", "signal", "to", alice.id(), "payload", "still here"));
            assertEquals("still here", onA.awaitType("signal", WAIT).path("payload").asText());
        }
    }
}
