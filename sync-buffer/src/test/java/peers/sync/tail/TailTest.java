package peers.sync.tail;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import peers.common.identity.Base64Url;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;
import peers.testing.ws.WsTestClient;

/** The live tail over a real WebSocket: in-band key auth, catch-up from a cursor, then new records in order, once each. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class TailTest {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String BASE = "/sync/v1/streams";

    @TestHTTPResource(TailEndpoint.PATH)
    URI uri;

    WsTestClient connect(TestPeer p) throws InterruptedException {
        WsTestClient c = WsTestClient.connect(URI.create(uri.toString().replaceFirst("^http", "ws")));
        JsonNode reply = c.authenticate(p, TailEndpoint.PATH, WAIT);
        assertEquals("authenticated", reply.path("type").asText(), reply.toString());
        return c;
    }

    static String createStream(TestPeer owner) {
        return given().filter(owner.signed()).contentType(ContentType.JSON).body("{}").post(BASE).then().statusCode(201).extract().jsonPath().getString("id");
    }

    static List<byte[]> append(TestPeer p, String stream, int n) {
        List<Map<String, Object>> records = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = UUID.randomUUID().toString().getBytes();
            bytes.add(b);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", UUID.randomUUID().toString());
            r.put("ciphertext", Base64Url.encode(b));
            records.add(r);
        }
        given().filter(p.signed()).contentType(ContentType.JSON).body(Map.of("records", records)).post(BASE + "/" + stream + "/records").then().statusCode(200);
        return bytes;
    }

    static void subscribe(WsTestClient c, String stream, long after) throws InterruptedException {
        c.sendJson(Map.of("type", "subscribe", "stream", stream, "after", after));
        JsonNode ok = c.await(n -> n.path("type").asText().equals("subscribed") || n.path("type").asText().equals("error"), WAIT);
        assertEquals("subscribed", ok.path("type").asText(), ok.toString());
    }

    /** The next {@code n} record frames of {@code stream}; fails on any frame that is not one. */
    static List<JsonNode> records(WsTestClient c, String stream, int n) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        while (out.size() < n) {
            JsonNode f = c.await(x -> true, WAIT);
            assertEquals("record", f.path("type").asText(), "unexpected frame " + f);
            assertEquals(stream, f.path("stream").asText());
            out.add(f);
        }
        return out;
    }

    static void assertSeqs(List<JsonNode> frames, long from) {
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(from + i, frames.get(i).path("seq").asLong(), "in order, no gap, no duplicate: " + frames);
        }
    }

    @Test
    void catchesUpFromTheCursorThenDeliversNewRecordsInOrder() throws Exception {
        TestPeer owner = TestPeer.create();
        String stream = createStream(owner);
        List<byte[]> stored = append(owner, stream, 3);
        try (WsTestClient c = connect(owner)) {
            subscribe(c, stream, 1);
            List<JsonNode> first = records(c, stream, 2);
            assertSeqs(first, 2);
            assertArrayEquals(stored.get(1), Base64Url.decode(first.get(0).path("ciphertext").asText(), "c"));
            List<byte[]> fresh = append(owner, stream, 2);
            List<JsonNode> next = records(c, stream, 2);
            assertSeqs(next, 4);
            assertArrayEquals(fresh.get(1), Base64Url.decode(next.get(1).path("ciphertext").asText(), "c"));
            assertEquals(owner.id(), next.get(1).path("author").asText());
        }
    }

    @Test
    void concurrentAppendsArriveOnceEachWithoutGaps() throws Exception {
        TestPeer owner = TestPeer.create();
        String stream = createStream(owner);
        int writers = 4;
        int batches = 10;
        int perBatch = 3;
        try (WsTestClient c = connect(owner)) {
            subscribe(c, stream, 0);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    done.add(pool.submit(() -> {
                        for (int b = 0; b < batches; b++) {
                            append(owner, stream, perBatch);
                        }
                        return null;
                    }));
                }
                List<JsonNode> got = records(c, stream, writers * batches * perBatch);
                for (Future<?> f : done) {
                    f.get();
                }
                assertSeqs(got, 1);
            } finally {
                pool.shutdownNow();
            }
            // Nothing more arrives: no duplicates after the last one.
            c.sendJson(Map.of("type", "unsubscribe", "stream", stream));
            assertEquals("unsubscribed", c.await(x -> true, WAIT).path("type").asText());
        }
    }

    @Test
    void aSocketTailsSeveralStreams() throws Exception {
        TestPeer owner = TestPeer.create();
        String a = createStream(owner);
        String b = createStream(owner);
        try (WsTestClient c = connect(owner)) {
            subscribe(c, a, 0);
            subscribe(c, b, 0);
            append(owner, b, 1);
            JsonNode fb = c.await(x -> true, WAIT);
            assertEquals(b, fb.path("stream").asText());
            append(owner, a, 1);
            JsonNode fa = c.await(x -> true, WAIT);
            assertEquals(a, fa.path("stream").asText());
            assertEquals(1, fa.path("seq").asLong());
        }
    }

    @Test
    void nonMembersAndUnauthenticatedSocketsGetNothing() throws Exception {
        TestPeer owner = TestPeer.create();
        String stream = createStream(owner);
        append(owner, stream, 1);
        try (WsTestClient c = WsTestClient.connect(URI.create(uri.toString().replaceFirst("^http", "ws")))) {
            c.awaitType("challenge", WAIT);
            c.sendJson(Map.of("type", "subscribe", "stream", stream, "after", 0));
            assertEquals("signature-required", c.awaitType("error", WAIT).path("code").asText());
            // An answer signed for another endpoint is refused.
            c.sendJson(Map.of("type", "auth", "key", owner.id(), "signature", Base64Url.encode(owner.sign("nope".getBytes()))));
            assertEquals("signature-invalid", c.awaitType("error", WAIT).path("code").asText());
        }
        try (WsTestClient c = connect(TestPeer.create())) {
            c.sendJson(Map.of("type", "subscribe", "stream", stream, "after", 0));
            JsonNode e = c.awaitType("error", WAIT);
            assertEquals("not-a-member", e.path("code").asText());
            c.send("garbage");
            assertEquals("malformed-request", c.awaitType("error", WAIT).path("code").asText());
            c.sendJson(Map.of("type", "subscribe", "stream", "no-such-stream", "after", 0));
            assertEquals("stream-unknown", c.awaitType("error", WAIT).path("code").asText());
            c.sendJson(Map.of("type", "subscribe", "stream", stream, "after", 99));
            JsonNode ahead = c.awaitType("error", WAIT);
            assertEquals(List.of("cursor-ahead", "not-a-member").contains(ahead.path("code").asText()), true);
        }
    }

    @Test
    void aRemovedMembersTailEndsAtOnce() throws Exception {
        TestPeer owner = TestPeer.create();
        TestPeer member = TestPeer.create();
        String stream = createStream(owner);
        given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("role", "read")).put(BASE + "/" + stream + "/members/" + member.id())
                .then().statusCode(200);
        try (WsTestClient c = connect(member)) {
            subscribe(c, stream, 0);
            append(owner, stream, 1);
            assertEquals(1, records(c, stream, 1).get(0).path("seq").asLong());
            given().filter(owner.signed()).delete(BASE + "/" + stream + "/members/" + member.id()).then().statusCode(204);
            append(owner, stream, 1);
            JsonNode f = c.await(x -> true, WAIT);
            assertEquals("error", f.path("type").asText(), "the removed member gets no record: " + f);
            assertEquals("not-a-member", f.path("code").asText());
        }
    }
}
