package peers.sync.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/**
 * Every kind of bad request gets a precise problem+json 4xx, never a 5xx, and stores nothing: after
 * each refused append the stream's last sequence is unchanged.
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class BadInputTest {

    TestPeer owner;
    String stream;

    @BeforeEach
    void stream() {
        owner = TestPeer.create();
        stream = Sync.createStream(owner);
        Sync.append(owner, stream, Sync.records(2, 16)).statusCode(200);
    }

    ValidatableResponse postRaw(String body) {
        return given().filter(owner.signed()).contentType(ContentType.JSON).body(body).post(Sync.BASE + "/" + stream + "/records").then();
    }

    ValidatableResponse postBytes(byte[] body) {
        return given().filter(owner.signed()).contentType(ContentType.JSON).body(body).post(Sync.BASE + "/" + stream + "/records").then();
    }

    /** Bodies that are not UTF-8 text: Jackson guesses UTF-32 or UTF-16 from the first bytes and fails on the rest. */
    @Test
    void bodiesInOtherOrBrokenEncodingsAreMalformed() {
        // found by SyncParsersFuzzTest#appendBatch (corpus: crash-2db09082…): read as UTF-32, "character 0x64716f63"
        Sync.problem(postBytes(new byte[] {8, 0, 0, 0, 'c', 'o', 'r', 'd', 's', '"', ':', '['}), 400, "malformed-request");
        Sync.problem(postBytes(new byte[] {0, 0, 0, '{', 0, 0, 0, '"'}), 400, "malformed-request");
        Sync.problem(postBytes(new byte[] {(byte) 0xfe, (byte) 0xff, 0, '{', (byte) 0xd8, 0}), 400, "malformed-request");
        Sync.problem(postBytes(new byte[] {'{', '"', 'r', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}'}), 400, "malformed-request");
        Sync.problem(postBytes(new byte[] {'{', '"', 'r', 'e', 'c', 'o', 'r', 'd', 's', '"', ':', '[', '{', '"', 'i', 'd', '"', ':', '"', (byte) 0xff, '"'}),
                400, "malformed-request");
        unchanged();
    }

    void unchanged() {
        assertEquals(2, Sync.lastSeq(owner, stream), "a refused append stores nothing");
    }

    @Test
    void malformedBodies() {
        Sync.problem(postRaw("{\"records\":["), 400, "malformed-request");
        Sync.problem(postRaw("not json"), 400, "malformed-request");
        Sync.problem(postRaw("{\"records\":\"x\"}"), 400, "malformed-request");
        Sync.problem(postRaw("{\"records\":[],\"extra\":1}"), 400, "malformed-request");
        Sync.problem(postRaw("{\"records\":[{\"id\":\"a\",\"ciphertext\":\"AAAA\",\"author\":\"me\"}]}"), 400, "malformed-request");
        Sync.problem(postRaw("{}"), 422, "invalid-field").body("field", equalTo("records"));
        Sync.problem(postRaw("{\"records\":[]}"), 422, "invalid-field");
        Sync.problem(postRaw("{\"records\":[null]}"), 422, "invalid-field");
        Sync.problem(postRaw("{\"records\":[{\"ciphertext\":\"AAAA\"}]}"), 422, "invalid-field").body("field", equalTo("records[0].id"));
        Sync.problem(postRaw("{\"records\":[{\"id\":\"a b\",\"ciphertext\":\"AAAA\"}]}"), 422, "invalid-field");
        Sync.problem(postRaw("{\"records\":[{\"id\":\"a\"}]}"), 422, "invalid-field").body("field", equalTo("records[0].ciphertext"));
        Sync.problem(postRaw("{\"records\":[{\"id\":\"a\",\"ciphertext\":\"\"}]}"), 422, "invalid-field");
        Sync.problem(given().filter(owner.signed()).contentType(ContentType.TEXT).body("hello").post(Sync.BASE + "/" + stream + "/records").then(),
                415, "unsupported-media-type");
        unchanged();
    }

    @Test
    void badBase64IsRefusedAndNoPartOfTheBatchIsStored() {
        List<Object> batch = new ArrayList<>(Sync.records(2, 16));
        batch.add(Map.of("id", "bad", "ciphertext", "not base64!"));
        Sync.problem(Sync.append(owner, stream, batch), 422, "invalid-field").body("field", equalTo("records[2].ciphertext"));
        Sync.problem(Sync.append(owner, stream, List.of(Map.of("id", "pad", "ciphertext", "A"))), 422, "invalid-field");
        unchanged();
    }

    @Test
    void duplicateIdsWithinABatchAreRefused() {
        var a = Sync.record(16);
        var b = Sync.record(16);
        Sync.problem(Sync.append(owner, stream, List.of(a, b, Sync.record((String) a.get("id"), Sync.randomBytes(16)))), 422, "duplicate-record-id")
                .body("field", equalTo("records[2].id"));
        Sync.problem(Sync.append(owner, stream, List.of(a, a)), 422, "duplicate-record-id");
        unchanged();
    }

    @Test
    void oversizeBatchesAndRecordsNameTheirLimit() {
        Sync.problem(Sync.append(owner, stream, Sync.records(257, 1)), 413, "batch-too-large").body("limit", equalTo("sync.max-batch-records"));
        Sync.problem(Sync.append(owner, stream, Sync.records(17, 65536)), 413, "batch-too-large").body("limit", equalTo("sync.max-batch-bytes"));
        Sync.problem(Sync.append(owner, stream, List.of(Sync.record(16), Sync.record(65537))), 413, "record-too-large")
                .body("limit", equalTo("sync.max-record-bytes")).body("field", equalTo("records[1].ciphertext"));
        // Over the HTTP body bound: refused before parsing.
        Sync.problem(postRaw("{\"records\":[{\"id\":\"x\",\"ciphertext\":\"" + "A".repeat(2_200_000) + "\"}]}"), 413, "body-too-large");
        unchanged();
    }

    @Test
    void unsignedReplayedAndTamperedRequestsAreRefused() {
        Sync.problem(given().contentType(ContentType.JSON).body(Map.of("records", Sync.records(1, 8))).post(Sync.BASE + "/" + stream + "/records").then(),
                401, "signature-required");
        Sync.problem(given().get(Sync.BASE + "/" + stream + "/records").then(), 401, "signature-required");
        String nonce = UUID.randomUUID().toString();
        given().filter(owner.signed(o -> o.nonce(nonce))).contentType(ContentType.JSON).body(Map.of("records", Sync.records(1, 8)))
                .post(Sync.BASE + "/" + stream + "/records").then().statusCode(200);
        Sync.problem(given().filter(owner.signed(o -> o.nonce(nonce))).contentType(ContentType.JSON).body(Map.of("records", Sync.records(1, 8)))
                .post(Sync.BASE + "/" + stream + "/records").then(), 401, "signature-replayed");
        Sync.problem(given().filter(owner.signed(o -> o.tamperBody("{\"records\":[{\"id\":\"t\",\"ciphertext\":\"AAAA\"}]}"))).contentType(ContentType.JSON)
                .body(Map.of("records", Sync.records(1, 8))).post(Sync.BASE + "/" + stream + "/records").then(), 400, "digest-mismatch");
        TestPeer mallory = TestPeer.create();
        Sync.problem(given().filter(mallory.signed(o -> o.keyId(owner.id()))).contentType(ContentType.JSON).body(Map.of("records", Sync.records(1, 8)))
                .post(Sync.BASE + "/" + stream + "/records").then(), 401, "signature-invalid");
        assertEquals(3, Sync.lastSeq(owner, stream), "only the one well-signed append was stored");
    }

    @Test
    void cursorsAndPageSizesOutOfRange() {
        String path = Sync.BASE + "/" + stream + "/records";
        Sync.problem(given().filter(owner.signed()).get(path + "?after=-1").then(), 422, "invalid-field").body("field", equalTo("after"));
        Sync.problem(given().filter(owner.signed()).get(path + "?after=abc").then(), 422, "invalid-field").body("field", equalTo("after"));
        Sync.problem(given().filter(owner.signed()).get(path + "?after=99999999999999999999").then(), 422, "invalid-field");
        Sync.problem(given().filter(owner.signed()).get(path + "?after=3").then(), 422, "cursor-ahead").body("lastSeq", equalTo(2));
        Sync.problem(given().filter(owner.signed()).get(path + "?limit=0").then(), 422, "invalid-field").body("field", equalTo("limit"));
        Sync.problem(given().filter(owner.signed()).get(path + "?limit=100000").then(), 422, "invalid-field");
        given().filter(owner.signed()).get(path + "?after=2").then().statusCode(200);
    }

    @Test
    void badIdsKeysRolesAndWrappedKeys() {
        Sync.problem(given().filter(owner.signed()).get(Sync.BASE + "/bad.id/records").then(), 422, "invalid-field").body("field", equalTo("stream"));
        Sync.problem(given().filter(owner.signed()).get(Sync.BASE + "/" + "x".repeat(65)).then(), 422, "invalid-field");
        Sync.problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("id", "has space")).post(Sync.BASE).then(), 422, "invalid-field");
        Sync.problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("wrappedKey", "%%%")).post(Sync.BASE).then(), 422, "invalid-field");
        Sync.problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("role", "write"))
                .put(Sync.BASE + "/" + stream + "/members/not-a-key").then(), 422, "invalid-field").body("field", equalTo("member"));
        Sync.problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("role", "owner"))
                .put(Sync.BASE + "/" + stream + "/members/" + TestPeer.create().id()).then(), 422, "invalid-field").body("field", equalTo("role"));
        Sync.problem(given().filter(owner.signed()).contentType(ContentType.JSON).body("{}")
                .put(Sync.BASE + "/" + stream + "/members/" + TestPeer.create().id()).then(), 422, "invalid-field");
        Sync.problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("role", "read", "wrappedKey", "A".repeat(6000)))
                .put(Sync.BASE + "/" + stream + "/members/" + TestPeer.create().id()).then(), 422, "invalid-field");
        given().filter(owner.signed()).get(Sync.BASE + "/" + stream).then().statusCode(200).body("members.size()", equalTo(1));
    }

    @Test
    void aRecordIdStoredWithOtherBytesConflicts() {
        var r = Sync.record(16);
        Sync.append(owner, stream, List.of(r)).statusCode(200);
        Sync.problem(Sync.append(owner, stream, List.of(Sync.record(16), Sync.record((String) r.get("id"), Sync.randomBytes(16)))), 409, "record-id-conflict")
                .body("record", equalTo(r.get("id")));
        assertEquals(3, Sync.lastSeq(owner, stream));
    }
}
