package peers.sync.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import peers.common.identity.Base64Url;
import peers.testing.peers.TestPeer;

/** Calls of the sync-buffer API as a well-behaved client makes them. */
final class Sync {

    static final String BASE = "/sync/v1/streams";
    static final SecureRandom RANDOM = new SecureRandom();

    private Sync() {
    }

    static String createStream(TestPeer owner) {
        return given().filter(owner.signed()).contentType(ContentType.JSON).body("{}").post(BASE)
                .then().statusCode(201).extract().jsonPath().getString("id");
    }

    static void addMember(TestPeer admin, String stream, TestPeer member, String role) {
        given().filter(admin.signed()).contentType(ContentType.JSON).body(Map.of("role", role))
                .put(BASE + "/" + stream + "/members/" + member.id()).then().statusCode(200);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A record body: a fresh id and random ciphertext of {@code size} bytes. */
    static Map<String, Object> record(int size) {
        return record(UUID.randomUUID().toString(), randomBytes(size));
    }

    static Map<String, Object> record(String id, byte[] ciphertext) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("ciphertext", Base64Url.encode(ciphertext));
        return m;
    }

    static List<Map<String, Object>> records(int count, int size) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(record(size));
        }
        return out;
    }

    static ValidatableResponse append(TestPeer p, String stream, List<?> records) {
        return given().filter(p.signed()).contentType(ContentType.JSON).body(Map.of("records", records))
                .post(BASE + "/" + stream + "/records").then().log().ifValidationFails();
    }

    static ValidatableResponse read(TestPeer p, String stream, long after, int limit) {
        return given().filter(p.signed()).get(BASE + "/" + stream + "/records?after=" + after + "&limit=" + limit).then().log().ifValidationFails();
    }

    static long lastSeq(TestPeer p, String stream) {
        return given().filter(p.signed()).get(BASE + "/" + stream).then().statusCode(200).extract().jsonPath().getLong("lastSeq");
    }

    static ValidatableResponse problem(ValidatableResponse r, int status, String type) {
        return r.statusCode(status).contentType("application/problem+json")
                .body("type", equalTo("urn:peers:problem:" + type))
                .body("status", equalTo(status))
                .body("detail", notNullValue())
                .body(not(containsString("Exception")))
                .body(not(containsString("java.")))
                .body(not(containsString("SQL")));
    }
}
