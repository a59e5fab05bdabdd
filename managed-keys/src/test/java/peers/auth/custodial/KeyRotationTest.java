package peers.auth.custodial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.auth.testsupport.Passkey;
import peers.common.identity.Base64Url;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.PeersInfraResource;
import peers.testing.infra.TestPostgres;

/** Key-encryption keys are named by id and rotatable: rows under an old key are re-wrapped under the current one. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class KeyRotationTest {

    static final List<String> KEYS = List.of("k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", "k2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8");

    @Inject
    CustodialKeys custodial;

    @Test
    void envelopesBindTheAccountAndRewrapKeepsTheKey() {
        KeyEncryptionKeys old = new KeyEncryptionKeys(KEYS, "k1");
        KeyEncryptionKeys current = new KeyEncryptionKeys(KEYS, "k2");
        byte[] secret = Passkey.random(48);
        KeyEncryptionKeys.Envelope e = old.seal("acct", secret);
        assertEquals("k1", e.kekId());
        KeyEncryptionKeys.Envelope moved = current.rewrap("acct", e);
        assertEquals("k2", moved.kekId());
        assertArrayEquals(secret, current.open("acct", moved));
        assertArrayEquals(secret, current.open("acct", e));
        assertThrows(IllegalStateException.class, () -> current.open("other-acct", moved));
        assertThrows(IllegalStateException.class, () -> new KeyEncryptionKeys(List.of("k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"), "k1").open("acct", moved));
        assertThrows(IllegalArgumentException.class, () -> new KeyEncryptionKeys(List.of("k1:AAEC"), "k1"));
        assertThrows(IllegalArgumentException.class, () -> new KeyEncryptionKeys(KEYS, "k9"));
    }

    @Test
    void rowsUnderAnOldKeyAreRewrappedAndStillRelease() throws Throwable {
        // A custodial account made while k1 was current: sign up (under k2), then put the row back under k1.
        Passkey p = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        p.prfEnabled = false;
        peers.testing.peers.TestPeer identity = peers.testing.peers.TestPeer.create();
        var o = io.restassured.RestAssured.given().contentType(ContentType.JSON).body(Map.of()).post("/auth/v1/registrations/options").then().extract().jsonPath();
        byte[] challenge = Base64Url.decode(o.getString("publicKey.challenge"), "c");
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("ceremonyId", o.getString("ceremonyId"));
        body.put("credential", p.create(o.getMap("publicKey")));
        body.put("identityKey", identity.id());
        body.put("identityProof", Base64Url.encode(identity.sign(peers.auth.accounts.AccountService.signupProofMessage(challenge))));
        body.put("mode", "custodial");
        body.put("custodialKey", Base64Url.encode(identity.privateKey().getEncoded()));
        String accountId = io.restassured.RestAssured.given().contentType(ContentType.JSON).body(body).post("/auth/v1/registrations").then().statusCode(201)
                .extract().jsonPath().getString("accountId");
        KeyEncryptionKeys.Envelope underK1 = new KeyEncryptionKeys(KEYS, "k1").seal(accountId, identity.privateKey().getEncoded());
        try (Connection c = db(); PreparedStatement s = c.prepareStatement("UPDATE auth.custodial_keys SET kek_id = ?, wrapped_dek = ?, ciphertext = ? WHERE account_id = ?")) {
            s.setString(1, underK1.kekId());
            s.setBytes(2, underK1.wrappedDek());
            s.setBytes(3, underK1.ciphertext());
            s.setString(4, accountId);
            assertEquals(1, s.executeUpdate());
        }
        assertEquals(1, (int) VertxContextSupport.subscribeAndAwait(() -> custodial.rewrapBatch()));
        assertEquals("k2", kekOf(accountId));
        assertEquals(0, (int) VertxContextSupport.subscribeAndAwait(() -> custodial.rewrapBatch()));
        var l = io.restassured.RestAssured.given().contentType(ContentType.JSON).body(Map.of("accountId", accountId)).post("/auth/v1/authentications/options")
                .then().extract().jsonPath();
        String key = io.restassured.RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("ceremonyId", l.getString("ceremonyId"), "credential", p.get(l.getMap("publicKey")), "releaseCustodialKey", true))
                .post("/auth/v1/authentications").then().statusCode(200).extract().jsonPath().getString("custodialKey");
        assertArrayEquals(identity.privateKey().getEncoded(), Base64Url.decode(key, "k"));
    }

    static Connection db() throws Exception {
        var pg = PeersInfra.get().postgres();
        return DriverManager.getConnection(pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE), pg.user(), pg.password());
    }

    static String kekOf(String accountId) throws Exception {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement("SELECT kek_id FROM auth.custodial_keys WHERE account_id = ?")) {
            s.setString(1, accountId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
