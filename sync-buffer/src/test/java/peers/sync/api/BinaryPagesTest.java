package peers.sync.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.common.identity.Base64Url;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/**
 * The binary page format ({@code Accept: application/octet-stream}), decoded here straight from its
 * documentation (docs/api/sync-buffer.md, "Binary pages"), against the JSON page of the same read.
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class BinaryPagesTest {

    /** A page as the documentation describes it. */
    record Rec(long seq, long createdMicros, long expiresMicros, String id, String author, byte[] ciphertext) {
    }

    record Bin(long earliest, long lastSeq, long next, boolean more, List<Rec> records) {
        static Bin parse(byte[] body) {
            ByteBuffer b = ByteBuffer.wrap(body);
            byte[] magic = new byte[4];
            b.get(magic);
            assertEquals("SBP1", new String(magic, StandardCharsets.US_ASCII));
            long earliest = b.getLong();
            long lastSeq = b.getLong();
            long next = b.getLong();
            byte more = b.get();
            assertTrue(more == 0 || more == 1, "more is 0 or 1");
            int count = b.getInt();
            List<Rec> recs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long seq = b.getLong();
                long created = b.getLong();
                long expires = b.getLong();
                byte[] id = new byte[Byte.toUnsignedInt(b.get())];
                b.get(id);
                byte[] author = new byte[Byte.toUnsignedInt(b.get())];
                b.get(author);
                byte[] ct = new byte[b.getInt()];
                b.get(ct);
                recs.add(new Rec(seq, created, expires, new String(id, StandardCharsets.US_ASCII), new String(author, StandardCharsets.US_ASCII), ct));
            }
            assertFalse(b.hasRemaining(), "nothing follows the last record");
            return new Bin(earliest, lastSeq, next, more == 1, recs);
        }
    }

    static ValidatableResponse read(TestPeer p, String stream, String query, String accept) {
        return given().filter(p.signed()).header("Accept", accept).get(Sync.BASE + "/" + stream + "/records" + query).then().log().ifValidationFails();
    }

    static long micros(String instant) {
        Instant t = Instant.parse(instant);
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    @Test
    void aBinaryPageCarriesExactlyWhatTheJsonPageCarries() {
        TestPeer owner = TestPeer.create();
        TestPeer reader = TestPeer.create();
        String stream = Sync.createStream(owner);
        Sync.addMember(owner, stream, reader, "read");
        byte[] odd = {0, (byte) 0xff, '{', '"', 0x7f, (byte) 0x80};
        List<Map<String, Object>> batch = new ArrayList<>(List.of(Sync.record("id.with:all-chars_" + "x".repeat(100), odd)));
        batch.addAll(Sync.records(4, 1024));
        batch.add(Sync.record(Sync.randomBytes(65536).length == 65536 ? "big" : "x", Sync.randomBytes(65536)));
        Sync.append(owner, stream, batch).statusCode(200);

        for (String q : List.of("?after=0&limit=3", "?after=3&limit=500", "?after=6&limit=10", "")) {
            JsonPath json = read(reader, stream, q, "application/json").statusCode(200).contentType("application/json").extract().jsonPath();
            byte[] body = read(reader, stream, q, "application/octet-stream").statusCode(200).contentType("application/octet-stream")
                    .extract().asByteArray();
            Bin bin = Bin.parse(body);
            assertEquals(json.getLong("earliest"), bin.earliest(), q);
            assertEquals(json.getLong("lastSeq"), bin.lastSeq(), q);
            assertEquals(json.getLong("next"), bin.next(), q);
            assertEquals(json.getBoolean("more"), bin.more(), q);
            assertEquals(json.getList("records").size(), bin.records().size(), q);
            for (int i = 0; i < bin.records().size(); i++) {
                Rec r = bin.records().get(i);
                String at = "records[" + i + "].";
                assertEquals(json.getLong(at + "seq"), r.seq());
                assertEquals(json.getString(at + "id"), r.id());
                assertEquals(owner.id(), r.author());
                assertEquals(json.getString(at + "author"), r.author());
                assertArrayEquals(Base64Url.decode(json.getString(at + "ciphertext"), "ciphertext"), r.ciphertext());
                assertEquals(micros(json.getString(at + "createdAt")), r.createdMicros());
                assertEquals(micros(json.getString(at + "expiresAt")), r.expiresMicros());
            }
        }
        // what was appended, byte for byte, in order
        Bin all = Bin.parse(read(reader, stream, "?after=0&limit=500", "application/octet-stream").extract().asByteArray());
        assertEquals(6, all.records().size());
        for (int i = 0; i < 6; i++) {
            assertEquals(i + 1, all.records().get(i).seq());
            assertEquals(batch.get(i).get("id"), all.records().get(i).id());
            assertArrayEquals(Base64Url.decode((String) batch.get(i).get("ciphertext"), "c"), all.records().get(i).ciphertext());
        }
        assertArrayEquals(odd, all.records().get(0).ciphertext());
        assertFalse(all.more());
        assertEquals(6, all.next());
    }

    @Test
    void anEmptyStreamIsAHeaderWithNoRecords() {
        TestPeer owner = TestPeer.create();
        String stream = Sync.createStream(owner);
        byte[] body = read(owner, stream, "?after=0", "application/octet-stream").statusCode(200).extract().asByteArray();
        assertEquals(4 + 8 + 8 + 8 + 1 + 4, body.length);
        Bin bin = Bin.parse(body);
        assertEquals(1, bin.earliest());
        assertEquals(0, bin.lastSeq());
        assertEquals(0, bin.next());
        assertFalse(bin.more());
    }

    @Test
    void acceptChoosesTheFormatByPreferenceAndWildcardsGetJson() {
        TestPeer owner = TestPeer.create();
        String stream = Sync.createStream(owner);
        Sync.append(owner, stream, Sync.records(2, 10)).statusCode(200);
        read(owner, stream, "", "*/*").statusCode(200).contentType("application/json");
        read(owner, stream, "", "application/*").statusCode(200).contentType("application/json");
        given().filter(owner.signed()).get(Sync.BASE + "/" + stream + "/records").then().statusCode(200).contentType("application/json");
        read(owner, stream, "", "application/octet-stream, application/json;q=0.5").statusCode(200).contentType("application/octet-stream");
        read(owner, stream, "", "application/json, application/octet-stream;q=0.5").statusCode(200).contentType("application/json");
        read(owner, stream, "", "application/json;q=0.2, application/octet-stream").statusCode(200).contentType("application/octet-stream");
        read(owner, stream, "", "text/html, application/octet-stream;q=0.1").statusCode(200).contentType("application/octet-stream");
    }

    @Test
    void errorsAreProblemJsonWhateverTheAcceptedFormat() {
        TestPeer owner = TestPeer.create();
        TestPeer stranger = TestPeer.create();
        String stream = Sync.createStream(owner);
        Sync.append(owner, stream, Sync.records(2, 10)).statusCode(200);
        String bin = "application/octet-stream";
        Sync.problem(read(stranger, stream, "", bin), 403, "not-a-member");
        Sync.problem(read(owner, "no-such-stream-" + System.nanoTime(), "", bin), 404, "stream-unknown");
        Sync.problem(read(owner, stream, "?after=3", bin), 422, "cursor-ahead");
        Sync.problem(read(owner, stream, "?after=-1", bin), 422, "invalid-field");
        Sync.problem(read(owner, stream, "?limit=0", bin), 422, "invalid-field");
        Sync.problem(read(owner, stream, "?limit=abc", bin), 422, "invalid-field");
        given().header("Accept", bin).get(Sync.BASE + "/" + stream + "/records").then().statusCode(401).contentType("application/problem+json");
        Sync.problem(read(owner, stream, "", "text/html"), 406, "not-acceptable");
        Sync.problem(read(owner, stream, "", "image/png, text/plain;q=0.5"), 406, "not-acceptable");
    }
}
