package peers.auth.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.auth.testsupport.Passkey;
import peers.common.identity.Base64Url;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/** In mode prf nothing the server stores contains the private key: every row of every table is searched. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class StorageTest {

    @Test
    void noRowHoldsThePrivateKeyInPrfMode() throws Exception {
        Passkey passkey = new Passkey(Passkey.Engine.EMULATOR_PACKED);
        TestPeer identity = TestPeer.create();
        var s = Auth.signUp(passkey, identity, "prf", "storage-app");
        AccountsTest.putWrap(s.token(), s.credentialId(), Auth.wrap(identity, Passkey.random(32), s.prfSaltId())).statusCode(200);
        Map<String, Object> recovery = Auth.wrap(identity, Passkey.random(32), "r");
        recovery.remove("saltId");
        recovery.put("lookup", Base64Url.encode(Passkey.random(32)));
        recovery.put("kdfSalt", Base64Url.encode(Passkey.random(16)));
        AccountsTest.as(s.token()).contentType(ContentType.JSON).body(recovery).put(Auth.BASE + "/account/recovery").then().statusCode(204);
        Auth.loginToken(passkey, s.accountId());

        byte[] pkcs8 = identity.privateKey().getEncoded();
        byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        List<String> forms = List.of(HexFormat.of().formatHex(seed), Base64Url.encode(seed), Base64.getEncoder().encodeToString(seed).replace("=", ""),
                HexFormat.of().formatHex(pkcs8), Base64Url.encode(pkcs8));
        List<String> rows = new ArrayList<>();
        try (Connection c = Rows.db(); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'auth'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertTrue(tables.containsAll(List.of("accounts", "credentials", "key_wraps", "recovery_wraps", "sessions", "ceremonies", "peers_outbox")), tables.toString());
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT t::text FROM auth." + t + " t")) {
                    while (rs.next()) {
                        rows.add(t + ": " + rs.getString(1));
                    }
                }
            }
        }
        assertTrue(rows.stream().anyMatch(r -> r.contains(identity.id())), "the public key is stored (sanity check of the search)");
        for (String row : rows) {
            for (String form : forms) {
                assertFalse(row.contains(form), "private key material in " + row);
            }
        }
    }
}
