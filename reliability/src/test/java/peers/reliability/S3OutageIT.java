package peers.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import peers.testing.infra.TestS3;
import peers.testing.peers.TestPeer;

/**
 * The S3 server stopped while clients upload to backup-service, through the native API (presigned PUT, then
 * completion) and through the restic endpoint (a raw blob save, and a whole {@code restic backup}).
 *
 * <p>Proves: while S3 is away the service answers a clean 503 problem+json ({@code storage-unavailable}), never a
 * 500 or a hang; nothing is recorded for bytes that were not stored (no object row, restic {@code HEAD} 404);
 * once S3 is back the same upload completes, the same blob saves, and a {@code restic backup} that ran into
 * the outage finishes by its own retries; {@code restic check --read-data} passes and the restore is identical.
 */
class S3OutageIT {

    @Test
    void uploadsGetClean503sWhileS3IsDownAndSucceedOnRetry() throws Exception {
        Stack stack = Stack.get();
        Workload w = new Workload(stack);
        TestS3 s3 = stack.infra.s3();
        String backup = stack.url(Stack.BACKUP);
        TestPeer owner = TestPeer.create();
        Api.Res repoRes = w.createRepo(owner, "s3-outage");
        assertEquals(201, repoRes.status(), repoRes::toString);
        String repo = repoRes.json().path("id").asText();
        Api.Res token = Api.post(backup + "/backup/v1/repos/" + repo + "/tokens", Map.of("mode", "read-write"), owner);
        assertEquals(201, token.status(), token::toString);
        Restic restic = new Restic(backup, repo, token.json().path("id").asText(), token.json().path("secret").asText());
        Path log = Files.createTempFile("restic-", ".log");
        assertEquals(0, restic.run(log, Duration.ofSeconds(120), "init"), () -> "restic init: " + tail(log));
        Path data = Restic.randomTree(12, 256 * 1024);

        // a native upload begun while S3 is up
        byte[] object = Workload.random(48 * 1024);
        String sha = Workload.sha256Hex(object);
        String uploads = backup + "/backup/v1/repos/" + repo + "/uploads";
        Api.Res begin = Api.post(uploads, Map.of("sha256", sha, "size", object.length), owner);
        assertEquals(201, begin.status(), begin::toString);
        JsonNode b = begin.json();
        byte[] blob = Workload.random(32 * 1024);
        String blobName = Workload.sha256Hex(blob);
        String blobUrl = backup + "/backup/restic/" + repo + "/data/" + blobName;
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (token.json().path("id").asText() + ":" + token.json().path("secret").asText()).getBytes(java.nio.charset.StandardCharsets.UTF_8));

        Process backupRun;
        s3.stop();
        try {
            // native: the PUT cannot reach S3; completing answers 503 and records nothing
            Api.Res put = put(b, object);
            assertTrue(!put.ok(), "S3 is down: " + put);
            Api.Res complete = Api.post(uploads + "/" + b.path("id").asText() + "/complete", null, owner);
            assertTrue(complete.cleanUnavailable(), "completion while S3 is down: " + complete);
            assertEquals("urn:peers:problem:storage-unavailable", complete.json().path("type").asText());
            Api.Res another = Api.post(uploads, Map.of("sha256", Workload.sha256Hex(Workload.random(8)), "size", 8), owner);
            assertTrue(another.status() == 201 || another.cleanUnavailable(), "beginning an upload while S3 is down: " + another);
            assertEquals(404, w.object(owner, repo, sha).status(), "no object without its bytes");
            assertEquals(0, stack.scalar("SELECT count(*) FROM backup.objects WHERE repo_id = '" + repo + "' AND name = '" + sha + "'"),
                    "no object row without its bytes");

            // restic endpoint: a blob save answers 503, and the blob does not exist afterwards
            Api.Res save = Api.exchange(HttpRequest.newBuilder(URI.create(blobUrl)).timeout(Api.TIMEOUT).header("Authorization", basic)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build());
            assertTrue(save.cleanUnavailable(), "restic blob save while S3 is down: " + save);
            Api.Res head = Api.exchange(HttpRequest.newBuilder(URI.create(blobUrl)).timeout(Api.TIMEOUT).header("Authorization", basic)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertTrue(head.status() == 404 || head.cleanUnavailable(), "the unsaved blob is not listed: " + head);
            assertEquals(0, stack.scalar("SELECT count(*) FROM backup.objects WHERE repo_id = '" + repo + "' AND name = '" + blobName + "'"),
                    "no restic file row without its bytes");

            // a restic backup that starts into the outage
            backupRun = restic.start(log, "backup", data.toString());
            Thread.sleep(8_000);
            assertTrue(backupRun.isAlive(), () -> "restic retries while S3 is away: " + tail(log));
        } finally {
            s3.start();
        }
        assertTrue(backupRun.waitFor(180, TimeUnit.SECONDS), () -> "restic backup finishes after S3 returns: " + tail(log));
        assertEquals(0, backupRun.exitValue(), () -> "restic backup after the outage: " + tail(log));

        // retries succeed: the same presigned URL, the same completion, the same blob
        Api.Res put = put(b, object);
        assertEquals(200, put.status(), put::toString);
        Api.Res complete = Api.post(uploads + "/" + b.path("id").asText() + "/complete", null, owner);
        assertEquals(200, complete.status(), complete::toString);
        assertEquals(200, w.object(owner, repo, sha).status());
        Api.Res save = Api.exchange(HttpRequest.newBuilder(URI.create(blobUrl)).timeout(Api.TIMEOUT).header("Authorization", basic)
                .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build());
        assertEquals(200, save.status(), save::toString);

        assertEquals(0, restic.run(log, Duration.ofSeconds(180), "check", "--read-data"), () -> "restic check: " + tail(log));
        Path restore = Files.createTempDirectory("restic-restore-");
        assertEquals(0, restic.run(log, Duration.ofSeconds(180), "restore", "latest", "--target", restore.toString()), () -> "restic restore: " + tail(log));
        try (var files = Files.list(data)) {
            for (Path f : files.toList()) {
                Path back = restore.resolve(data.toString().substring(1)).resolve(f.getFileName());
                assertTrue(java.util.Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(back)), "restored " + f.getFileName());
            }
        }
    }

    private static Api.Res put(JsonNode begin, byte[] bytes) {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(begin.path("url").asText())).timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        begin.path("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
        return Api.exchange(put.build());
    }

    private static String tail(Path log) {
        try {
            return Restic.tail(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
