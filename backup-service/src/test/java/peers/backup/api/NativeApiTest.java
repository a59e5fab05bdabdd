package peers.backup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/**
 * The native API end to end against real PostgreSQL and S3: presigned single and multipart uploads verified
 * on completion, deduplication, presigned downloads, snapshots, retention with garbage collection, and
 * repository deletion with everything in it.
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class NativeApiTest {

    static List<String> s3Keys(String prefix) throws Exception {
        var s3 = PeersInfra.get().s3();
        MinioClient c = MinioClient.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).build();
        List<String> out = new ArrayList<>();
        for (Result<Item> r : c.listObjects(ListObjectsArgs.builder().bucket("peers-backup").prefix(prefix).recursive(true).build())) {
            out.add(r.get().objectName());
        }
        return out;
    }

    @Test
    void uploadDeduplicateDownload() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        byte[] body = Backup.random(300_000);
        String sha = Backup.sha256(body);

        JsonPath begin = given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("sha256", sha, "size", body.length))
                .post(Backup.REPOS + "/" + repo + "/uploads").then().statusCode(201).body("exists", equalTo(false)).extract().jsonPath();
        assertEquals(200, Backup.put(begin.getString("url"), body, begin.getString("headers.'x-amz-checksum-sha256'")));
        // Not recorded before completion.
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/objects").then().statusCode(200).body("objects", hasSize(0));
        given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/uploads/" + begin.getString("id") + "/complete")
                .then().statusCode(200).body("sha256", equalTo(sha)).body("size", equalTo(body.length));

        // The same content again: deduplicated, nothing to upload.
        given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("sha256", sha, "size", body.length))
                .post(Backup.REPOS + "/" + repo + "/uploads").then().statusCode(200).body("exists", equalTo(true)).body("object.sha256", equalTo(sha));

        String url = given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/objects/" + sha).then().statusCode(200)
                .body("size", equalTo(body.length)).extract().jsonPath().getString("url");
        assertArrayEquals(body, Backup.get(url));
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo).then().statusCode(200).body("bytes", equalTo(body.length)).body("objects", equalTo(1));
        assertEquals(List.of(repo + "/objects/" + sha), s3Keys(repo + "/"), "staging bytes are gone; the object sits at its content address");
    }

    @Test
    void multipartUploadIsVerifiedWhole() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        byte[] body = Backup.random(11 * 1024 * 1024 + 5);
        JsonPath begin = given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("sha256", Backup.sha256(body), "size", body.length))
                .post(Backup.REPOS + "/" + repo + "/uploads").then().statusCode(201).extract().jsonPath();
        assertEquals(3, begin.getList("parts").size(), begin.prettify());
        // Completing before the parts are there: refused, nothing recorded.
        given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/uploads/" + begin.getString("id") + "/complete")
                .then().statusCode(409).body("type", equalTo("urn:peers:problem:upload-incomplete"));
        String sha = Backup.upload(owner, repo, body); // begins again (a new upload) and completes it
        String url = given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/objects/" + sha).then().statusCode(200).extract().jsonPath().getString("url");
        assertArrayEquals(body, Backup.get(url));
    }

    @Test
    void snapshotsRetentionAndGarbageCollection() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        String shared = Backup.upload(owner, repo, Backup.random(1000));
        List<String> only = new ArrayList<>();
        Instant t = Instant.parse("2026-01-10T12:00:00Z");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String own = Backup.upload(owner, repo, Backup.random(2000 + i));
            only.add(own);
            ids.add(given().filter(owner.signed()).contentType(ContentType.JSON)
                    .body(Map.of("name", "nightly", "takenAt", t.plusSeconds(86400L * i).toString(), "objects", List.of(shared, own)))
                    .post(Backup.REPOS + "/" + repo + "/snapshots").then().statusCode(201).body("objectCount", equalTo(2))
                    .body("bytes", equalTo(1000 + 2000 + i)).extract().jsonPath().getString("id"));
        }
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/snapshots/" + ids.get(0)).then().statusCode(200)
                .body("objects.sha256", org.hamcrest.Matchers.containsInAnyOrder(shared, only.get(0)));
        // A snapshot may only list stored objects.
        String absent = Backup.sha256(new byte[] {1, 2, 3});
        given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("name", "x", "objects", List.of(shared, absent)))
                .post(Backup.REPOS + "/" + repo + "/snapshots").then().statusCode(422)
                .body("type", equalTo("urn:peers:problem:objects-missing")).body("missing", equalTo(List.of(absent)));
        // An object no snapshot references.
        String loose = Backup.upload(owner, repo, Backup.random(500));

        given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("keepLast", 2))
                .put(Backup.REPOS + "/" + repo + "/retention").then().statusCode(200).body("retention.keepLast", equalTo(2));
        given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/prune").then().statusCode(200)
                .body("snapshotsForgotten", equalTo(2)).body("objectsDeleted", equalTo(3)).body("bytesFreed", equalTo(2000 + 2001 + 500));
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/snapshots").then().statusCode(200)
                .body("snapshots.id", equalTo(List.of(ids.get(3), ids.get(2))));
        for (String gone : List.of(only.get(0), only.get(1), loose)) {
            given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/objects/" + gone).then().statusCode(404)
                    .body("type", equalTo("urn:peers:problem:object-unknown"));
        }
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/objects/" + shared).then().statusCode(200);
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo).then().statusCode(200)
                .body("bytes", equalTo(1000 + 2002 + 2003)).body("objects", equalTo(3));
        List<String> keys = s3Keys(repo + "/");
        assertEquals(3, keys.size(), keys.toString());
        assertTrue(keys.contains(repo + "/objects/" + shared));

        // Forgetting a snapshot by hand, then pruning again.
        given().filter(owner.signed()).delete(Backup.REPOS + "/" + repo + "/snapshots/" + ids.get(2)).then().statusCode(204);
        given().filter(owner.signed()).post(Backup.REPOS + "/" + repo + "/prune").then().statusCode(200).body("objectsDeleted", equalTo(1));
    }

    @Test
    void deletingARepositoryDeletesEverything() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        Backup.upload(owner, repo, Backup.random(700));
        Backup.upload(owner, repo, Backup.random(800));
        String[] token = Backup.token(owner, repo, "read-write");
        assertEquals(2, s3Keys(repo + "/").size());
        given().filter(owner.signed()).get(Backup.REPOS).then().statusCode(200).body("repos.id", org.hamcrest.Matchers.hasItem(repo));
        given().filter(owner.signed()).delete(Backup.REPOS + "/" + repo).then().statusCode(204);
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo).then().statusCode(404).body("type", equalTo("urn:peers:problem:repo-unknown"));
        assertEquals(List.of(), s3Keys(repo + "/"));
        assertEquals(401, ResticTest.send(repo, token, "GET", "keys/", null, Map.of()).statusCode());
        // The owner's usage is back to zero: a new repository can use the whole quota.
        given().filter(owner.signed()).get(Backup.REPOS).then().statusCode(200).body("repos", hasSize(0));
    }
}
