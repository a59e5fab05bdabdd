package peers.backup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/**
 * S3 unreachable: every operation that needs it answers a clean 503 storage-unavailable problem and records
 * nothing; when S3 is back, the same requests succeed. (The JVM-wide S3 is stopped and always restarted.)
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class StorageOutageTest {

    @Test
    void s3OutageAnswers503AndRecordsNothing() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        String[] token = Backup.token(owner, repo, "read-write");
        byte[] body = Backup.random(40_000);
        String sha = Backup.sha256(body);
        JsonPath u = given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("sha256", sha, "size", body.length))
                .post(Backup.REPOS + "/" + repo + "/uploads").then().statusCode(201).extract().jsonPath();
        assertEquals(200, Backup.put(u.getString("url"), body, u.getString("headers.'x-amz-checksum-sha256'")));
        byte[] blob = Backup.random(30_000);
        String blobName = Backup.sha256(blob);
        String kept = Backup.upload(owner, repo, Backup.random(100));

        var s3 = PeersInfra.get().s3();
        s3.stop();
        try {
            given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/uploads/" + u.getString("id") + "/complete").then()
                    .statusCode(503).contentType("application/problem+json").body("type", equalTo("urn:peers:problem:storage-unavailable"))
                    .header("Retry-After", "5");
            var r = ResticTest.send(repo, token, "POST", "data/" + blobName, blob, Map.of());
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.body().contains("storage-unavailable"), r.body());
            assertEquals(404, ResticTest.send(repo, token, "HEAD", "data/" + blobName, null, Map.of()).statusCode(), "nothing recorded");
            given().filter(owner.signed()).delete(Backup.REPOS + "/" + repo).then().statusCode(503);
            given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/prune").then().statusCode(503);
            // Nothing changed: the repository, its one object, its bytes.
            given().filter(owner.signed()).get(Backup.REPOS + "/" + repo).then().statusCode(200).body("objects", equalTo(1)).body("bytes", equalTo(100));
            given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/objects/" + kept).then().statusCode(200);
        } finally {
            s3.start();
        }
        given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/uploads/" + u.getString("id") + "/complete").then().statusCode(200);
        assertEquals(200, ResticTest.send(repo, token, "POST", "data/" + blobName, blob, Map.of()).statusCode());
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo).then().statusCode(200).body("objects", equalTo(3));
    }
}
