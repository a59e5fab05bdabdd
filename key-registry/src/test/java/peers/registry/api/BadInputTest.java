package peers.registry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/**
 * Every kind of bad request gets a precise problem+json 4xx and changes nothing. "Nothing changed"
 * is checked through the log size: every accepted change appends a leaf.
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class BadInputTest {

    static ValidatableResponse problem(ValidatableResponse r, int status, String type) {
        return r.statusCode(status).contentType("application/problem+json")
                .body("type", equalTo("urn:peers:problem:" + type))
                .body("status", equalTo(status))
                .body("detail", notNullValue())
                .body(not(containsString("Exception")))
                .body(not(containsString("java.")))
                .body(not(containsString("SQL")));
    }

    static long treeSize() {
        var r = given().get("/registry/v1/log/tree-head");
        return r.statusCode() == 404 ? 0 : r.jsonPath().getLong("treeSize");
    }

    /** Runs a refused request and checks that the log did not grow. */
    static void refusedWithoutChange(Runnable request) {
        long before = treeSize();
        request.run();
        assertEquals(before, treeSize(), "a refused request must not change anything");
    }

    static ValidatableResponse post(TestPeer p, String body) {
        return given().filter(p.signed()).contentType(ContentType.JSON).body(body).post("/registry/v1/identities").then();
    }

    @Test
    void malformedBodies() {
        Registrations.register(TestPeer.create(), Registrations.uniqueHandle()).statusCode(201); // the log is non-empty
        TestPeer p = TestPeer.create();
        refusedWithoutChange(() -> problem(post(p, "{\"handle\":"), 400, "malformed-request").body("detail", containsString("not valid JSON")));
        refusedWithoutChange(() -> problem(post(p, "[1,2]"), 400, "malformed-request"));
        refusedWithoutChange(() -> problem(post(p, "{\"handle\":{\"a\":1}}"), 400, "malformed-request").body("detail", containsString("handle")));
        refusedWithoutChange(() -> problem(post(p, "{\"handle\":\"" + Registrations.uniqueHandle() + "\",\"devices\":\"x\"}"), 400, "malformed-request"));
        refusedWithoutChange(() -> problem(post(p, "{\"handle\":\"" + Registrations.uniqueHandle() + "\",\"discoverability\":\"secret\"}"), 400, "malformed-request"));
        refusedWithoutChange(() -> problem(post(p, "{\"hadnle\":\"x\"}"), 400, "malformed-request").body("detail", containsString("hadnle")));
        refusedWithoutChange(() -> problem(post(p, "{}"), 422, "invalid-field").body("detail", containsString("handle")));
        refusedWithoutChange(() -> problem(post(p, "null"), 422, "invalid-field"));
        refusedWithoutChange(() -> problem(given().filter(p.signed()).contentType(ContentType.TEXT).body("handle=x")
                .post("/registry/v1/identities").then(), 415, "unsupported-media-type"));
    }

    @Test
    void oversizeBodiesAreRefusedBeforeParsing() {
        TestPeer p = TestPeer.create();
        String big = "{\"handle\":\"" + "a".repeat(20_000) + "\"}";
        refusedWithoutChange(() -> problem(post(p, big), 413, "body-too-large").body("maxBytes", equalTo(16384)));
    }

    @Test
    void badKeysAndEncodings() {
        TestPeer p = TestPeer.create();
        String h = Registrations.uniqueHandle();
        refusedWithoutChange(() -> problem(post(p, "{\"handle\":\"" + h + "\",\"encryptionKey\":\"not*base64\"}"), 422, "invalid-field")
                .body("field", equalTo("encryptionKey")));
        refusedWithoutChange(() -> problem(post(p, "{\"handle\":\"" + h + "\",\"encryptionKey\":\"AAAA\"}"), 422, "invalid-field")
                .body("detail", containsString("32 bytes")));
        refusedWithoutChange(() -> problem(post(p, "{\"handle\":\"" + h + "\",\"devices\":[{\"key\":\"short\",\"expires\":" + Registrations.inDays(1)
                + ",\"certificate\":\"AAAA\"}]}"), 422, "invalid-field").body("field", equalTo("devices.key")));
        TestPeer d = TestPeer.create();
        refusedWithoutChange(() -> problem(post(p, "{\"handle\":\"" + h + "\",\"devices\":[" + Registrations.deviceJson(p, d, Instant.now().getEpochSecond() - 10)
                + "]}"), 422, "invalid-field").body("field", equalTo("devices.expires")));
        refusedWithoutChange(() -> problem(given().get("/registry/v1/identities/not-a-key").then(), 422, "invalid-field"));
        refusedWithoutChange(() -> problem(given().get("/registry/v1/identities/" + "A".repeat(43) + "x").then(), 422, "invalid-field"));
    }

    @Test
    void unsignedBadlySignedExpiredAndReplayedRequests() {
        TestPeer p = TestPeer.create();
        String body = "{\"handle\":\"" + Registrations.uniqueHandle() + "\"}";
        refusedWithoutChange(() -> problem(given().contentType(ContentType.JSON).body(body).post("/registry/v1/identities").then(), 401, "signature-required"));
        refusedWithoutChange(() -> problem(given().filter(p.signed(o -> o.created(Instant.now().minusSeconds(3600)))).contentType(ContentType.JSON).body(body)
                .post("/registry/v1/identities").then(), 401, "signature-expired"));
        refusedWithoutChange(() -> problem(given().filter(p.signed(o -> o.expires(Instant.now().getEpochSecond() - 5))).contentType(ContentType.JSON).body(body)
                .post("/registry/v1/identities").then(), 401, "signature-expired"));
        refusedWithoutChange(() -> problem(given().filter(p.signed(o -> o.tamperBody("{\"handle\":\"mallory1\"}"))).contentType(ContentType.JSON).body(body)
                .post("/registry/v1/identities").then(), 400, "digest-mismatch"));
        refusedWithoutChange(() -> problem(given().filter(p.signed(o -> o.withoutDigest())).contentType(ContentType.JSON).body(body)
                .post("/registry/v1/identities").then(), 401, "signature-invalid"));
        refusedWithoutChange(() -> problem(given().filter(p.signed(o -> o.components(List.of("@method", "@path")))).contentType(ContentType.JSON).body(body)
                .post("/registry/v1/identities").then(), 401, "signature-invalid").body("detail", containsString("@authority")));
        TestPeer other = TestPeer.create();
        refusedWithoutChange(() -> problem(given().filter(p.signed(o -> o.keyId(other.id()))).contentType(ContentType.JSON).body(body)
                .post("/registry/v1/identities").then(), 401, "signature-invalid"));
        refusedWithoutChange(() -> problem(given().header("Signature-Input", "sig=(\"@method\";created=1").header("Signature", "sig=:AAAA:")
                .contentType(ContentType.JSON).body(body).post("/registry/v1/identities").then(), 401, "signature-invalid"));

        String nonce = UUID.randomUUID().toString();
        given().filter(p.signed(o -> o.nonce(nonce))).contentType(ContentType.JSON).body(body).post("/registry/v1/identities").then().statusCode(201);
        refusedWithoutChange(() -> problem(given().filter(p.signed(o -> o.nonce(nonce))).contentType(ContentType.JSON)
                .body("{\"discoverability\":\"private\"}").put("/registry/v1/identities/" + p.id() + "/discoverability").then(), 401, "signature-replayed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "a b c", "admin", "-alice", "al..ice", "al\u200bice", "💩💩💩", "alice\u0430bc"})
    void refusedHandles(String handle) {
        String json = "{\"handle\":\"" + handle + "\"}";
        refusedWithoutChange(() -> problem(post(TestPeer.create(), json), 422, "handle-invalid").body("field", equalTo("handle")).body("reason", notNullValue()));
    }

    @Test
    void takenAndConfusableHandles() {
        // Letters with Cyrillic look-alikes: a whole-Cyrillic twin passes the script rule but has the same skeleton.
        String latin = "acepox";
        String cyrillic = "\u0430\u0441\u0435\u0440\u043e\u0445";
        StringBuilder l = new StringBuilder();
        StringBuilder c = new StringBuilder();
        java.util.Random r = new java.util.Random();
        for (int i = 0; i < 10; i++) {
            int k = r.nextInt(latin.length());
            l.append(latin.charAt(k));
            c.append(cyrillic.charAt(k));
        }
        String h = l.toString();
        Registrations.register(TestPeer.create(), h).statusCode(201);
        refusedWithoutChange(() -> problem(Registrations.register(TestPeer.create(), h.toUpperCase()), 409, "handle-taken"));
        refusedWithoutChange(() -> problem(Registrations.register(TestPeer.create(), c.toString()), 409, "handle-confusable"));
        // Twice the same key.
        TestPeer p = TestPeer.create();
        Registrations.register(p, Registrations.uniqueHandle()).statusCode(201);
        refusedWithoutChange(() -> problem(Registrations.register(p, Registrations.uniqueHandle()), 409, "key-registered"));
    }

    @Test
    void unknownHandlesKeysAndOtherUsersResources() {
        problem(given().get("/registry/v1/handles/" + Registrations.uniqueHandle()).then(), 404, "identity-unknown");
        problem(given().get("/registry/v1/identities/" + TestPeer.create().id()).then(), 404, "identity-unknown");
        problem(given().get("/registry/v1/nothing-here").then(), 404, "not-found");
        problem(given().delete("/registry/v1/handles/x").then(), 405, "method-not-allowed");

        TestPeer owner = TestPeer.create();
        TestPeer mallory = TestPeer.create();
        Registrations.register(owner, Registrations.uniqueHandle()).statusCode(201);
        refusedWithoutChange(() -> problem(given().filter(mallory.signed()).contentType(ContentType.JSON).body("{\"discoverability\":\"private\"}")
                .put("/registry/v1/identities/" + owner.id() + "/discoverability").then(), 403, "not-identity-owner"));
        refusedWithoutChange(() -> problem(given().filter(mallory.signed()).post("/registry/v1/identities/" + owner.id() + "/revocation").then(),
                403, "not-identity-owner"));
        refusedWithoutChange(() -> problem(given().filter(owner.signed()).delete("/registry/v1/identities/" + owner.id() + "/devices/" + TestPeer.create().id())
                .then(), 404, "device-unknown"));
        // A rotation whose proof is signed by a key other than the new key.
        TestPeer next = TestPeer.create();
        String forged = mallory.signText("peers-registry-rotate/v1\n" + owner.id() + "\n" + next.id());
        refusedWithoutChange(() -> problem(given().filter(owner.signed()).contentType(ContentType.JSON)
                .body("{\"newKey\":\"" + next.id() + "\",\"proof\":\"" + forged + "\"}")
                .post("/registry/v1/identities/" + owner.id() + "/rotation").then(), 422, "rotation-proof-invalid"));
    }

    @Test
    void badQueryParameters() {
        problem(given().get("/registry/v1/handles").then(), 422, "invalid-field").body("field", equalTo("prefix"));
        problem(given().get("/registry/v1/handles?prefix=a&limit=abc").then(), 422, "invalid-field").body("field", equalTo("limit"));
        problem(given().get("/registry/v1/handles?prefix=a&limit=100000").then(), 422, "invalid-field");
        problem(given().get("/registry/v1/log/proofs/inclusion?leafIndex=-1&treeSize=1").then(), 422, "invalid-field");
        problem(given().get("/registry/v1/log/proofs/consistency?first=2&second=1").then(), 422, "tree-size-out-of-range");
        problem(given().get("/registry/v1/log/proofs/consistency?first=1&second=999999999").then(), 422, "invalid-field");
        problem(given().get("/registry/v1/log/tree-heads/0").then(), 422, "invalid-field");
        problem(given().get("/.well-known/webfinger").then(), 400, "malformed-request");
        problem(given().get("/.well-known/webfinger?resource=https://x").then(), 400, "malformed-request");
    }
}
