package peers.auth.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import peers.auth.testsupport.Passkey;
import peers.auth.testsupport.TestClock;
import peers.common.identity.Base64Url;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/**
 * Registration and authentication ceremonies against WebAuthn4J's emulators (packed and none, ES256)
 * and the software authenticator (EdDSA, missing UV), with everything the verification must refuse.
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class CeremoniesTest {

    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @ParameterizedTest
    @EnumSource(Passkey.Engine.class)
    void signUpAndLogInWithEachKindOfPasskey(Passkey.Engine engine) {
        Passkey passkey = new Passkey(engine);
        TestPeer identity = TestPeer.create();
        Auth.Options o = Auth.registrationOptions("notes-app");
        Map<String, Object> pk = o.publicKey();
        assertEquals("peers.test", ((Map<?, ?>) pk.get("rp")).get("id"));
        assertEquals(Map.of("residentKey", "required", "requireResidentKey", true, "userVerification", "required"), pk.get("authenticatorSelection"));
        assertEquals(List.of(-8, -7, -257), ((List<Map<String, Object>>) pk.get("pubKeyCredParams")).stream().map(p -> p.get("alg")).toList());
        assertTrue(((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) pk.get("extensions")).get("prf")).get("eval")).get("first") instanceof String, "PRF salt at creation");

        var signUp = Auth.register(Auth.signUpBody(o, passkey.create(pk), identity, "prf")).statusCode(201)
                .body("mode", equalTo("prf")).body("credentialId", equalTo(passkey.id())).body("session.token", notNullValue())
                .extract().jsonPath();
        String accountId = signUp.getString("accountId");

        // Known account: its passkeys with their PRF salts.
        Auth.Options login = Auth.loginOptions(accountId);
        Map<String, Object> req = login.publicKey();
        assertEquals("required", req.get("userVerification"));
        assertEquals(passkey.id(), ((List<Map<String, Object>>) req.get("allowCredentials")).get(0).get("id"));
        assertTrue(((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) req.get("extensions")).get("prf")).get("evalByCredential")).containsKey(passkey.id()));
        String token = Auth.login(login, passkey.get(req), false).statusCode(200)
                .body("accountId", equalTo(accountId)).body("identityKey", equalTo(identity.id())).body("mode", equalTo("prf"))
                .body("$", not(hasKey("custodialKey")))
                .extract().jsonPath().getString("session.token");
        given().header("Authorization", "Bearer " + token).get(Auth.BASE + "/account").then().statusCode(200)
                .body("id", equalTo(accountId)).body("appId", equalTo("notes-app")).body("credentials.size()", equalTo(1))
                .body("credentials[0].id", equalTo(passkey.id()));

        // Discoverable: no account named, no PRF.
        Auth.Options any = Auth.loginOptions(null);
        assertEquals(List.of(), any.publicKey().get("allowCredentials"));
        Auth.login(any, passkey.get(any.publicKey()), false).statusCode(200).body("accountId", equalTo(accountId));
    }

    @Test
    void aWrongOriginIsRefused() {
        Passkey passkey = new Passkey(Passkey.Engine.EMULATOR_PACKED);
        passkey.origin = "https://evil.example";
        Auth.Options o = Auth.registrationOptions(null);
        Auth.problem(Auth.register(Auth.signUpBody(o, passkey.create(o.publicKey()), TestPeer.create(), "prf")), 400, "webauthn-rejected")
                .body("reason", equalTo("origin"));

        // At login too.
        Passkey good = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        var s = Auth.signUp(good, TestPeer.create(), "prf", null);
        good.origin = "https://app.peers.test.evil.example";
        Auth.Options l = Auth.loginOptions(s.accountId());
        Auth.problem(Auth.login(l, good.get(l.publicKey()), false), 400, "webauthn-rejected").body("reason", equalTo("origin"));
    }

    @Test
    void anotherAllowedOriginAndAnAnyPortLocalhostOriginAreAccepted() {
        Passkey passkey = new Passkey(Passkey.Engine.EMULATOR_NONE);
        passkey.origin = "https://other.peers.test";
        Auth.signUp(passkey, TestPeer.create(), "prf", null);
        Passkey local = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        local.origin = "http://localhost:41234";
        Auth.signUp(local, TestPeer.create(), "prf", null);
        Passkey notAPort = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        notAPort.origin = "http://localhost:41234.evil.example";
        Auth.Options o = Auth.registrationOptions(null);
        Auth.problem(Auth.register(Auth.signUpBody(o, notAPort.create(o.publicKey()), TestPeer.create(), "prf")), 400, "webauthn-rejected")
                .body("reason", equalTo("origin"));
    }

    @ParameterizedTest
    @EnumSource(value = Passkey.Engine.class, names = {"EMULATOR_PACKED", "SOFT_EDDSA_NONE"})
    void aWrongRpIdIsRefused(Passkey.Engine engine) {
        Passkey passkey = new Passkey(engine);
        passkey.rpIdOverride = "evil.example";
        Auth.Options o = Auth.registrationOptions(null);
        Auth.problem(Auth.register(Auth.signUpBody(o, passkey.create(o.publicKey()), TestPeer.create(), "prf")), 400, "webauthn-rejected")
                .body("reason", equalTo("rp-id"));
    }

    @Test
    void aChallengeIsUsedOnceEvenWhenTheFirstUseFails() {
        Passkey passkey = new Passkey(Passkey.Engine.EMULATOR_NONE);
        TestPeer identity = TestPeer.create();
        Auth.Options o = Auth.registrationOptions(null);
        Map<String, Object> body = Auth.signUpBody(o, passkey.create(o.publicKey()), identity, "prf");
        Auth.register(body).statusCode(201);
        Auth.problem(Auth.register(body), 409, "ceremony-used");

        var s = Auth.signUp(new Passkey(Passkey.Engine.SOFT_ES256_NONE), TestPeer.create(), "prf", null);
        Passkey other = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        Auth.signUp(other, TestPeer.create(), "prf", null);
        Auth.Options l = Auth.loginOptions(null);
        Map<String, Object> assertion = other.get(l.publicKey());
        Auth.login(l, assertion, false).statusCode(200);
        Auth.problem(Auth.login(l, assertion, false), 409, "ceremony-used");

        // A response to one ceremony's challenge sent with another ceremony: the challenge does not match, and that ceremony is spent too.
        Auth.Options a = Auth.loginOptions(null);
        Auth.Options b = Auth.loginOptions(null);
        Map<String, Object> forA = other.get(a.publicKey());
        Auth.problem(Auth.login(b, forA, false), 400, "webauthn-rejected").body("reason", equalTo("challenge"));
        Auth.problem(Auth.login(b, other.get(b.publicKey()), false), 409, "ceremony-used");
        Auth.login(a, forA, false).statusCode(200);
        assertTrue(s.accountId() != null);
    }

    @Test
    void concurrentFinishesOfOneCeremonyLetExactlyOneThrough() throws Exception {
        Passkey p = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        var s = Auth.signUp(p, TestPeer.create(), "prf", null);
        Auth.Options l = Auth.loginOptions(s.accountId());
        Map<String, Object> assertion = p.get(l.publicKey());
        List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> Auth.login(l, assertion, false).extract().statusCode()));
            }
        }
        List<Integer> statuses = new java.util.ArrayList<>();
        for (var f : results) {
            statuses.add(f.get());
        }
        assertEquals(1, statuses.stream().filter(x -> x == 200).count(), statuses.toString());
        assertEquals(7, statuses.stream().filter(x -> x == 409).count(), statuses.toString());
        assertEquals(2, Rows.count("SELECT count(*) FROM auth.sessions WHERE account_id = ?", s.accountId()), "sign-up session and one login");
    }

    @Test
    void anExpiredChallengeIsRefused() {
        Passkey passkey = new Passkey(Passkey.Engine.EMULATOR_PACKED);
        Auth.Options o = Auth.registrationOptions(null);
        Map<String, Object> credential = passkey.create(o.publicKey());
        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        Auth.problem(Auth.register(Auth.signUpBody(o, credential, TestPeer.create(), "prf")), 410, "ceremony-expired");
        clock.reset();

        Passkey p = new Passkey(Passkey.Engine.SOFT_EDDSA_PACKED);
        var s = Auth.signUp(p, TestPeer.create(), "prf", null);
        Auth.Options l = Auth.loginOptions(s.accountId());
        Map<String, Object> assertion = p.get(l.publicKey());
        clock.advance(Duration.ofMinutes(3));
        Auth.problem(Auth.login(l, assertion, false), 410, "ceremony-expired");
    }

    @Test
    void missingUserVerificationIsRefused() {
        Passkey passkey = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        passkey.userVerified = false;
        Auth.Options o = Auth.registrationOptions(null);
        Auth.problem(Auth.register(Auth.signUpBody(o, passkey.create(o.publicKey()), TestPeer.create(), "prf")), 400, "webauthn-rejected")
                .body("reason", equalTo("user-verification"));

        Passkey later = new Passkey(Passkey.Engine.SOFT_ES256_NONE);
        var s = Auth.signUp(later, TestPeer.create(), "prf", null);
        later.userVerified = false;
        Auth.Options l = Auth.loginOptions(s.accountId());
        Auth.problem(Auth.login(l, later.get(l.publicKey()), false), 400, "webauthn-rejected").body("reason", equalTo("user-verification"));
    }

    @Test
    void aCounterThatDoesNotIncreaseIsRefused() {
        Passkey emulated = new Passkey(Passkey.Engine.EMULATOR_PACKED);
        var s = Auth.signUp(emulated, TestPeer.create(), "prf", null);
        Auth.loginToken(emulated, s.accountId());
        emulated.countUp(false);
        Auth.Options l = Auth.loginOptions(s.accountId());
        Auth.problem(Auth.login(l, emulated.get(l.publicKey()), false), 400, "webauthn-rejected").body("reason", equalTo("counter"));

        Passkey soft = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        soft.counter = 10;
        var t = Auth.signUp(soft, TestPeer.create(), "prf", null);
        soft.counter = 11;
        Auth.loginToken(soft, t.accountId());
        soft.counter = 5;
        Auth.Options l2 = Auth.loginOptions(t.accountId());
        Auth.problem(Auth.login(l2, soft.get(l2.publicKey()), false), 400, "webauthn-rejected").body("reason", equalTo("counter"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aResponseCarryingPrfResultsIsRefusedAndStoresNothing() {
        Passkey passkey = new Passkey(Passkey.Engine.EMULATOR_NONE);
        TestPeer identity = TestPeer.create();
        Auth.Options o = Auth.registrationOptions(null);
        Map<String, Object> credential = passkey.create(o.publicKey());
        credential.put("clientExtensionResults", Map.of("prf", Map.of("enabled", true, "results", Map.of("first", "AAAA"))));
        Auth.problem(Auth.register(Auth.signUpBody(o, credential, identity, "prf")), 400, "prf-output-sent");
        // Nothing stored, and the ceremony is still good for a clean response.
        credential.put("clientExtensionResults", Map.of("prf", Map.of("enabled", true)));
        var s = Auth.register(Auth.signUpBody(o, credential, identity, "prf")).statusCode(201).extract().jsonPath();

        Auth.Options l = Auth.loginOptions(s.getString("accountId"));
        Map<String, Object> assertion = passkey.get(l.publicKey());
        assertion.put("clientExtensionResults", Map.of("prf", Map.of("results", Map.of("first", "AAAA", "second", "BBBB"))));
        Auth.problem(Auth.login(l, assertion, false), 400, "prf-output-sent");
    }

    @Test
    void aPasskeyOfAnotherAccountIsNotAcceptedForThisOne() {
        Passkey mine = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        Passkey theirs = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        var me = Auth.signUp(mine, TestPeer.create(), "prf", null);
        Auth.signUp(theirs, TestPeer.create(), "prf", null);
        Auth.Options l = Auth.loginOptions(me.accountId());
        Auth.problem(Auth.login(l, theirs.get(l.publicKey()), false), 404, "credential-unknown");
        Passkey unknown = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        Auth.Options u = Auth.registrationOptions(null);
        unknown.create(u.publicKey());
        Auth.Options any = Auth.loginOptions(null);
        Auth.problem(Auth.login(any, unknown.get(any.publicKey()), false), 404, "credential-unknown");
    }

    @Test
    void loginChallengesAreSignedStatelessAndSpentByTheFinish() throws Exception {
        Passkey p = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        var s = Auth.signUp(p, TestPeer.create(), "prf", null);
        long ceremonies = Rows.count("SELECT count(*) FROM auth.ceremonies");
        Auth.Options l = Auth.loginOptions(s.accountId());
        Auth.Options any = Auth.loginOptions(null);
        // Starting a login writes nothing.
        assertEquals(ceremonies, Rows.count("SELECT count(*) FROM auth.ceremonies"));
        byte[] id = Base64Url.decode(l.ceremonyId(), "id");
        byte[] nonce = java.util.Arrays.copyOfRange(id, 9, 25);
        assertEquals(0, Rows.count("SELECT count(*) FROM auth.login_challenges WHERE nonce = ?", (Object) nonce));
        Map<String, Object> assertion = p.get(l.publicKey());

        // The id is authenticated by the challenge: a longer expiry is another challenge; the refused try spends the nonce.
        byte[] later = id.clone();
        later[8] += 1;
        Auth.problem(Auth.login(new Auth.Options(Base64Url.encode(later), l.publicKey()), assertion, false), 400, "webauthn-rejected")
                .body("reason", equalTo("challenge"));
        assertEquals(1, Rows.count("SELECT count(*) FROM auth.login_challenges WHERE nonce = ?", (Object) nonce));
        Auth.problem(Auth.login(l, assertion, false), 409, "ceremony-used");
        // Dropping the account binding is another challenge too.
        Auth.Options l2 = Auth.loginOptions(s.accountId());
        Auth.problem(Auth.login(new Auth.Options(Base64Url.encode(java.util.Arrays.copyOf(Base64Url.decode(l2.ceremonyId(), "id"), 25)), l2.publicKey()),
                p.get(l2.publicKey()), false), 400, "webauthn-rejected").body("reason", equalTo("challenge"));
        // Another account's id with this passkey: unknown for that account.
        var other = Auth.signUp(new Passkey(Passkey.Engine.SOFT_EDDSA_NONE), TestPeer.create(), "prf", null);
        Auth.Options theirs = Auth.loginOptions(other.accountId());
        Auth.problem(Auth.login(theirs, p.get(theirs.publicKey()), false), 404, "credential-unknown");
        // Ids that are no login ceremony of this service.
        Auth.problem(Auth.login(new Auth.Options(Base64Url.encode(new byte[25]), l.publicKey()), assertion, false), 404, "ceremony-unknown");
        Auth.problem(Auth.login(new Auth.Options("not an id", l.publicKey()), assertion, false), 422, "invalid-field");

        // A genuine finish goes through once, with its nonce recorded.
        Auth.Options l3 = Auth.loginOptions(s.accountId());
        Map<String, Object> good = p.get(l3.publicKey());
        Auth.login(l3, good, false).statusCode(200);
        byte[] nonce3 = java.util.Arrays.copyOfRange(Base64Url.decode(l3.ceremonyId(), "id"), 9, 25);
        assertEquals(1, Rows.count("SELECT count(*) FROM auth.login_challenges WHERE nonce = ?", (Object) nonce3));
        Auth.problem(Auth.login(l3, good, false), 409, "ceremony-used");
        Auth.login(any, p.get(any.publicKey()), false).statusCode(200);
        Auth.problem(Auth.login(any, p.get(any.publicKey()), false), 409, "ceremony-used");
    }

    @Test
    void aTamperedSignatureIsRefused() {
        Passkey p = new Passkey(Passkey.Engine.EMULATOR_PACKED);
        var s = Auth.signUp(p, TestPeer.create(), "prf", null);
        Auth.Options l = Auth.loginOptions(s.accountId());
        Map<String, Object> a = p.get(l.publicKey());
        @SuppressWarnings("unchecked")
        Map<String, Object> response = (Map<String, Object>) a.get("response");
        byte[] sig = peers.common.identity.Base64Url.decode((String) response.get("signature"), "s");
        sig[sig.length - 1] ^= 1;
        response.put("signature", peers.common.identity.Base64Url.encode(sig));
        Auth.problem(Auth.login(l, a, false), 400, "webauthn-rejected").body("reason", equalTo("signature"));
    }

    @Test
    void anIdentityProofByAnotherKeyIsRefused() {
        Passkey p = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        Auth.Options o = Auth.registrationOptions(null);
        Map<String, Object> body = Auth.signUpBody(o, p.create(o.publicKey()), TestPeer.create(), "prf");
        body.put("identityKey", TestPeer.create().id());
        Auth.problem(Auth.register(body), 422, "identity-proof-invalid");
    }
}
