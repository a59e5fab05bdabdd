package peers.backup.api;

import static io.restassured.RestAssured.given;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import peers.testing.peers.TestPeer;

/** Calls of the backup-service API as a well-behaved client makes them. */
final class Backup {

    static final String REPOS = "/backup/v1/repos";
    static final SecureRandom RANDOM = new SecureRandom();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private Backup() {
    }

    static String createRepo(TestPeer owner) {
        return given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("name", "r-" + UUID.randomUUID()))
                .post(REPOS).then().statusCode(201).extract().jsonPath().getString("id");
    }

    /** Issues a token; returns {id, secret}. */
    static String[] token(TestPeer owner, String repo, String mode) {
        JsonPath t = given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("mode", mode))
                .post(REPOS + "/" + repo + "/tokens").then().statusCode(201).extract().jsonPath();
        return new String[] {t.getString("id"), t.getString("secret")};
    }

    static String basic(String[] token) {
        return "Basic " + Base64.getEncoder().encodeToString((token[0] + ":" + token[1]).getBytes(StandardCharsets.UTF_8));
    }

    static String base() {
        return RestAssured.baseURI + ":" + RestAssured.port;
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String checksum(byte[] b) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256(b)));
    }

    /**
     * PUTs to a presigned URL; returns the S3 status. Only the status line is read: an S3 server that refuses an upload
     * may close the connection in the middle of its chunked error body (seen in CI as "chunked transfer encoding, state:
     * READING_DATA"), and the status is all these tests look at.
     */
    static int put(String url, byte[] body, String checksum) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            c.setRequestMethod("PUT");
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            if (checksum != null) {
                c.setRequestProperty("x-amz-checksum-sha256", checksum);
            }
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    static byte[] get(String url) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + url + " -> " + r.statusCode());
        }
        return r.body();
    }

    /** Uploads one object through the native API (begin, PUT with checksum, complete); returns its name. */
    static String upload(TestPeer owner, String repo, byte[] body) throws Exception {
        String sha = sha256(body);
        var begin = given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("sha256", sha, "size", body.length))
                .post(REPOS + "/" + repo + "/uploads").then().extract();
        if (begin.statusCode() == 200) {
            return sha;
        }
        if (begin.statusCode() != 201) {
            throw new AssertionError("begin: " + begin.statusCode() + " " + begin.asString());
        }
        JsonPath j = begin.jsonPath();
        if (j.getString("url") != null) {
            int s = put(j.getString("url"), body, j.getString("headers.'x-amz-checksum-sha256'"));
            if (s != 200) {
                throw new AssertionError("PUT -> " + s);
            }
        } else {
            long part = j.getLong("partSize");
            for (Map<String, Object> p : j.<Map<String, Object>>getList("parts")) {
                int n = ((Number) p.get("number")).intValue();
                int from = (int) ((n - 1) * part);
                int to = (int) Math.min(body.length, from + part);
                int s = put((String) p.get("url"), java.util.Arrays.copyOfRange(body, from, to), null);
                if (s != 200) {
                    throw new AssertionError("PUT part " + n + " -> " + s);
                }
            }
        }
        given().filter(owner.signed()).post(REPOS + "/" + repo + "/uploads/" + j.getString("id") + "/complete").then().statusCode(200);
        return sha;
    }
}
