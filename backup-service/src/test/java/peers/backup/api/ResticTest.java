package peers.backup.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/**
 * The real restic binary (0.14, Debian package) against the restic endpoint: init, backup of a few MB,
 * restore with a byte-for-byte comparison, check --read-data, forget --prune; an append-only token that
 * backs up but cannot delete; a tampered upload refused; a revoked token refused.
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class ResticTest {

    @Inject
    MeterRegistry registry;

    Path work;

    @BeforeEach
    void dirs() throws IOException {
        work = Files.createTempDirectory("restic-test-");
    }

    @AfterEach
    void clean() {
        Files2.deleteTree(work);
    }

    record Run(int exit, String output) {
    }

    Run restic(String repo, String[] token, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("restic", "--no-cache", "--json"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        URI base = URI.create(Backup.base());
        pb.environment().put("RESTIC_REPOSITORY", "rest:http://" + token[0] + ":" + token[1] + "@" + base.getHost() + ":" + base.getPort() + "/backup/restic/" + repo + "/");
        pb.environment().put("RESTIC_PASSWORD", "correct horse battery staple");
        pb.environment().put("HOME", work.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("restic " + String.join(" ", args) + " timed out");
        }
        return new Run(p.exitValue(), out);
    }

    Run ok(String repo, String[] token, String... args) throws Exception {
        Run r = restic(repo, token, args);
        assertEquals(0, r.exit(), "restic " + String.join(" ", args) + ":\n" + r.output());
        return r;
    }

    @Test
    void resticBacksUpRestoresChecksAndPrunes() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        String[] rw = Backup.token(owner, repo, "read-write");
        Path src = Files.createDirectories(work.resolve("src"));
        Files.write(src.resolve("a.bin"), Backup.random(3 * 1024 * 1024));
        Files.write(src.resolve("b.bin"), Backup.random(1024 * 1024 + 17));
        Files.writeString(src.resolve("c.txt"), "hello restic\n".repeat(1000));
        Files.createDirectories(src.resolve("sub"));
        Files.write(src.resolve("sub/d.bin"), Backup.random(200_000));

        ok(repo, rw, "init");
        ok(repo, rw, "backup", src.toString());
        Path out = work.resolve("out");
        ok(repo, rw, "restore", "latest", "--target", out.toString());
        for (String f : List.of("a.bin", "b.bin", "c.txt", "sub/d.bin")) {
            Path restored = out.resolve(src.toString().substring(1)).resolve(f);
            assertArrayEquals(Files.readAllBytes(src.resolve(f)), Files.readAllBytes(restored), f);
        }
        ok(repo, rw, "check", "--read-data");

        // The repository's usage is visible natively.
        long bytes = given().filter(owner.signed()).get(Backup.REPOS + "/" + repo).then().statusCode(200).extract().jsonPath().getLong("bytes");
        assertTrue(bytes > 4 * 1024 * 1024, "stored " + bytes);

        // A second backup of changed files, then forget --prune keeps one snapshot; the data stays consistent.
        Files.write(src.resolve("a.bin"), Backup.random(2 * 1024 * 1024));
        ok(repo, rw, "backup", src.toString());
        ok(repo, rw, "forget", "--keep-last", "1", "--prune");
        Run snaps = ok(repo, rw, "snapshots");
        assertEquals(1, snaps.output().split("\"short_id\"").length - 1, snaps.output());
        ok(repo, rw, "check", "--read-data");
        long after = given().filter(owner.signed()).get(Backup.REPOS + "/" + repo).then().statusCode(200).extract().jsonPath().getLong("bytes");
        assertTrue(after < bytes + 2 * 1024 * 1024, "prune freed the old a.bin: " + bytes + " -> " + after);

        double writes = registry.get("peers.backup.restic.blobs").tag("repo", repo).tag("op", "write").counter().count();
        double reads = registry.get("peers.backup.restic.bytes").tag("repo", repo).tag("op", "read").counter().count();
        double deletes = registry.get("peers.backup.restic.blobs").tag("repo", repo).tag("op", "delete").counter().count();
        assertTrue(writes > 5 && reads > 4 * 1024 * 1024 && deletes > 0, writes + " " + reads + " " + deletes);
    }

    @Test
    void appendOnlyTokenBacksUpButCannotDelete() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        String[] ao = Backup.token(owner, repo, "append-only");
        Path src = Files.createDirectories(work.resolve("src"));
        Files.write(src.resolve("x.bin"), Backup.random(500_000));
        ok(repo, ao, "init");
        ok(repo, ao, "backup", src.toString());
        ok(repo, ao, "backup", src.toString());
        Run forget = restic(repo, ao, "forget", "--keep-last", "1", "--prune");
        assertNotEquals(0, forget.exit(), forget.output());
        // Still two snapshots: nothing was deleted.
        Run snaps = ok(repo, ao, "snapshots");
        assertEquals(2, snaps.output().split("\"short_id\"").length - 1, snaps.output());

        HttpResponse<String> list = send(repo, ao, "GET", "snapshots/", null, Map.of("Accept", "application/vnd.x.restic.rest.v2"));
        String id = list.body().replaceAll("(?s).*?\"name\":\"([0-9a-f]{64})\".*", "$1");
        assertEquals(403, send(repo, ao, "DELETE", "snapshots/" + id, null, Map.of()).statusCode());
        assertEquals(403, send(repo, ao, "DELETE", "config", null, Map.of()).statusCode());
        assertEquals(403, send(repo, ao, "POST", "config", "other".getBytes(), Map.of()).statusCode(), "config cannot be replaced");
        assertEquals(200, send(repo, ao, "HEAD", "snapshots/" + id, null, Map.of()).statusCode());
        // Locks may go: restic must be able to unlock.
        byte[] lock = "{\"lock\":1}".getBytes();
        String lockId = Backup.sha256(lock);
        assertEquals(200, send(repo, ao, "POST", "locks/" + lockId, lock, Map.of()).statusCode());
        assertEquals(200, send(repo, ao, "DELETE", "locks/" + lockId, null, Map.of()).statusCode());
    }

    @Test
    void tamperedUploadIsRefusedAndNothingStored() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        String[] rw = Backup.token(owner, repo, "read-write");
        byte[] real = Backup.random(100_000);
        byte[] tampered = real.clone();
        tampered[500] ^= 1;
        String name = Backup.sha256(real);
        HttpResponse<String> r = send(repo, rw, "POST", "data/" + name, tampered, Map.of());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("blob-mismatch"), r.body());
        assertEquals(404, send(repo, rw, "HEAD", "data/" + name, null, Map.of()).statusCode());
        assertEquals(404, send(repo, rw, "GET", "data/" + name, null, Map.of()).statusCode());
        // The genuine bytes are accepted, then served whole and by range.
        assertEquals(200, send(repo, rw, "POST", "data/" + name, real, Map.of()).statusCode());
        HttpResponse<String> head = send(repo, rw, "HEAD", "data/" + name, null, Map.of());
        assertEquals("100000", head.headers().firstValue("Content-Length").orElse(null));
        HttpResponse<byte[]> range = Backup.HTTP.send(request(repo, rw, "GET", "data/" + name, null, Map.of("Range", "bytes=10-19")),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, range.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(real, 10, 20), range.body());
        HttpResponse<byte[]> suffix = Backup.HTTP.send(request(repo, rw, "GET", "data/" + name, null, Map.of("Range", "bytes=-10")),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, suffix.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(real, real.length - 10, real.length), suffix.body());
        // Range reaches S3 only as one canonical byte range (BackupFuzzTest#ranges): reversed or several ranges are 416,
        // another unit is ignored (the whole file), as RFC 9110 §14.2 says.
        HttpResponse<String> reversed = send(repo, rw, "GET", "data/" + name, null, Map.of("Range", "bytes=20-10"));
        assertEquals(416, reversed.statusCode(), reversed.body());
        assertTrue(reversed.body().contains("range-not-satisfiable"), reversed.body());
        assertEquals(416, send(repo, rw, "GET", "data/" + name, null, Map.of("Range", "bytes=0-1,5-6")).statusCode());
        HttpResponse<byte[]> otherUnit = Backup.HTTP.send(request(repo, rw, "GET", "data/" + name, null, Map.of("Range", "items=0-5")),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, otherUnit.statusCode());
        assertEquals(real.length, otherUnit.body().length);
        // Non-hex names, unknown types, traversal: refused before anything happens.
        assertEquals(400, send(repo, rw, "POST", "data/..%2F..%2Fetc", real, Map.of()).statusCode());
        assertEquals(400, send(repo, rw, "GET", "data/ABC", null, Map.of()).statusCode());
        assertEquals(404, send(repo, rw, "GET", "secrets/", null, Map.of()).statusCode());
        // Oversize: refused before anything is read or stored (limit named).
        HttpResponse<String> big = send(repo, rw, "POST", "config", new byte[70_000], Map.of());
        assertEquals(413, big.statusCode(), big.body());
        assertTrue(big.body().contains("backup.max-config-bytes"), big.body());
        assertEquals(404, send(repo, rw, "HEAD", "config", null, Map.of()).statusCode());
    }

    @Test
    void badAndRevokedTokensAreRefused() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        String other = Backup.createRepo(owner);
        String[] rw = Backup.token(owner, repo, "read-write");
        assertEquals(200, send(repo, rw, "GET", "keys/", null, Map.of()).statusCode());
        assertEquals(401, send(repo, new String[] {rw[0], rw[1] + "x"}, "GET", "keys/", null, Map.of()).statusCode());
        assertEquals(401, send(other, rw, "GET", "keys/", null, Map.of()).statusCode(), "a token is for its repository only");
        HttpResponse<String> none = Backup.HTTP.send(HttpRequest.newBuilder(URI.create(Backup.base() + "/backup/restic/" + repo + "/keys/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        // The bare prefix (no repository, no trailing slash) is refused like an unknown repository, not a 500 (BackupFuzzTest#resticPaths).
        HttpResponse<String> bare = Backup.HTTP.send(HttpRequest.newBuilder(URI.create(Backup.base() + "/backup/restic"))
                .header("Authorization", Backup.basic(rw)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, bare.statusCode(), bare.body());
        assertEquals("Basic realm=\"restic\"", bare.headers().firstValue("WWW-Authenticate").orElse(null), "answered by the restic routes");
        given().filter(owner.signed()).delete(Backup.REPOS + "/" + repo + "/tokens/" + rw[0]).then().statusCode(204);
        assertEquals(401, send(repo, rw, "GET", "keys/", null, Map.of()).statusCode(), "revoked at once");
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/tokens").then().statusCode(200)
                .body("tokens[0].revokedAt", org.hamcrest.Matchers.notNullValue()).body("tokens[0].secret", org.hamcrest.Matchers.nullValue());
    }

    static HttpRequest request(String repo, String[] token, String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Backup.base() + "/backup/restic/" + repo + "/" + path)).timeout(java.time.Duration.ofSeconds(60))
                .header("Authorization", Backup.basic(token))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return b.build();
    }

    static HttpResponse<String> send(String repo, String[] token, String method, String path, byte[] body, Map<String, String> headers) throws Exception {
        return Backup.HTTP.send(request(repo, token, method, path, body, headers), HttpResponse.BodyHandlers.ofString());
    }
}
