package peers.auth.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.auth.testsupport.Passkey;
import peers.auth.testsupport.TestClock;
import peers.common.identity.Base64Url;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/** Wrapped keys per passkey, several passkeys, the last way to unlock, recovery, sessions and deletion. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class AccountsTest {

    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static io.restassured.specification.RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    static ValidatableResponse putWrap(String token, String credentialId, Map<String, Object> wrap) {
        return as(token).contentType(ContentType.JSON).body(wrap).put(Auth.BASE + "/account/credentials/" + credentialId + "/wrap").then();
    }

    /** Adds a second passkey to the session's account; returns its id and salt id. */
    static String[] addPasskey(String token, Passkey passkey, Map<String, Object> wrap) {
        var o = as(token).contentType(ContentType.JSON).post(Auth.BASE + "/account/credentials/options").then().statusCode(200).extract().jsonPath();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ceremonyId", o.getString("ceremonyId"));
        body.put("credential", passkey.create(o.getMap("publicKey")));
        if (wrap != null) {
            body.put("wrap", wrap);
        }
        var r = as(token).contentType(ContentType.JSON).body(body).post(Auth.BASE + "/account/credentials").then().statusCode(201).extract().jsonPath();
        return new String[] {r.getString("credentialId"), r.getString("prfSaltId")};
    }

    @Test
    void aWrapIsStoredPerPasskeyAndComesBackByteForByteAtLogin() throws Exception {
        Passkey passkey = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        TestPeer identity = TestPeer.create();
        var s = Auth.signUp(passkey, identity, "prf", "app-1");
        byte[] prfKey = Passkey.random(32);
        putWrap(s.token(), s.credentialId(), Auth.wrap(identity, prfKey, s.prfSaltId())).statusCode(200).body("saltId", equalTo(s.prfSaltId()));

        Auth.Options l = Auth.loginOptions(s.accountId());
        Map<String, Object> wrap = Auth.login(l, passkey.get(l.publicKey()), false).statusCode(200).extract().jsonPath().getMap("wrap");
        assertArrayEquals(identity.privateKey().getEncoded(), Auth.unwrap(wrap, prfKey));
        Map<String, Object> fetched = as(s.token()).get(Auth.BASE + "/account/credentials/" + s.credentialId() + "/wrap").then().statusCode(200)
                .body("identityKey", equalTo(identity.id())).extract().jsonPath().getMap("$");
        assertArrayEquals(identity.privateKey().getEncoded(), Auth.unwrap(fetched, prfKey));
    }

    @Test
    void aWrapMustNameThePasskeysSaltAndTheAccountsKeys() throws Exception {
        Passkey passkey = new Passkey(Passkey.Engine.EMULATOR_NONE);
        TestPeer identity = TestPeer.create();
        var s = Auth.signUp(passkey, identity, "prf", null);
        Auth.problem(putWrap(s.token(), s.credentialId(), Auth.wrap(identity, Passkey.random(32), "otherSaltId")), 409, "salt-mismatch");
        Auth.problem(putWrap(s.token(), s.credentialId(), Auth.wrap(TestPeer.create(), Passkey.random(32), s.prfSaltId())), 422, "key-mismatch");
        Auth.problem(as(s.token()).get(Auth.BASE + "/account/credentials/" + s.credentialId() + "/wrap").then(), 404, "wrap-unknown");
    }

    @Test
    void anotherAccountsPasskeysAndWrapsAreUnknown() throws Exception {
        Passkey a = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        Passkey b = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        TestPeer ia = TestPeer.create();
        TestPeer ib = TestPeer.create();
        var sa = Auth.signUp(a, ia, "prf", null);
        var sb = Auth.signUp(b, ib, "prf", null);
        putWrap(sb.token(), sb.credentialId(), Auth.wrap(ib, Passkey.random(32), sb.prfSaltId())).statusCode(200);
        Auth.problem(as(sa.token()).get(Auth.BASE + "/account/credentials/" + sb.credentialId() + "/wrap").then(), 404, "wrap-unknown");
        Auth.problem(putWrap(sa.token(), sb.credentialId(), Auth.wrap(ia, Passkey.random(32), sb.prfSaltId())), 404, "credential-unknown");
        Auth.problem(as(sa.token()).delete(Auth.BASE + "/account/credentials/" + sb.credentialId()).then(), 404, "credential-unknown");
        // b's wrap is untouched.
        as(sb.token()).get(Auth.BASE + "/account/credentials/" + sb.credentialId() + "/wrap").then().statusCode(200);
    }

    @Test
    void severalPasskeysWrapTheSameKeyAndTheLastWayToUnlockStays() throws Exception {
        Passkey first = new Passkey(Passkey.Engine.EMULATOR_PACKED);
        TestPeer identity = TestPeer.create();
        var s = Auth.signUp(first, identity, "prf", null);
        // A login first, so that this replica keeps the passkey's login view: its removal must still count below.
        Auth.loginToken(first, s.accountId());
        // The only passkey cannot go.
        Auth.problem(as(s.token()).delete(Auth.BASE + "/account/credentials/" + s.credentialId()).then(), 409, "last-way-to-unlock");
        putWrap(s.token(), s.credentialId(), Auth.wrap(identity, Passkey.random(32), s.prfSaltId())).statusCode(200);

        Passkey second = new Passkey(Passkey.Engine.SOFT_EDDSA_PACKED);
        String[] added = addPasskey(s.token(), second, null);
        as(s.token()).get(Auth.BASE + "/account").then().statusCode(200).body("credentials.size()", equalTo(2))
                .body("credentials.find { it.id == '" + added[0] + "' }.wrapped", equalTo(false));
        // The first passkey holds the only wrap: refused while the second has none and no recovery wrap exists.
        Auth.problem(as(s.token()).delete(Auth.BASE + "/account/credentials/" + s.credentialId()).then(), 409, "last-way-to-unlock");
        byte[] secondKey = Passkey.random(32);
        putWrap(s.token(), added[0], Auth.wrap(identity, secondKey, added[1])).statusCode(200);
        as(s.token()).delete(Auth.BASE + "/account/credentials/" + s.credentialId()).then().statusCode(204);
        // Its sessions went with it; the second passkey logs in and unwraps the same key.
        Auth.problem(as(s.token()).get(Auth.BASE + "/account").then(), 401, "session-invalid");
        Auth.Options l = Auth.loginOptions(s.accountId());
        Map<String, Object> wrap = Auth.login(l, second.get(l.publicKey()), false).statusCode(200).extract().jsonPath().getMap("wrap");
        assertArrayEquals(identity.privateKey().getEncoded(), Auth.unwrap(wrap, secondKey));
        Auth.Options l2 = Auth.loginOptions(null);
        Auth.problem(Auth.login(l2, first.get(l2.publicKey()), false), 404, "credential-unknown");
    }

    @Test
    void aRecoveryWrapIsTheSecondWayBack() throws Exception {
        Passkey passkey = new Passkey(Passkey.Engine.SOFT_ES256_NONE);
        TestPeer identity = TestPeer.create();
        var s = Auth.signUp(passkey, identity, "prf", null);
        putWrap(s.token(), s.credentialId(), Auth.wrap(identity, Passkey.random(32), s.prfSaltId())).statusCode(200);
        byte[] lookup = Passkey.random(32);
        byte[] recoveryKey = Passkey.random(32);
        Map<String, Object> w = Auth.wrap(identity, recoveryKey, "recovery");
        w.remove("saltId");
        w.put("lookup", Base64Url.encode(lookup));
        w.put("kdfSalt", Base64Url.encode(Passkey.random(16)));
        as(s.token()).contentType(ContentType.JSON).body(w).put(Auth.BASE + "/account/recovery").then().statusCode(204);
        as(s.token()).get(Auth.BASE + "/account").then().body("recovery", equalTo(true));

        // No session needed: the lookup value comes from the recovery code.
        Map<String, Object> back = given().get(Auth.BASE + "/recovery/" + Base64Url.encode(lookup)).then().statusCode(200)
                .body("accountId", equalTo(s.accountId())).body("identityKey", equalTo(identity.id())).extract().jsonPath().getMap("$");
        assertArrayEquals(identity.privateKey().getEncoded(), Auth.unwrap(back, recoveryKey));
        Auth.problem(given().get(Auth.BASE + "/recovery/" + Base64Url.encode(Passkey.random(32))).then(), 404, "recovery-unknown");
        Auth.problem(given().get(Auth.BASE + "/recovery/short").then(), 422, "invalid-field");

        // With the recovery wrap in place the only passkey's wrap is not the last way to unlock, but the only passkey still stays.
        Auth.problem(as(s.token()).delete(Auth.BASE + "/account/credentials/" + s.credentialId()).then(), 409, "last-way-to-unlock");
    }

    @Test
    void withTheRecoveredKeyANewPasskeyIsAddedWithoutAnyOldOne() throws Exception {
        Passkey lost = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        TestPeer identity = TestPeer.create();
        var s = Auth.signUp(lost, identity, "prf", null);
        // The device with the only passkey is gone; the recovered identity key signs (RFC 9421) for a new passkey.
        var o = given().filter(identity.signed()).contentType(ContentType.JSON).post(Auth.BASE + "/recovery/credentials/options").then().statusCode(200)
                .extract().jsonPath();
        Passkey replacement = new Passkey(Passkey.Engine.EMULATOR_PACKED);
        byte[] prfKey = Passkey.random(32);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ceremonyId", o.getString("ceremonyId"));
        body.put("credential", replacement.create(o.getMap("publicKey")));
        var added = given().filter(identity.signed()).contentType(ContentType.JSON).body(body).post(Auth.BASE + "/recovery/credentials").then().statusCode(201)
                .extract().jsonPath();
        String token = Auth.loginToken(replacement, s.accountId());
        putWrap(token, added.getString("credentialId"), Auth.wrap(identity, prfKey, added.getString("prfSaltId"))).statusCode(200);
        as(token).get(Auth.BASE + "/account").then().body("credentials.size()", equalTo(2));

        // Only the account's own identity key may do this, and only signed.
        Auth.problem(given().filter(TestPeer.create().signed()).contentType(ContentType.JSON).post(Auth.BASE + "/recovery/credentials/options").then(),
                404, "account-unknown");
        given().contentType(ContentType.JSON).post(Auth.BASE + "/recovery/credentials/options").then().statusCode(401);
        // A ceremony of one account cannot add a passkey to another.
        TestPeer other = TestPeer.create();
        Auth.signUp(new Passkey(Passkey.Engine.SOFT_EDDSA_NONE), other, "prf", null);
        var foreign = given().filter(other.signed()).contentType(ContentType.JSON).post(Auth.BASE + "/recovery/credentials/options").then().statusCode(200)
                .extract().jsonPath();
        Map<String, Object> steal = new LinkedHashMap<>();
        steal.put("ceremonyId", foreign.getString("ceremonyId"));
        steal.put("credential", new Passkey(Passkey.Engine.SOFT_EDDSA_NONE).create(foreign.getMap("publicKey")));
        Auth.problem(given().filter(identity.signed()).contentType(ContentType.JSON).body(steal).post(Auth.BASE + "/recovery/credentials").then(),
                404, "ceremony-unknown");
    }

    @Test
    void sessionsExpireAndLogOut() {
        Passkey passkey = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        var s = Auth.signUp(passkey, TestPeer.create(), "prf", null);
        as(s.token()).get(Auth.BASE + "/account").then().statusCode(200);
        clock.advance(Duration.ofMinutes(16));
        Auth.problem(as(s.token()).get(Auth.BASE + "/account").then(), 401, "session-expired");
        clock.reset();
        String token = Auth.loginToken(passkey, s.accountId());
        as(token).delete(Auth.BASE + "/session").then().statusCode(204);
        Auth.problem(as(token).get(Auth.BASE + "/account").then(), 401, "session-invalid");
        Auth.problem(given().get(Auth.BASE + "/account").then(), 401, "session-required");
        Auth.problem(given().header("Authorization", "Basic Zm9vOmJhcg==").get(Auth.BASE + "/account").then(), 401, "session-invalid");
        Auth.problem(as(Base64Url.encode(Passkey.random(32))).get(Auth.BASE + "/account").then(), 401, "session-invalid");
    }

    @Test
    void deletingTheAccountRemovesEverything() throws Exception {
        Passkey passkey = new Passkey(Passkey.Engine.EMULATOR_NONE);
        TestPeer identity = TestPeer.create();
        var s = Auth.signUp(passkey, identity, "prf", null);
        putWrap(s.token(), s.credentialId(), Auth.wrap(identity, Passkey.random(32), s.prfSaltId())).statusCode(200);
        as(s.token()).delete(Auth.BASE + "/account").then().statusCode(204);
        Auth.problem(as(s.token()).get(Auth.BASE + "/account").then(), 401, "session-invalid");
        Auth.problem(given().contentType(ContentType.JSON).body(Map.of("accountId", s.accountId())).post(Auth.BASE + "/authentications/options").then(),
                404, "account-unknown");
        for (String table : new String[] {"accounts", "credentials", "key_wraps", "sessions", "custodial_keys", "recovery_wraps"}) {
            assertEquals(0, Rows.count("SELECT count(*) FROM auth." + table + " WHERE " + (table.equals("accounts") ? "id" : "account_id") + " = ?", s.accountId()),
                    table);
        }
        // The identity key is free again for a new account.
        Auth.signUp(new Passkey(Passkey.Engine.SOFT_EDDSA_NONE), identity, "prf", null);
    }
}
