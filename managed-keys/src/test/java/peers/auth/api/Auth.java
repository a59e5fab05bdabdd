package peers.auth.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import peers.auth.testsupport.Passkey;
import peers.common.identity.Base64Url;
import peers.testing.peers.TestPeer;

/** Client side of the ceremonies for tests: options, passkey answer, finish. */
final class Auth {

    static final String BASE = "/auth/v1";

    private Auth() {
    }

    record Options(String ceremonyId, Map<String, Object> publicKey) {
        byte[] challenge() {
            return Base64Url.decode((String) publicKey.get("challenge"), "challenge");
        }
    }

    record SignUp(String accountId, String credentialId, String prfSaltId, String token) {
    }

    static Options registrationOptions(String appId) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (appId != null) {
            body.put("appId", appId);
        }
        var r = given().contentType(ContentType.JSON).body(body).post(BASE + "/registrations/options").then().statusCode(200).extract().jsonPath();
        return new Options(r.getString("ceremonyId"), r.getMap("publicKey"));
    }

    static Map<String, Object> signUpBody(Options o, Map<String, Object> credential, TestPeer identity, String mode) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ceremonyId", o.ceremonyId());
        body.put("credential", credential);
        body.put("identityKey", identity.id());
        body.put("identityProof", Base64Url.encode(identity.sign(("peers-auth-signup/v1\n" + Base64Url.encode(o.challenge())).getBytes(StandardCharsets.UTF_8))));
        body.put("mode", mode);
        if ("custodial".equals(mode)) {
            body.put("custodialKey", Base64Url.encode(identity.privateKey().getEncoded()));
        }
        return body;
    }

    static ValidatableResponse register(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post(BASE + "/registrations").then();
    }

    static SignUp signUp(Passkey passkey, TestPeer identity, String mode, String appId) {
        Options o = registrationOptions(appId);
        var r = register(signUpBody(o, passkey.create(o.publicKey()), identity, mode)).statusCode(201).extract().jsonPath();
        return new SignUp(r.getString("accountId"), r.getString("credentialId"), r.getString("prfSaltId"), r.getString("session.token"));
    }

    static Options loginOptions(String accountId) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (accountId != null) {
            body.put("accountId", accountId);
        }
        var r = given().contentType(ContentType.JSON).body(body).post(BASE + "/authentications/options").then().statusCode(200).extract().jsonPath();
        return new Options(r.getString("ceremonyId"), r.getMap("publicKey"));
    }

    static ValidatableResponse login(Options o, Map<String, Object> credential, boolean releaseCustodialKey) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ceremonyId", o.ceremonyId());
        body.put("credential", credential);
        if (releaseCustodialKey) {
            body.put("releaseCustodialKey", true);
        }
        return given().contentType(ContentType.JSON).body(body).post(BASE + "/authentications").then();
    }

    static String loginToken(Passkey passkey, String accountId) {
        Options o = loginOptions(accountId);
        return login(o, passkey.get(o.publicKey()), false).statusCode(200).extract().jsonPath().getString("session.token");
    }

    static ValidatableResponse problem(ValidatableResponse r, int status, String type) {
        return r.statusCode(status).contentType("application/problem+json").body("type", equalTo("urn:peers:problem:" + type));
    }

    /** Wraps the identity's private key the way a client does with its PRF-derived key (AES-256-GCM). */
    static Map<String, Object> wrap(TestPeer identity, byte[] wrappingKey, String saltId) throws Exception {
        byte[] nonce = Passkey.random(12);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(wrappingKey, "AES"), new GCMParameterSpec(128, nonce));
        byte[] ct = c.doFinal(identity.privateKey().getEncoded());
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("algorithm", "A256GCM/HKDF-SHA256");
        w.put("ciphertext", Base64Url.encode(ct));
        w.put("nonce", Base64Url.encode(nonce));
        w.put("saltId", saltId);
        w.put("identityKey", identity.id());
        return w;
    }

    static byte[] unwrap(Map<String, Object> wrap, byte[] wrappingKey) throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(wrappingKey, "AES"),
                new GCMParameterSpec(128, Base64Url.decode((String) wrap.get("nonce"), "nonce")));
        return c.doFinal(Base64Url.decode((String) wrap.get("ciphertext"), "ciphertext"));
    }
}
