package peers.registry.log.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs {@link MerkleVerifier} over the transparency-dev/merkle proof vectors copied to
 * {@code src/test/resources/merkle} (see SOURCE.md there): one dynamic test per case file. A case
 * with {@code wantErr: false} must verify, every {@code wantErr: true} mutation must be rejected.
 *
 * <p>The happy paths in the numbered folders are proofs in the transparency-dev 8-leaf tree; for
 * those we additionally check that {@link TreeMath} produces exactly the vector's proof and roots.
 */
class MerkleVectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64 = Base64.getDecoder();

    /** Leaves (hex) of the tree the numbered vector folders were generated from. */
    private static final String[] TREE_LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"};

    @TestFactory
    Stream<DynamicNode> vectors() throws IOException, URISyntaxException {
        URL url = getClass().getClassLoader().getResource("merkle");
        assertNotNull(url, "test resources merkle/ missing");
        Path base = Path.of(url.toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(base)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        long inclusion = files.stream().filter(p -> kind(base, p).equals("inclusion")).count();
        long consistency = files.stream().filter(p -> kind(base, p).equals("consistency")).count();
        // Guard against a silently empty or half-copied vector set (the copy has 98 + 98 cases).
        assertTrue(inclusion >= 95, "inclusion cases found: " + inclusion);
        assertTrue(consistency >= 95, "consistency cases found: " + consistency);
        assertEquals(files.size(), inclusion + consistency, "unexpected vector folder");

        Map<NodeId, byte[]> tree = eightLeafTree();
        List<DynamicNode> tests = new ArrayList<>();
        for (Path file : files) {
            String name = base.relativize(file).toString();
            tests.add(DynamicTest.dynamicTest(name, file.toUri(), () -> runCase(base, file, tree)));
        }
        return tests.stream();
    }

    private static String kind(Path base, Path file) {
        return base.relativize(file).getName(0).toString();
    }

    private static void runCase(Path base, Path file, Map<NodeId, byte[]> tree) throws IOException {
        JsonNode c = JSON.readTree(file.toFile());
        boolean wantErr = c.get("wantErr").asBoolean();
        Path rel = base.relativize(file);
        boolean treeHappyPath = !wantErr && rel.getNameCount() == 3 && rel.getName(1).toString().matches("\\d+")
                && rel.getFileName().toString().equals("happy-path.json");
        String desc = rel + " (" + c.get("desc").asText() + ")";

        switch (kind(base, file)) {
            case "inclusion" -> {
                long leafIdx = c.get("leafIdx").asLong();
                long treeSize = c.get("treeSize").asLong();
                byte[] root = bytes(c.get("root"));
                byte[] leafHash = bytes(c.get("leafHash"));
                List<byte[]> proof = proof(c.get("proof"));
                assertEquals(!wantErr, MerkleVerifier.verifyInclusion(leafIdx, treeSize, leafHash, proof, root),
                        desc);
                if (treeHappyPath) {
                    assertArrayEquals(tree.get(NodeId.leaf(leafIdx)), leafHash, desc + ": leaf hash");
                    assertArrayEquals(TreeMath.root(treeSize, tree::get), root, desc + ": root");
                    assertHashes(proof, TreeMath.inclusionProof(leafIdx, treeSize, tree::get), desc);
                }
            }
            case "consistency" -> {
                long size1 = c.get("size1").asLong();
                long size2 = c.get("size2").asLong();
                byte[] root1 = bytes(c.get("root1"));
                byte[] root2 = bytes(c.get("root2"));
                List<byte[]> proof = proof(c.get("proof"));
                assertEquals(!wantErr, MerkleVerifier.verifyConsistency(size1, size2, root1, root2, proof), desc);
                if (treeHappyPath) {
                    assertArrayEquals(TreeMath.root(size1, tree::get), root1, desc + ": root1");
                    assertArrayEquals(TreeMath.root(size2, tree::get), root2, desc + ": root2");
                    assertHashes(proof, TreeMath.consistencyProof(size1, size2, tree::get), desc);
                }
            }
            default -> throw new AssertionError("unknown vector kind: " + rel);
        }
    }

    private static Map<NodeId, byte[]> eightLeafTree() {
        Map<NodeId, byte[]> nodes = new HashMap<>();
        for (int i = 0; i < TREE_LEAVES.length; i++) {
            nodes.put(NodeId.leaf(i), MerkleHash.leafHash(HexFormat.of().parseHex(TREE_LEAVES[i])));
            for (NodeId id : TreeMath.nodesCompletedByAppend(i)) {
                nodes.put(id, MerkleHash.nodeHash(nodes.get(id.leftChild()), nodes.get(id.rightChild())));
            }
        }
        return nodes;
    }

    private static byte[] bytes(JsonNode n) {
        return n == null || n.isNull() ? new byte[0] : B64.decode(n.asText());
    }

    /** JSON {@code null} is Go's nil slice, i.e. an empty proof. */
    private static List<byte[]> proof(JsonNode n) {
        List<byte[]> out = new ArrayList<>();
        if (n != null && !n.isNull()) {
            n.forEach(e -> out.add(bytes(e)));
        }
        return out;
    }

    private static void assertHashes(List<byte[]> expected, List<byte[]> actual, String desc) {
        assertEquals(expected.size(), actual.size(), desc + ": proof length");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), desc + ": proof element " + i);
        }
    }
}
