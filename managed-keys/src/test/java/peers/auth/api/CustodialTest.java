package peers.auth.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.auth.testsupport.Passkey;
import peers.common.identity.Base64Url;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/** Passkeys without PRF: custodial mode works when opted in and is refused otherwise. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class CustodialTest {

    @Test
    void withoutPrfModePrfIsRefusedAndCustodialWorksWhenOptedIn() {
        Passkey noPrf = new Passkey(Passkey.Engine.EMULATOR_PACKED);
        noPrf.prfEnabled = false;
        TestPeer identity = TestPeer.create();
        Auth.Options o = Auth.registrationOptions(null);
        Map<String, Object> credential = noPrf.create(o.publicKey());
        Auth.problem(Auth.register(Auth.signUpBody(o, credential, identity, "prf")), 422, "prf-unavailable");

        Auth.Options o2 = Auth.registrationOptions(null);
        var s = Auth.register(Auth.signUpBody(o2, noPrf.create(o2.publicKey()), identity, "custodial")).statusCode(201)
                .body("mode", equalTo("custodial")).extract().jsonPath();

        // A login that does not ask gets no key; one that asks gets it after its fresh user-verified assertion.
        Auth.Options l = Auth.loginOptions(s.getString("accountId"));
        Auth.login(l, noPrf.get(l.publicKey()), false).statusCode(200).body("mode", equalTo("custodial")).body("$", not(hasKey("custodialKey")));
        Auth.Options l2 = Auth.loginOptions(s.getString("accountId"));
        String key = Auth.login(l2, noPrf.get(l2.publicKey()), true).statusCode(200).extract().jsonPath().getString("custodialKey");
        assertArrayEquals(identity.privateKey().getEncoded(), Base64Url.decode(key, "k"));
    }

    @Test
    void aPrfAccountHasNoKeyToReleaseAndTakesNoCustodialKey() {
        Passkey p = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        TestPeer identity = TestPeer.create();
        var s = Auth.signUp(p, identity, "prf", null);
        Auth.Options l = Auth.loginOptions(s.accountId());
        Auth.problem(Auth.login(l, p.get(l.publicKey()), true), 409, "not-custodial");

        Auth.Options o = Auth.registrationOptions(null);
        Map<String, Object> body = Auth.signUpBody(o, new Passkey(Passkey.Engine.SOFT_EDDSA_NONE).create(o.publicKey()), TestPeer.create(), "prf");
        body.put("custodialKey", "AAAA");
        Auth.problem(Auth.register(body), 422, "invalid-field").body("field", equalTo("custodialKey"));
    }

    @Test
    void aCustodialAccountTakesNoWrapAndItsRowHoldsNoPlaintext() throws Exception {
        Passkey p = new Passkey(Passkey.Engine.SOFT_ES256_NONE);
        p.prfEnabled = false;
        TestPeer identity = TestPeer.create();
        var s = Auth.signUp(p, identity, "custodial", null);
        Auth.problem(AccountsTest.putWrap(s.token(), s.credentialId(), Auth.wrap(identity, Passkey.random(32), s.prfSaltId())), 409, "wrong-mode");
        assertEquals(1, Rows.count("SELECT count(*) FROM auth.custodial_keys WHERE account_id = ? AND kek_id = 'k2'", s.accountId()));
        String seedHex = java.util.HexFormat.of().formatHex(java.util.Arrays.copyOfRange(identity.privateKey().getEncoded(), 16, 48));
        assertEquals(0, Rows.count("SELECT count(*) FROM auth.custodial_keys t WHERE t::text LIKE ?", "%" + seedHex + "%"));
    }
}
