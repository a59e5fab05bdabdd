package peers.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import peers.testing.peers.TestPeer;
import peers.testing.ws.WsTestClient;

/**
 * Two signaling replicas sharing one Kafka; one is killed (SIGKILL) while peers on both signal each other.
 *
 * <p>Proves: the sockets of the killed replica's peers end, those peers reconnect to the surviving replica (a
 * fresh challenge, authentication and join) and signal with everyone again, across what is now one
 * replica; the peers on the surviving replica are unaffected: their sockets stay open and a steady stream of
 * signals between them, running across the kill, arrives complete, in order and without an error.
 */
class SignalingReplicaIT {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String ENDPOINT = "/signal/v1/ws";

    @Test
    void peersOfAKilledReplicaReconnectToTheOtherAndItsPeersAreUnaffected() throws Exception {
        Stack stack = Stack.get();
        String replicaA = "signaling-killed";
        stack.start(replicaA, Stack.SIGNALING);
        String a = stack.url(replicaA);
        String b = stack.url(Stack.SIGNALING);
        String room = "room-" + Workload.uniqueHandle();
        TestPeer a1 = TestPeer.create();
        TestPeer a2 = TestPeer.create();
        TestPeer b1 = TestPeer.create();
        TestPeer b2 = TestPeer.create();
        List<WsTestClient> sockets = new ArrayList<>();
        try {
            WsTestClient sa1 = join(a, a1, room, sockets);
            WsTestClient sa2 = join(a, a2, room, sockets);
            WsTestClient sb1 = join(b, b1, room, sockets);
            WsTestClient sb2 = join(b, b2, room, sockets);
            // across replicas, both ways
            signal(sa1, b1, "a1->b1");
            expect(sb1, a1, "a1->b1");
            signal(sb2, a2, "b2->a2");
            expect(sa2, b2, "b2->a2");

            // a steady stream b1 -> b2 on the surviving replica, across the kill
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            Thread stream = new Thread(() -> {
                while (run.get()) {
                    sb1.sendJson(Map.of("type", "signal", "to", b2.id(), "payload", Map.of("n", sent.getAndIncrement())));
                    KafkaOutageIT.pause(100); // 10 a second: well within the per-socket limit (200 per 10 s)
                }
            }, "signal-stream");
            stream.start();
            Thread.sleep(1_000);
            stack.kill(replicaA);
            sa1.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            sa2.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            // the killed replica's peers reconnect to the other one
            WsTestClient ra1 = join(b, a1, room, sockets);
            WsTestClient ra2 = join(b, a2, room, sockets);
            signal(sb2, a1, "b2->a1 after");
            expect(ra1, b2, "b2->a1 after");
            signal(ra1, a2, "a1->a2 after");
            expect(ra2, a1, "a1->a2 after");
            signal(ra2, b1, "a2->b1 after");
            expect(sb1, a2, "a2->b1 after");
            Thread.sleep(1_000);
            run.set(false);
            stream.join();

            int n = sent.get();
            TreeSet<Integer> got = new TreeSet<>();
            int last = -1;
            boolean ordered = true;
            while (got.size() < n) {
                JsonNode f = sb2.await(x -> "signal".equals(x.path("type").asText()) || "error".equals(x.path("type").asText()), WAIT);
                assertEquals("signal", f.path("type").asText(), () -> "the stream on the surviving replica: " + f);
                int v = f.path("payload").path("n").asInt();
                ordered &= v > last;
                last = v;
                got.add(v);
            }
            assertEquals(n, got.size(), "every signal of the stream arrived");
            assertEquals(n - 1, got.last());
            org.junit.jupiter.api.Assertions.assertTrue(ordered, "in order");
            assertFalse(sb1.closed().isDone(), "b1's socket stayed open");
            assertFalse(sb2.closed().isDone(), "b2's socket stayed open");
            System.out.printf("signaling: %d signals b1->b2 across the kill of the other replica, all delivered in order%n", n);
        } finally {
            sockets.forEach(WsTestClient::close);
            stack.kill(replicaA);
        }
    }

    private static WsTestClient join(String base, TestPeer peer, String room, List<WsTestClient> sockets) throws InterruptedException {
        WsTestClient s = WsTestClient.connect(URI.create(base.replace("http://", "ws://") + ENDPOINT));
        sockets.add(s);
        JsonNode auth = s.authenticate(peer, ENDPOINT, WAIT);
        assertEquals("authenticated", auth.path("type").asText(), auth::toString);
        s.sendJson(Map.of("type", "join", "room", room, "id", "j"));
        s.awaitType("joined", WAIT);
        return s;
    }

    private static void signal(WsTestClient from, TestPeer to, String text) {
        from.sendJson(Map.of("type", "signal", "to", to.id(), "payload", Map.of("text", text)));
    }

    private static void expect(WsTestClient at, TestPeer from, String text) throws InterruptedException {
        at.await(f -> "signal".equals(f.path("type").asText()) && from.id().equals(f.path("from").asText())
                && text.equals(f.path("payload").path("text").asText()), WAIT);
    }
}
