package peers.backup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/** Bad input is answered with problem+json 4xx and never records anything. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class BadInputTest {

    static ValidatableResponse problem(ValidatableResponse r, int status, String type) {
        return r.statusCode(status).contentType("application/problem+json").body("type", equalTo("urn:peers:problem:" + type));
    }

    static ValidatableResponse begin(TestPeer p, String repo, Object body) {
        return given().filter(p.signed()).contentType(ContentType.JSON).body(body).post(Backup.REPOS + "/" + repo + "/uploads").then();
    }

    static void nothingStored(TestPeer owner, String repo) {
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/objects").then().statusCode(200).body("objects", hasSize(0));
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo).then().statusCode(200).body("bytes", equalTo(0));
    }

    @Test
    void unsignedAndBadlySignedRequestsAreRefused() {
        TestPeer owner = TestPeer.create();
        problem(given().get(Backup.REPOS).then(), 401, "signature-required");
        problem(given().filter(owner.signed(o -> o.created(java.time.Instant.now().minusSeconds(3600)))).get(Backup.REPOS).then(), 401, "signature-expired");
        given().filter(owner.signed(o -> o.nonce("fixed-nonce-1234567890"))).get(Backup.REPOS).then().statusCode(200);
        problem(given().filter(owner.signed(o -> o.nonce("fixed-nonce-1234567890"))).get(Backup.REPOS).then(), 401, "signature-replayed");
        problem(given().filter(owner.signed(o -> o.tamperBody("{\"name\":\"other\"}"))).contentType(ContentType.JSON).body("{\"name\":\"x\"}")
                .post(Backup.REPOS).then(), 400, "digest-mismatch");
    }

    @Test
    void malformedBodiesAndFields() {
        TestPeer owner = TestPeer.create();
        problem(given().filter(owner.signed()).contentType(ContentType.JSON).body("{\"name\":").post(Backup.REPOS).then(), 400, "malformed-request");
        problem(given().filter(owner.signed()).contentType(ContentType.JSON).body("{\"name\":[1]}").post(Backup.REPOS).then(), 400, "malformed-request");
        problem(given().filter(owner.signed()).contentType(ContentType.JSON).body("{\"name\":\"a\",\"extra\":1}").post(Backup.REPOS).then(), 400, "malformed-request");
        problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("name", "../etc")).post(Backup.REPOS).then(), 422, "invalid-field");
        problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("name", "x".repeat(65))).post(Backup.REPOS).then(), 422, "invalid-field");
        problem(given().filter(owner.signed()).contentType(ContentType.TEXT).body("hi").post(Backup.REPOS).then(), 415, "unsupported-media-type");
        problem(given().filter(owner.signed()).contentType(ContentType.JSON).body("{\"name\":\"" + "a".repeat(5_000_000) + "\"}").post(Backup.REPOS).then(), 413, "body-too-large");
        given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("name", "dup")).post(Backup.REPOS).then().statusCode(201);
        problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("name", "dup")).post(Backup.REPOS).then(), 409, "repo-exists");
        String repo = Backup.createRepo(owner);
        problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("mode", "delete-everything")).post(Backup.REPOS + "/" + repo + "/tokens").then(),
                422, "invalid-field");
        problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("keepLast", -1)).put(Backup.REPOS + "/" + repo + "/retention").then(),
                422, "invalid-field");
        problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("keepLast", "many")).put(Backup.REPOS + "/" + repo + "/retention").then(),
                400, "malformed-request");
    }

    @Test
    void malformedRepositoryIdsLeakNoConnection() {
        TestPeer owner = TestPeer.create();
        // more refusals than the pool has connections (quarkus.datasource.reactive.max-size=20): each used to keep one
        for (int i = 0; i < 30; i++) {
            problem(given().filter(owner.signed()).get(Backup.REPOS + "/x!abc" + i).then(), 422, "invalid-field");
            problem(given().filter(owner.signed()).delete(Backup.REPOS + "/x!abc" + i).then(), 422, "invalid-field");
        }
        String repo = Backup.createRepo(owner);
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo).then().statusCode(200);
    }

    @Test
    void idsNamesAndSizesAreChecked() {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        String sha = Backup.sha256(new byte[] {9});
        problem(begin(owner, repo, Map.of("sha256", "not-hex", "size", 1)), 422, "invalid-field").body("field", equalTo("sha256"));
        problem(begin(owner, repo, Map.of("sha256", sha.toUpperCase(), "size", 1)), 422, "invalid-field");
        problem(begin(owner, repo, Map.of("sha256", "../../" + sha.substring(6), "size", 1)), 422, "invalid-field");
        problem(begin(owner, repo, Map.of("sha256", sha, "size", -1)), 422, "invalid-field").body("field", equalTo("size"));
        problem(begin(owner, repo, Map.of("sha256", sha, "size", "big")), 400, "malformed-request");
        problem(begin(owner, repo, Map.of("sha256", sha, "size", 1L << 40)), 413, "object-too-large").body("limit", equalTo("backup.max-object-bytes"));
        problem(begin(owner, repo, Map.of("sha256", sha, "size", 1, "expiresInSeconds", 0)), 422, "invalid-field");
        problem(given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/objects/..%2F..%2Fsecret").then(), 422, "invalid-field");
        problem(given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/objects/" + sha).then(), 404, "object-unknown");
        problem(given().filter(owner.signed()).get(Backup.REPOS + "/not-a-repo-id").then(), 422, "invalid-field");
        problem(given().filter(owner.signed()).get(Backup.REPOS + "/AAAAAAAAAAAAAAAAAAAAAA").then(), 404, "repo-unknown");
        problem(given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/uploads/AAAAAAAAAAAAAAAAAAAAAA/complete").then(), 404, "upload-unknown");
        problem(given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/snapshots/AAAAAAAAAAAAAAAAAAAAAA").then(), 404, "snapshot-unknown");
        problem(given().filter(owner.signed()).delete(Backup.REPOS + "/" + repo + "/tokens/AAAAAAAAAAAAAAAAAAAAAA").then(), 404, "token-unknown");
        problem(given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/objects?limit=0").then(), 422, "invalid-field");
        problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("name", "s", "objects", List.of("xyz")))
                .post(Backup.REPOS + "/" + repo + "/snapshots").then(), 422, "invalid-field");
        nothingStored(owner, repo);
    }

    @Test
    void otherOwnersRepositoriesDoNotExistForYou() throws Exception {
        TestPeer owner = TestPeer.create();
        TestPeer other = TestPeer.create();
        String repo = Backup.createRepo(owner);
        String sha = Backup.upload(owner, repo, Backup.random(100));
        problem(given().filter(other.signed()).get(Backup.REPOS + "/" + repo).then(), 404, "repo-unknown");
        problem(given().filter(other.signed()).get(Backup.REPOS + "/" + repo + "/objects/" + sha).then(), 404, "repo-unknown");
        problem(begin(other, repo, Map.of("sha256", sha, "size", 100)), 404, "repo-unknown");
        problem(given().filter(other.signed()).delete(Backup.REPOS + "/" + repo).then(), 404, "repo-unknown");
        problem(given().filter(other.signed()).contentType(ContentType.JSON).body(Map.of()).post(Backup.REPOS + "/" + repo + "/tokens").then(), 404, "repo-unknown");
        problem(given().filter(other.signed()).post(Backup.REPOS + "/" + repo + "/prune").then(), 404, "repo-unknown");
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo).then().statusCode(200).body("objects", equalTo(1));
    }

    @Test
    void uploadsThatDoNotMatchTheirNameAreNotRecorded() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        byte[] body = Backup.random(50_000);
        String sha = Backup.sha256(body);
        byte[] other = Backup.random(50_000);

        // No checksum header: S3 stores it, but completion cannot prove the content; refused, bytes deleted.
        JsonPath u = begin(owner, repo, Map.of("sha256", sha, "size", body.length)).statusCode(201).extract().jsonPath();
        assertEquals(200, Backup.put(u.getString("url"), body, null));
        problem(given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/uploads/" + u.getString("id") + "/complete").then(), 422, "checksum-missing");

        // A wrong checksum header: S3 itself refuses the PUT; completion finds nothing.
        u = begin(owner, repo, Map.of("sha256", sha, "size", body.length)).statusCode(201).extract().jsonPath();
        assertEquals(400, Backup.put(u.getString("url"), body, Backup.checksum(other)));
        problem(given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/uploads/" + u.getString("id") + "/complete").then(), 409, "upload-incomplete");

        // Other bytes with their own (true) checksum: S3 accepts them, completion sees they are not the named object.
        assertEquals(200, Backup.put(u.getString("url"), other, Backup.checksum(other)));
        problem(given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/uploads/" + u.getString("id") + "/complete").then(), 422, "checksum-mismatch");

        // The wrong size.
        byte[] longer = Backup.random(50_001);
        assertEquals(200, Backup.put(u.getString("url"), longer, Backup.checksum(longer)));
        problem(given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/uploads/" + u.getString("id") + "/complete").then(), 422, "size-mismatch");

        // An expired presigned URL: S3 refuses it.
        JsonPath quick = begin(owner, repo, Map.of("sha256", sha, "size", body.length, "expiresInSeconds", 1)).statusCode(201).extract().jsonPath();
        Thread.sleep(2100);
        assertEquals(403, Backup.put(quick.getString("url"), body, quick.getString("headers.'x-amz-checksum-sha256'")));
        problem(given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/uploads/" + quick.getString("id") + "/complete").then(), 404, "upload-unknown");
        nothingStored(owner, repo);
        assertEquals(List.of(), NativeApiTest.s3Keys(repo + "/objects/"));

        // And the honest upload still works.
        Backup.upload(owner, repo, body);
    }

    @Test
    void theQuotaIsCheckedBeforeAnythingIsStored() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        String sha = Backup.sha256(new byte[] {7});
        // The free plan allows 1 GiB (peers.backup.free.bytes).
        problem(begin(owner, repo, Map.of("sha256", sha, "size", 2L << 30)), 413, "quota-exceeded")
                .body("limit", equalTo("backupBytes")).body("maxBytes", equalTo(1 << 30));
        // Reservations count: two open uploads of 600 MiB do not fit.
        begin(owner, repo, Map.of("sha256", sha, "size", 600L << 20)).statusCode(201);
        problem(begin(owner, repo, Map.of("sha256", Backup.sha256(new byte[] {8}), "size", 600L << 20)), 413, "quota-exceeded");
        nothingStored(owner, repo);
    }
}
