package peers.registry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import org.junit.jupiter.api.Test;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.registry.log.LogSigner;
import peers.registry.log.merkle.MerkleVerifier;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/** Proofs served by the running service verify with the RFC 9162 verifier; heads are signed. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class LogTest {

    static JsonPath head(long size) {
        return given().get("/registry/v1/log/tree-heads/" + size).then().statusCode(200).extract().jsonPath();
    }

    static byte[] bytes(String s) {
        return Base64Url.decode(s, "hash");
    }

    static void assertSigned(JsonPath h) {
        byte[] text = LogSigner.signedText(h.getString("origin"), h.getLong("treeSize"), bytes(h.getString("rootHash")), h.getLong("signedAt"));
        assertTrue(PeerKey.parse(h.getString("logKey")).verify(text, bytes(h.getString("signature"))), "tree head signature");
    }

    @Test
    void consistencyProofsBetweenEveryPairOfRecentSizesVerify() {
        for (int i = 0; i < 6; i++) {
            Registrations.register(TestPeer.create(), Registrations.uniqueHandle()).statusCode(201);
        }
        long size = given().get("/registry/v1/log/tree-head").then().statusCode(200).extract().jsonPath().getLong("treeSize");
        for (long a = Math.max(1, size - 6); a <= size; a++) {
            JsonPath ha = head(a);
            assertSigned(ha);
            for (long b = a; b <= size; b++) {
                JsonPath hb = head(b);
                List<byte[]> proof = given().get("/registry/v1/log/proofs/consistency?first=" + a + "&second=" + b).then().statusCode(200)
                        .extract().jsonPath().getList("proof", String.class).stream().map(LogTest::bytes).toList();
                assertTrue(MerkleVerifier.verifyConsistency(a, b, bytes(ha.getString("rootHash")), bytes(hb.getString("rootHash")), proof),
                        "consistency " + a + " -> " + b);
            }
        }
    }

    @Test
    void inclusionProofsOfEveryLeafVerifyAgainstTheHead() {
        Registrations.register(TestPeer.create(), Registrations.uniqueHandle()).statusCode(201);
        JsonPath h = given().get("/registry/v1/log/tree-head").then().statusCode(200).extract().jsonPath();
        long size = h.getLong("treeSize");
        List<String> leaves = given().get("/registry/v1/log/entries?start=0&limit=1000").then().statusCode(200)
                .body("treeSize", equalTo((int) size)).extract().jsonPath().getList("entries.data", String.class);
        for (long i = Math.max(0, size - 20); i < size; i++) {
            List<byte[]> proof = given().get("/registry/v1/log/proofs/inclusion?leafIndex=" + i + "&treeSize=" + size).then().statusCode(200)
                    .extract().jsonPath().getList("proof", String.class).stream().map(LogTest::bytes).toList();
            byte[] leafHash = peers.registry.log.merkle.MerkleHash.leafHash(bytes(leaves.get((int) i)));
            assertTrue(MerkleVerifier.verifyInclusion(i, size, leafHash, proof, bytes(h.getString("rootHash"))), "leaf " + i);
        }
    }
}
