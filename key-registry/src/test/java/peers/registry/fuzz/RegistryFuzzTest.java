package peers.registry.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import peers.common.problems.Params;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;
import peers.registry.handles.Handle;
import peers.registry.handles.HandlePolicy;
import peers.registry.handles.InvalidHandle;
import peers.registry.log.merkle.MerkleHash;
import peers.registry.log.merkle.MerkleVerifier;
import peers.registry.log.merkle.NodeId;
import peers.registry.log.merkle.TreeMath;

/**
 * Fuzzing of key-registry's client-facing parsers: handles (normalization and the spoofing rules),
 * the Merkle proof request parameters and proof assembly behind {@code /registry/v1/log/proofs/*},
 * and the RFC 9162 verifier a client runs on proofs and tree heads it receives. Every input must parse
 * or be refused with the documented exception; anything else is a finding (docs/fuzzing.md).
 */
class RegistryFuzzTest {

    static final HandlePolicy HANDLES = HandlePolicy.defaults();
    static final ObjectMapper JSON = new ObjectMapper();
    /** The bound LogResource puts on tree sizes and leaf indexes in query parameters. */
    static final long MAX_SIZE = Long.MAX_VALUE >> 8;

    /** Handles: refused with InvalidHandle, or a canonical handle that checks to itself again. */
    @FuzzTest(maxDuration = "30s")
    void handles(FuzzedDataProvider data) {
        String input = data.consumeRemainingAsString();
        Handle handle;
        try {
            handle = HANDLES.check(input);
        } catch (InvalidHandle refused) {
            assertNotNull(refused.reason());
            assertNotNull(refused.getMessage());
            return;
        }
        int length = handle.normalized().codePointCount(0, handle.normalized().length());
        assertTrue(length >= HandlePolicy.MIN_LENGTH && length <= HandlePolicy.MAX_LENGTH, "length " + length);
        assertFalse(handle.skeleton().isEmpty());
        // Normalization is idempotent: the stored form is accepted as itself, with the same skeleton.
        assertEquals(handle, HANDLES.check(handle.normalized()), "the normalized handle does not check to itself");
    }

    /**
     * An inclusion proof as a client receives it (the transparency-dev vector shape: leafIdx,
     * treeSize, root, leafHash, proof): the verifier answers true or false and never throws, and says
     * true only when the proof's implied root is the root.
     */
    @FuzzTest(maxDuration = "30s")
    void inclusionProofs(FuzzedDataProvider data) {
        JsonNode v = json(data.consumeRemainingAsString());
        if (v == null) {
            return;
        }
        long leafIndex = v.path("leafIdx").asLong(-1);
        long treeSize = v.path("treeSize").asLong(-1);
        byte[] root = bytes(v.get("root"));
        byte[] leafHash = bytes(v.get("leafHash"));
        List<byte[]> proof = hashes(v.get("proof"));
        boolean verified = MerkleVerifier.verifyInclusion(leafIndex, treeSize, leafHash, proof, root);
        Optional<byte[]> implied = MerkleVerifier.rootFromInclusion(leafIndex, treeSize, leafHash, proof);
        assertEquals(verified, root != null && implied.isPresent() && Arrays.equals(implied.get(), root));
        if (verified) {
            assertTrue(leafIndex >= 0 && leafIndex < treeSize);
        }
    }

    /** A consistency proof between two tree heads: true or false, never an exception. */
    @FuzzTest(maxDuration = "30s")
    void consistencyProofs(FuzzedDataProvider data) {
        JsonNode v = json(data.consumeRemainingAsString());
        if (v == null) {
            return;
        }
        long size1 = v.path("size1").asLong(-1);
        long size2 = v.path("size2").asLong(-1);
        byte[] root1 = bytes(v.get("root1"));
        byte[] root2 = bytes(v.get("root2"));
        List<byte[]> proof = hashes(v.get("proof"));
        boolean verified = MerkleVerifier.verifyConsistency(size1, size2, root1, root2, proof);
        if (verified) {
            assertTrue(size1 > 0 && size1 <= size2, size1 + " -> " + size2);
        }
    }

    /**
     * The query parameters of GET /proofs/inclusion and /proofs/consistency, validated as LogResource
     * and TransparencyLog do, then the proof assembled by TreeMath over a store that holds exactly the
     * perfect subtrees of the tree: refused with 422, or a proof that asks only for nodes inside the
     * tree and the {@code nodesFor…} set. For small trees the store holds real hashes and the client's
     * verifier must accept the server's proof.
     */
    @FuzzTest(maxDuration = "30s")
    void proofRequests(FuzzedDataProvider data) {
        boolean inclusion = data.consumeBoolean();
        String a = data.consumeString(24);
        String b = data.consumeRemainingAsString();
        long first;
        long second;
        try {
            first = Params.longParam(inclusion ? "leafIndex" : "first", Params.stringParam("a", a, 20, true), 0, inclusion ? 0 : 1, MAX_SIZE);
            second = Params.longParam(inclusion ? "treeSize" : "second", Params.stringParam("b", b, 20, true), 0, 1, MAX_SIZE);
        } catch (ProblemException refused) {
            assertEquals(ProblemType.INVALID_FIELD, refused.type());
            return;
        }
        // TransparencyLog's guards (answered as 422 tree-size-out-of-range)
        if (inclusion ? first >= second : first > second) {
            return;
        }
        long treeSize = second;
        boolean small = treeSize <= 300;
        Map<NodeId, byte[]> real = small ? perfectNodes(treeSize) : Map.of();
        Set<NodeId> allowed = inclusion ? TreeMath.nodesForInclusion(first, second) : TreeMath.nodesForConsistency(first, second);
        assertTrue(allowed.size() <= 2 * Long.SIZE, "too many nodes: " + allowed.size());
        java.util.function.Function<NodeId, byte[]> store = id -> {
            assertTrue(allowed.contains(id), "asked for " + id + " outside nodesFor…");
            assertTrue(id.end() <= treeSize, "asked for " + id + " beyond tree size " + treeSize);
            return small ? real.get(id) : synthetic(id);
        };
        List<byte[]> proof = inclusion ? TreeMath.inclusionProof(first, second, store) : TreeMath.consistencyProof(first, second, store);
        if (small) {
            byte[] root2 = TreeMath.root(second, real::get);
            if (inclusion) {
                assertTrue(MerkleVerifier.verifyInclusion(first, second, real.get(NodeId.leaf(first)), proof, root2),
                        "client rejects the server's inclusion proof of " + first + " in " + second);
            } else {
                byte[] root1 = TreeMath.root(first, real::get);
                assertTrue(MerkleVerifier.verifyConsistency(first, second, root1, root2, proof),
                        "client rejects the server's consistency proof " + first + " -> " + second);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    static JsonNode json(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    /** Standard base64 (the vectors' encoding); null when absent or not base64, as a client would treat it. */
    static byte[] bytes(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(node.asText());
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    static List<byte[]> hashes(JsonNode node) {
        if (node == null || !node.isArray()) {
            return node == null || node.isNull() ? null : List.of();
        }
        List<byte[]> out = new ArrayList<>();
        for (JsonNode n : node) {
            out.add(bytes(n));
        }
        return out;
    }

    /** Every perfect subtree of a tree of {@code size} leaves (leaf i holds the byte i), as stored by the log. */
    static Map<NodeId, byte[]> perfectNodes(long size) {
        Map<NodeId, byte[]> nodes = new HashMap<>();
        for (long i = 0; i < size; i++) {
            nodes.put(NodeId.leaf(i), MerkleHash.leafHash(new byte[] {(byte) i, (byte) (i >> 8)}));
            for (NodeId n : TreeMath.nodesCompletedByAppend(i)) {
                nodes.put(n, MerkleHash.nodeHash(nodes.get(n.leftChild()), nodes.get(n.rightChild())));
            }
        }
        return nodes;
    }

    static byte[] synthetic(NodeId id) {
        try {
            return MessageDigest.getInstance("SHA-256").digest((id.level() + "/" + id.index()).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
