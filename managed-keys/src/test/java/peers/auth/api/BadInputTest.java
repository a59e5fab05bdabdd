package peers.auth.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import peers.auth.testsupport.Passkey;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/** Bad input is a 4xx problem+json naming what to change, and stores nothing. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class BadInputTest {

    static io.restassured.response.ValidatableResponse post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(Auth.BASE + path).then();
    }

    /** A sign-up body with one thing broken: refused with the problem, no account for the identity key, and the challenge unspent when refused before use. */
    static void refusedSignUp(Consumer<Map<String, Object>> breakIt, int status, String type, String field) throws Exception {
        TestPeer identity = TestPeer.create();
        Passkey p = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        Auth.Options o = Auth.registrationOptions(null);
        Map<String, Object> body = Auth.signUpBody(o, p.create(o.publicKey()), identity, "prf");
        breakIt.accept(body);
        var r = Auth.problem(Auth.register(body), status, type);
        if (field != null) {
            r.body("field", equalTo(field));
        }
        assertEquals(0, Rows.count("SELECT count(*) FROM auth.accounts WHERE identity_key = ?", identity.id()), "nothing stored");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> response(Map<String, Object> body) {
        return (Map<String, Object>) ((Map<String, Object>) body.get("credential")).get("response");
    }

    @Test
    void malformedJsonWrongTypesAndUnknownFields() {
        Auth.problem(post("/registrations", "{\"ceremonyId\": "), 400, "malformed-request");
        Auth.problem(post("/registrations/options", "[1,2"), 400, "malformed-request");
        Auth.problem(post("/authentications", "{\"ceremonyId\":\"x\",\"credential\":{},\"releaseCustodialKey\":\"maybe\"}"), 400, "malformed-request");
        Auth.problem(post("/registrations/options", "{\"appId\":\"a\",\"surprise\":1}"), 400, "malformed-request");
        Auth.problem(post("/authentications", "{}"), 422, "invalid-field");
        Auth.problem(given().contentType(ContentType.TEXT).body("hello").post(Auth.BASE + "/registrations").then(), 415, "unsupported-media-type");
        Auth.problem(given().get(Auth.BASE + "/nothing-here").then(), 404, "not-found");
        Auth.problem(given().get(Auth.BASE + "/registrations").then(), 405, "method-not-allowed");
    }

    @Test
    void oversizedBodiesAreRefusedBeforeParsing() {
        String big = "{\"appId\":\"" + "a".repeat(70_000) + "\"}";
        Auth.problem(post("/registrations/options", big), 413, "body-too-large");
    }

    /** Bytes Jackson takes for UTF-32 but that are no UTF-32 text (found by WebAuthnJsonFuzzTest): 400, not 500. */
    @Test
    void bodiesInNoValidEncodingAreMalformed() throws Exception {
        byte[] body = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(
                "src/test/resources/peers/auth/fuzz/WebAuthnJsonFuzzTestInputs/authenticationResponses/not-utf32"));
        for (String path : List.of("/authentications", "/registrations", "/authentications/options", "/registrations/options")) {
            Auth.problem(given().contentType(ContentType.JSON).body(body).post(Auth.BASE + path).then(), 400, "malformed-request");
        }
    }

    @Test
    void badSignUpsStoreNothing() throws Exception {
        refusedSignUp(b -> b.put("credential", "not an object"), 422, "invalid-field", "credential");
        refusedSignUp(b -> response(b).put("clientDataJSON", "not*base64url"), 422, "invalid-field", "credential.response.clientDataJSON");
        refusedSignUp(b -> response(b).remove("attestationObject"), 422, "invalid-field", "credential.response.attestationObject");
        refusedSignUp(b -> response(b).put("attestationObject", "AAAA"), 400, "malformed-request", null);
        refusedSignUp(b -> response(b).put("transports", "usb"), 422, "invalid-field", "credential.response.transports");
        refusedSignUp(b -> ((Map<String, Object>) b.get("credential")).put("rawId", "AAAA"), 422, "invalid-field", "credential.id");
        refusedSignUp(b -> b.put("identityKey", "short"), 422, "invalid-field", "identityKey");
        refusedSignUp(b -> b.put("identityProof", "%%%"), 422, "invalid-field", "identityProof");
        refusedSignUp(b -> b.put("encryptionKey", "AAAA"), 422, "invalid-field", "encryptionKey");
        refusedSignUp(b -> b.put("mode", "plaintext"), 422, "invalid-field", "mode");
        refusedSignUp(b -> b.put("mode", "custodial"), 422, "invalid-field", "custodialKey");
        refusedSignUp(b -> b.put("ceremonyId", "nope"), 422, "invalid-field", "ceremonyId");
        refusedSignUp(b -> b.put("ceremonyId", "AAAAAAAAAAAAAAAAAAAAAA"), 404, "ceremony-unknown", null);
        refusedSignUp(b -> b.put("wrap", Map.of("algorithm", "x", "ciphertext", "!!", "nonce", "AAAAAAAAAAA", "saltId", "s", "identityKey", b.get("identityKey"))),
                422, "invalid-field", "wrap.ciphertext");
        refusedSignUp(b -> b.put("wrap", Map.of("algorithm", "x", "ciphertext", "A".repeat(6000), "nonce", "AAAAAAAAAAA", "saltId", "s",
                "identityKey", b.get("identityKey"))), 422, "invalid-field", "wrap.ciphertext");
        refusedSignUp(b -> b.put("wrap", Map.of("algorithm", "x", "ciphertext", "AAAA", "nonce", "AAAAAAAAAAA", "saltId", "wrong-salt",
                "identityKey", b.get("identityKey"))), 409, "salt-mismatch", null);
        refusedSignUp(b -> b.put("wrap", Map.of("algorithm", "x", "ciphertext", "AAAA", "nonce", "AAAAAAAAAAA", "saltId", "s",
                "identityKey", TestPeer.create().id())), 422, "key-mismatch", null);
    }

    @Test
    void badOptionRequestsAndUnknownIds() {
        Auth.problem(post("/registrations/options", "{\"appId\":\"no spaces allowed\"}"), 422, "invalid-field");
        Auth.problem(post("/authentications/options", "{\"accountId\":\"../../etc\"}"), 422, "invalid-field");
        Auth.problem(post("/authentications/options", "{\"accountId\":\"AAAAAAAAAAAAAAAAAAAAAA\"}"), 404, "account-unknown");
        Auth.problem(post("/authentications", "{\"ceremonyId\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"credential\":{\"id\":\"AAAA\",\"response\":{\"clientDataJSON\":\"AAAA\","
                + "\"authenticatorData\":\"AAAA\",\"signature\":\"AAAA\"}}}"), 404, "ceremony-unknown");
        // A registration ceremony cannot finish a login.
        Auth.Options reg = Auth.registrationOptions(null);
        Auth.problem(post("/authentications", "{\"ceremonyId\":\"" + reg.ceremonyId() + "\",\"credential\":{\"id\":\"AAAA\",\"response\":{\"clientDataJSON\":\"AAAA\","
                + "\"authenticatorData\":\"AAAA\",\"signature\":\"AAAA\"}}}"), 404, "ceremony-unknown");
    }

    @Test
    void badSessionRequests() {
        Passkey p = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        TestPeer identity = TestPeer.create();
        var s = Auth.signUp(p, identity, "prf", null);
        Auth.problem(AccountsTest.as(s.token()).contentType(ContentType.JSON).body("{\"algorithm\":1").put(Auth.BASE + "/account/credentials/" + s.credentialId() + "/wrap").then(),
                400, "malformed-request");
        Auth.problem(AccountsTest.as(s.token()).contentType(ContentType.JSON).body("{}").put(Auth.BASE + "/account/credentials/" + s.credentialId() + "/wrap").then(),
                422, "invalid-field");
        Auth.problem(AccountsTest.as(s.token()).get(Auth.BASE + "/account/credentials/not+base64/wrap").then(), 422, "invalid-field");
        Auth.problem(AccountsTest.as(s.token()).contentType(ContentType.JSON).body(Map.of("lookup", "AAAA", "algorithm", "a", "ciphertext", "AAAA", "nonce", "AAAAAAAAAAA",
                "kdfSalt", "AAAAAAAAAAAAAAAAAAAAAA", "identityKey", identity.id())).put(Auth.BASE + "/account/recovery").then(), 422, "invalid-field");
        Auth.problem(AccountsTest.as(s.token()).contentType(ContentType.JSON).body("{\"ceremonyId\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"credential\":{}}")
                .post(Auth.BASE + "/account/credentials").then(), 422, "invalid-field");
        Auth.problem(given().contentType(ContentType.JSON).body("{}").post(Auth.BASE + "/account/credentials/options").then(), 401, "session-required");
        Auth.problem(given().delete(Auth.BASE + "/account").then(), 401, "session-required");
    }
}
