package peers.registry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.registry.log.LogSigner;
import peers.registry.log.TransparencyLog;
import peers.registry.log.merkle.MerkleHash;
import peers.registry.log.merkle.MerkleVerifier;

/**
 * Verifies a lookup answer exactly as a client must (docs/api/key-registry.md, "Verifying a
 * lookup"): the entry states what the answer says, the entry and salt hash to the leaf, the leaf is
 * in the tree, and the tree head is signed by the log key.
 */
public final class ProofChecker {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProofChecker() {
    }

    /** Fails the test unless the response body of a lookup verifies; returns the parsed entry. */
    public static JsonNode verify(JsonPath body, String expectedLogKey) throws Exception {
        Map<String, Object> identity = body.getMap("identity");
        String entryText = body.getString("proof.entry");
        JsonNode entry = JSON.readTree(entryText);
        // 1. The entry says what the answer says.
        assertEquals(identity.get("identityKey"), entry.get("identityKey").asText());
        assertEquals(identity.get("handle"), entry.get("handle").isNull() ? null : entry.get("handle").asText());
        assertEquals(identity.get("status"), entry.get("status").asText());
        assertEquals(identity.get("discoverability"), entry.get("discoverability").asText());
        assertEquals(identity.get("id"), entry.get("identity").asText());
        // 2. Entry + salt are the leaf's commitment.
        byte[] commitment = TransparencyLog.commitment(Base64Url.decode(body.getString("proof.salt"), "salt"), entryText);
        byte[] leafHash = MerkleHash.leafHash(commitment);
        // 3. The leaf is in the tree of the signed head.
        long leafIndex = body.getLong("proof.leafIndex");
        long treeSize = body.getLong("proof.treeHead.treeSize");
        byte[] root = Base64Url.decode(body.getString("proof.treeHead.rootHash"), "root");
        List<byte[]> proof = body.getList("proof.inclusion", String.class).stream().map(s -> Base64Url.decode(s, "proof")).toList();
        assertTrue(MerkleVerifier.verifyInclusion(leafIndex, treeSize, leafHash, proof, root), "inclusion proof must verify");
        // 4. The head is signed by the log key the client trusts.
        String logKey = body.getString("proof.treeHead.logKey");
        if (expectedLogKey != null) {
            assertEquals(expectedLogKey, logKey);
        }
        byte[] signed = LogSigner.signedText(body.getString("proof.treeHead.origin"), treeSize, root, body.getLong("proof.treeHead.signedAt"));
        assertTrue(PeerKey.parse(logKey).verify(signed, Base64Url.decode(body.getString("proof.treeHead.signature"), "signature")),
                "tree head signature must verify");
        return entry;
    }
}
