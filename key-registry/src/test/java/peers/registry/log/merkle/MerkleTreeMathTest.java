package peers.registry.log.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link TreeMath} against a naive, literal transcription of the RFC 9162 §2.1 recursions
 * (MTH, PATH, PROOF/SUBPROOF) over the full leaf list, and {@link MerkleVerifier} against both.
 *
 * <p>The reference hashes with its own {@link MessageDigest} calls, so a bug in {@link MerkleHash}
 * cannot cancel out.
 */
class MerkleTreeMathTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int SMALL = 70;
    private static final int LARGE = 1000;

    /** Random leaf data of the big tree; every prefix of it is one of the trees under test. */
    private static List<byte[]> leafData;
    /** Leaf hashes per the reference implementation. */
    private static List<byte[]> refLeafHashes;
    /** The node store, filled by appending leaves one at a time with nodesCompletedByAppend. */
    private static Map<NodeId, byte[]> store;

    @BeforeAll
    static void buildLog() {
        Random rnd = new Random(9162);
        leafData = new ArrayList<>();
        refLeafHashes = new ArrayList<>();
        store = new HashMap<>();
        for (int i = 0; i < LARGE; i++) {
            // At least 8 random bytes, so that no two leaves coincide (the "other leaf" checks need that).
            byte[] data = new byte[8 + rnd.nextInt(32)];
            rnd.nextBytes(data);
            leafData.add(data);
            refLeafHashes.add(refLeafHash(data));
            append(store, i, data);
            // The store holds exactly the perfect subtrees of the current size: sum of size / 2^L.
            long size = i + 1;
            long expected = 0;
            for (long s = size; s > 0; s >>= 1) {
                expected += s;
            }
            assertEquals(expected, store.size(), "store size after " + size + " leaves");
        }
    }

    /** What the log service does on append: store the leaf, then every node it completes. */
    private static void append(Map<NodeId, byte[]> nodes, long leafIndex, byte[] data) {
        assertEquals(null, nodes.put(NodeId.leaf(leafIndex), MerkleHash.leafHash(data)));
        long previousLevel = 0;
        for (NodeId id : TreeMath.nodesCompletedByAppend(leafIndex)) {
            assertEquals(previousLevel + 1, id.level(), "bottom-up order");
            previousLevel = id.level();
            assertEquals(leafIndex + 1, id.end(), "completed node must end at the new leaf");
            byte[] left = nodes.get(id.leftChild());
            byte[] right = nodes.get(id.rightChild());
            assertNotNull(left, "left child of " + id);
            assertNotNull(right, "right child of " + id);
            assertEquals(null, nodes.put(id, MerkleHash.nodeHash(left, right)), id + " stored twice");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Naive reference: RFC 9162 §2.1 over an explicit list of leaf hashes.

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] refLeafHash(byte[] data) {
        return sha256(new byte[] {0}, data);
    }

    private static byte[] refNodeHash(byte[] l, byte[] r) {
        return sha256(new byte[] {1}, l, r);
    }

    private static int refK(int n) {
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return k;
    }

    /** MTH(D[from:to]) given leaf hashes. */
    private static byte[] refMth(List<byte[]> d) {
        int n = d.size();
        if (n == 0) {
            return sha256();
        }
        if (n == 1) {
            return d.get(0);
        }
        int k = refK(n);
        return refNodeHash(refMth(d.subList(0, k)), refMth(d.subList(k, n)));
    }

    /** PATH(m, D[n]). */
    private static List<byte[]> refPath(int m, List<byte[]> d) {
        int n = d.size();
        List<byte[]> out = new ArrayList<>();
        if (n == 1) {
            return out;
        }
        int k = refK(n);
        if (m < k) {
            out.addAll(refPath(m, d.subList(0, k)));
            out.add(refMth(d.subList(k, n)));
        } else {
            out.addAll(refPath(m - k, d.subList(k, n)));
            out.add(refMth(d.subList(0, k)));
        }
        return out;
    }

    /** SUBPROOF(m, D[n], b). */
    private static List<byte[]> refSubproof(int m, List<byte[]> d, boolean b) {
        int n = d.size();
        List<byte[]> out = new ArrayList<>();
        if (m == n) {
            if (!b) {
                out.add(refMth(d));
            }
            return out;
        }
        int k = refK(n);
        if (m <= k) {
            out.addAll(refSubproof(m, d.subList(0, k), b));
            out.add(refMth(d.subList(k, n)));
        } else {
            out.addAll(refSubproof(m - k, d.subList(k, n), false));
            out.add(refMth(d.subList(0, k)));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Node access auditing

    /**
     * A node lookup that fails the test if asked for anything outside {@code allowed} or for a node
     * not fully covered by {@code treeSize} (which the database would not have yet), and records
     * what was asked.
     */
    private static final class AuditedLookup implements Function<NodeId, byte[]> {
        private final Set<NodeId> allowed;
        private final long treeSize;
        private final Function<NodeId, byte[]> backing;
        final Set<NodeId> requested = new HashSet<>();

        AuditedLookup(Set<NodeId> allowed, long treeSize, Function<NodeId, byte[]> backing) {
            this.allowed = allowed;
            this.treeSize = treeSize;
            this.backing = backing;
        }

        @Override
        public byte[] apply(NodeId id) {
            if (!allowed.contains(id)) {
                fail("lookup of " + id + " which is not in the announced node set " + allowed);
            }
            if (id.end() > treeSize) {
                fail("lookup of " + id + " which does not exist yet at tree size " + treeSize);
            }
            requested.add(id);
            return backing.apply(id);
        }
    }

    private static void assertHashListEquals(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": length");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": element " + i);
        }
    }

    private static byte[] flipBit(byte[] h, int bit) {
        byte[] c = h.clone();
        c[bit / 8] ^= (byte) (1 << (bit % 8));
        return c;
    }

    private static int log2Floor(long n) {
        return 63 - Long.numberOfLeadingZeros(n);
    }

    // ------------------------------------------------------------------------------------------
    // Append bookkeeping

    @Test
    void nodesCompletedByAppendExamples() {
        assertEquals(List.of(), TreeMath.nodesCompletedByAppend(0));
        assertEquals(List.of(new NodeId(1, 0)), TreeMath.nodesCompletedByAppend(1));
        assertEquals(List.of(), TreeMath.nodesCompletedByAppend(2));
        assertEquals(List.of(new NodeId(1, 1), new NodeId(2, 0)), TreeMath.nodesCompletedByAppend(3));
        assertEquals(List.of(new NodeId(1, 3), new NodeId(2, 1), new NodeId(3, 0)),
                TreeMath.nodesCompletedByAppend(7));
        assertEquals(List.of(new NodeId(1, 4)), TreeMath.nodesCompletedByAppend(9));
        assertEquals(List.of(new NodeId(1, 5), new NodeId(2, 2)), TreeMath.nodesCompletedByAppend(11));
        // Leaf 2^40 - 1 completes one node on each of 40 levels.
        List<NodeId> big = TreeMath.nodesCompletedByAppend((1L << 40) - 1);
        assertEquals(40, big.size());
        assertEquals(new NodeId(40, 0), big.get(39));
        assertThrows(IllegalArgumentException.class, () -> TreeMath.nodesCompletedByAppend(-1));
    }

    // ------------------------------------------------------------------------------------------
    // Roots

    @Test
    void knownEightLeafTreeRoot() {
        String[] leaves = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f"};
        Map<NodeId, byte[]> nodes = new HashMap<>();
        for (int i = 0; i < leaves.length; i++) {
            append(nodes, i, HEX.parseHex(leaves[i]));
        }
        assertEquals("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
                HEX.formatHex(TreeMath.root(8, nodes::get)));
        assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                HEX.formatHex(MerkleHash.leafHash(new byte[0])));
    }

    @Test
    void emptyTree() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HEX.formatHex(MerkleHash.emptyRoot()));
        assertEquals(Set.of(), TreeMath.nodesForRoot(0));
        assertArrayEquals(MerkleHash.emptyRoot(),
                TreeMath.root(0, id -> fail("the empty tree reads no nodes, asked for " + id)));
        assertThrows(IllegalArgumentException.class, () -> TreeMath.root(-1, store::get));
    }

    @Test
    void rootsMatchReference() {
        List<Integer> sizes = new ArrayList<>();
        for (int n = 1; n <= SMALL; n++) {
            sizes.add(n);
        }
        sizes.addAll(List.of(127, 128, 129, 255, 256, 257, 511, 512, 513, 999, LARGE));
        for (int n : sizes) {
            Set<NodeId> ids = TreeMath.nodesForRoot(n);
            assertEquals(Long.bitCount(n), ids.size(), "root nodes for " + n);
            AuditedLookup lookup = new AuditedLookup(ids, n, store::get);
            byte[] root = TreeMath.root(n, lookup);
            assertArrayEquals(refMth(refLeafHashes.subList(0, n)), root, "root of size " + n);
            assertEquals(ids, lookup.requested, "every announced node is used, size " + n);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Inclusion

    @Test
    void inclusionProofsMatchReferenceAndVerify() {
        for (int n = 1; n <= SMALL; n++) {
            List<byte[]> d = refLeafHashes.subList(0, n);
            byte[] root = refMth(d);
            for (int m = 0; m < n; m++) {
                checkInclusion(m, n, root, refPath(m, d));
            }
        }
        // A few in the big tree too.
        byte[] root = refMth(refLeafHashes);
        for (int m : new int[] {0, 1, 511, 512, 767, 998, 999}) {
            checkInclusion(m, LARGE, root, refPath(m, refLeafHashes));
        }
    }

    private static void checkInclusion(int m, int n, byte[] root, List<byte[]> expected) {
        String what = "inclusion " + m + " in " + n;
        Set<NodeId> ids = TreeMath.nodesForInclusion(m, n);
        assertTrue(ids.size() <= 2 * log2Floor(n), what + ": " + ids.size() + " nodes");
        AuditedLookup lookup = new AuditedLookup(ids, n, store::get);
        List<byte[]> proof = TreeMath.inclusionProof(m, n, lookup);
        assertEquals(ids, lookup.requested, what + ": every announced node is used");
        assertHashListEquals(expected, proof, what);

        byte[] leaf = refLeafHashes.get(m);
        assertTrue(MerkleVerifier.verifyInclusion(m, n, leaf, proof, root), what + " verifies");
        assertArrayEquals(root, MerkleVerifier.rootFromInclusion(m, n, leaf, proof).orElseThrow(), what);

        // The same proof must not verify anything else.
        assertFalse(MerkleVerifier.verifyInclusion(m, n, refLeafHashes.get((m + 1) % LARGE), proof, root),
                what + ": other leaf");
        if (m + 1 < n) {
            assertFalse(MerkleVerifier.verifyInclusion(m + 1, n, leaf, proof, root), what + ": index + 1");
        }
        if (m > 0) {
            assertFalse(MerkleVerifier.verifyInclusion(m - 1, n, leaf, proof, root), what + ": index - 1");
        }
        // (The same proof with size n + 1 can legitimately verify against this root when the path
        // shape is the same, e.g. 0 in 3 vs 0 in 4: roots are bound to sizes by the signed tree
        // head, not by the proof. It must not verify against the real root of size n + 1.)
        if (n < LARGE) {
            byte[] nextRoot = refMth(refLeafHashes.subList(0, n + 1));
            assertFalse(MerkleVerifier.verifyInclusion(m, n + 1, leaf, proof, nextRoot), what + ": size + 1");
        }
        assertFalse(MerkleVerifier.verifyInclusion(m, n, leaf, proof, flipBit(root, 0)), what + ": root");
        for (int i = 0; i < proof.size(); i++) {
            List<byte[]> bad = new ArrayList<>(proof);
            bad.set(i, flipBit(bad.get(i), 255));
            assertFalse(MerkleVerifier.verifyInclusion(m, n, leaf, bad, root), what + ": flipped " + i);
        }
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(root);
        assertFalse(MerkleVerifier.verifyInclusion(m, n, leaf, longer, root), what + ": trailing element");
        if (!proof.isEmpty()) {
            assertFalse(MerkleVerifier.verifyInclusion(m, n, leaf, proof.subList(0, proof.size() - 1), root),
                    what + ": truncated");
        }
    }

    @Test
    void inclusionArgumentValidation() {
        assertThrows(IllegalArgumentException.class, () -> TreeMath.nodesForInclusion(0, 0));
        assertThrows(IllegalArgumentException.class, () -> TreeMath.nodesForInclusion(5, 5));
        assertThrows(IllegalArgumentException.class, () -> TreeMath.nodesForInclusion(-1, 5));
        assertThrows(IllegalArgumentException.class, () -> TreeMath.inclusionProof(5, 5, store::get));
        assertThrows(IllegalArgumentException.class, () -> TreeMath.inclusionProof(-1, 5, store::get));
        assertThrows(IllegalArgumentException.class, () -> TreeMath.inclusionProof(0, -3, store::get));
    }

    // ------------------------------------------------------------------------------------------
    // Consistency

    @Test
    void consistencyProofsMatchReferenceAndVerify() {
        for (int n = 1; n <= 40; n++) {
            byte[] root2 = refMth(refLeafHashes.subList(0, n));
            for (int m = 1; m <= n; m++) {
                byte[] root1 = refMth(refLeafHashes.subList(0, m));
                checkConsistency(m, n, root1, root2, refSubproof(m, refLeafHashes.subList(0, n), true));
            }
        }
        byte[] root2 = refMth(refLeafHashes);
        for (int m : new int[] {1, 2, 3, 500, 511, 512, 513, 999}) {
            byte[] root1 = refMth(refLeafHashes.subList(0, m));
            checkConsistency(m, LARGE, root1, root2, refSubproof(m, refLeafHashes, true));
        }
    }

    private static void checkConsistency(int m, int n, byte[] root1, byte[] root2, List<byte[]> expected) {
        String what = "consistency " + m + " -> " + n;
        Set<NodeId> ids = TreeMath.nodesForConsistency(m, n);
        assertTrue(ids.size() <= 2 * log2Floor(n) + 1, what + ": " + ids.size() + " nodes");
        AuditedLookup lookup = new AuditedLookup(ids, n, store::get);
        List<byte[]> proof = TreeMath.consistencyProof(m, n, lookup);
        assertEquals(ids, lookup.requested, what + ": every announced node is used");
        assertHashListEquals(expected, proof, what);
        assertEquals(m == n, proof.isEmpty(), what + ": empty iff same size");

        assertTrue(MerkleVerifier.verifyConsistency(m, n, root1, root2, proof), what + " verifies");
        assertFalse(MerkleVerifier.verifyConsistency(m, n, flipBit(root1, 7), root2, proof), what + ": root1");
        assertFalse(MerkleVerifier.verifyConsistency(m, n, root1, flipBit(root2, 7), proof), what + ": root2");
        if (m == n) {
            List<byte[]> nonEmpty = List.of(root1);
            assertFalse(MerkleVerifier.verifyConsistency(m, n, root1, root2, nonEmpty), what + ": non-empty");
            return;
        }
        assertFalse(MerkleVerifier.verifyConsistency(m, n, root2, root1, proof), what + ": swapped roots");
        if (n < LARGE) {
            byte[] nextRoot = refMth(refLeafHashes.subList(0, n + 1));
            assertFalse(MerkleVerifier.verifyConsistency(m, n + 1, root1, nextRoot, proof), what + ": size2 + 1");
        }
        if (m + 1 < n) {
            assertFalse(MerkleVerifier.verifyConsistency(m + 1, n, root1, root2, proof), what + ": size1 + 1");
        }
        if (m > 1) {
            assertFalse(MerkleVerifier.verifyConsistency(m - 1, n, root1, root2, proof), what + ": size1 - 1");
        }
        for (int i = 0; i < proof.size(); i++) {
            List<byte[]> bad = new ArrayList<>(proof);
            bad.set(i, flipBit(bad.get(i), 100));
            assertFalse(MerkleVerifier.verifyConsistency(m, n, root1, root2, bad), what + ": flipped " + i);
        }
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(root2);
        assertFalse(MerkleVerifier.verifyConsistency(m, n, root1, root2, longer), what + ": trailing");
        List<byte[]> preceding = new ArrayList<>(proof);
        preceding.add(0, root1);
        assertFalse(MerkleVerifier.verifyConsistency(m, n, root1, root2, preceding), what + ": preceding");
        assertFalse(MerkleVerifier.verifyConsistency(m, n, root1, root2, proof.subList(0, proof.size() - 1)),
                what + ": truncated");
    }

    @Test
    void consistencyArgumentValidation() {
        // From the empty tree: rejected by design (see TreeMath#consistencyProof).
        assertThrows(IllegalArgumentException.class, () -> TreeMath.nodesForConsistency(0, 5));
        assertThrows(IllegalArgumentException.class, () -> TreeMath.consistencyProof(0, 5, store::get));
        assertThrows(IllegalArgumentException.class, () -> TreeMath.consistencyProof(0, 0, store::get));
        assertThrows(IllegalArgumentException.class, () -> TreeMath.consistencyProof(6, 5, store::get));
        assertThrows(IllegalArgumentException.class, () -> TreeMath.nodesForConsistency(-1, 5));
        assertEquals(Set.of(), TreeMath.nodesForConsistency(7, 7));
        assertFalse(MerkleVerifier.verifyConsistency(0, 5, MerkleHash.emptyRoot(),
                TreeMath.root(5, store::get), List.of()));
        assertFalse(MerkleVerifier.verifyConsistency(0, 0, MerkleHash.emptyRoot(), MerkleHash.emptyRoot(),
                List.of()));
    }

    // ------------------------------------------------------------------------------------------
    // Size bounds and node validity for huge trees (no hashing of real trees needed)

    @Test
    void nodeSetsAreLogarithmicUpTo2To40() {
        Random rnd = new Random(40);
        List<Long> sizes = new ArrayList<>();
        for (int e = 1; e <= 40; e++) {
            long p = 1L << e;
            sizes.addAll(List.of(p - 1, p, p + 1));
        }
        LongStream.range(0, 200).forEach(i -> sizes.add(1 + (rnd.nextLong() >>> 24)));
        int maxSeen = 0;
        for (long n : sizes) {
            // Required: at most 2 * log2(n) + 2 per set. The documented, tighter bounds are checked:
            // root <= log2(n) + 1, inclusion <= 2 * log2(n), consistency <= 2 * log2(n) + 1.
            int f = log2Floor(n);
            long[] indices = {0, 1, n / 3, n / 2, n - 2, n - 1, (long) (rnd.nextDouble() * n)};
            checkNodes("root " + n, TreeMath.nodesForRoot(n), n, f + 1);
            for (long m : indices) {
                if (m < 0 || m >= n) {
                    continue;
                }
                Set<NodeId> incl = TreeMath.nodesForInclusion(m, n);
                checkNodes("inclusion " + m + " in " + n, incl, n, 2 * f);
                maxSeen = Math.max(maxSeen, incl.size());
                if (m > 0) {
                    Set<NodeId> cons = TreeMath.nodesForConsistency(m, n);
                    checkNodes("consistency " + m + " -> " + n, cons, n, 2 * f + 1);
                    maxSeen = Math.max(maxSeen, cons.size());
                }
            }
        }
        // The bound is meaningful: for 2^40 - 1 leaves, the worst case is close to it.
        assertTrue(maxSeen >= 70, "largest node set seen: " + maxSeen);
        // Exhaustively for small trees, where all index combinations can be enumerated.
        for (long n = 1; n <= 300; n++) {
            int f = log2Floor(n);
            checkNodes("root " + n, TreeMath.nodesForRoot(n), n, f + 1);
            for (long m = 0; m < n; m++) {
                checkNodes("inclusion " + m + " in " + n, TreeMath.nodesForInclusion(m, n), n, 2 * f);
                checkNodes("consistency " + (m + 1) + " -> " + n, TreeMath.nodesForConsistency(m + 1, n), n,
                        2 * f + 1);
            }
        }
    }

    private static void checkNodes(String what, Set<NodeId> ids, long n, int bound) {
        assertTrue(ids.size() <= bound, what + ": " + ids.size() + " nodes > " + bound);
        for (NodeId id : ids) {
            assertTrue(id.end() <= n, what + ": " + id + " not covered by size " + n);
        }
    }

    /**
     * A tree whose leaves are all equal has the same hash for every node of a level, so we can
     * serve any perfect node of a 2^40-ish tree in O(1) and check that the proofs TreeMath builds
     * for huge sizes verify (shape and order of elements; content is covered by the tests above).
     */
    @Test
    void hugeUniformTreeProofsVerify() {
        byte[][] levelHash = new byte[NodeId.MAX_LEVEL + 1][];
        levelHash[0] = MerkleHash.leafHash(new byte[] {42});
        for (int l = 1; l <= NodeId.MAX_LEVEL; l++) {
            levelHash[l] = MerkleHash.nodeHash(levelHash[l - 1], levelHash[l - 1]);
        }
        Function<NodeId, byte[]> uniform = id -> levelHash[id.level()];
        long[] sizes = {(1L << 40) - 1, 1L << 40, (1L << 40) + 12345, 1_000_000_007L, Long.MAX_VALUE};
        for (long n : sizes) {
            byte[] root = TreeMath.root(n, new AuditedLookup(TreeMath.nodesForRoot(n), n, uniform));
            for (long m : new long[] {0, 1, n / 2, n - 2, n - 1}) {
                List<byte[]> incl = TreeMath.inclusionProof(m, n,
                        new AuditedLookup(TreeMath.nodesForInclusion(m, n), n, uniform));
                assertTrue(MerkleVerifier.verifyInclusion(m, n, levelHash[0], incl, root),
                        "inclusion " + m + " in " + n);
                if (m == 0) {
                    continue;
                }
                byte[] root1 = TreeMath.root(m, uniform);
                List<byte[]> cons = TreeMath.consistencyProof(m, n,
                        new AuditedLookup(TreeMath.nodesForConsistency(m, n), n, uniform));
                assertTrue(MerkleVerifier.verifyConsistency(m, n, root1, root, cons), "consistency " + m + " -> " + n);
                assertFalse(MerkleVerifier.verifyConsistency(m, n, root1, root, cons.subList(1, cons.size())),
                        "truncated consistency " + m + " -> " + n);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Robustness of the building blocks

    @Test
    void storageFaultsAreReported() {
        assertThrows(IllegalStateException.class, () -> TreeMath.root(5, id -> null));
        assertThrows(IllegalStateException.class, () -> TreeMath.inclusionProof(1, 5, id -> new byte[31]));
    }

    @Test
    void nodeIdValidationAndRanges() {
        NodeId id = new NodeId(3, 5);
        assertEquals(40, id.start());
        assertEquals(48, id.end());
        assertEquals(new NodeId(2, 10), id.leftChild());
        assertEquals(new NodeId(2, 11), id.rightChild());
        assertEquals(Long.MAX_VALUE, new NodeId(0, Long.MAX_VALUE - 1).end());
        assertThrows(IllegalArgumentException.class, () -> new NodeId(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new NodeId(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new NodeId(63, 0));
        assertThrows(IllegalArgumentException.class, () -> new NodeId(62, 1));
        assertThrows(IllegalArgumentException.class, () -> new NodeId(0, Long.MAX_VALUE));
        assertThrows(IllegalStateException.class, () -> NodeId.leaf(4).leftChild());
    }

    @Test
    void verifierNeverThrowsOnMalformedInput() {
        byte[] h = MerkleHash.leafHash(new byte[0]);
        List<byte[]> withNull = new ArrayList<>();
        withNull.add(null);
        assertFalse(MerkleVerifier.verifyInclusion(0, 1, h, null, h));
        assertFalse(MerkleVerifier.verifyInclusion(0, 1, null, List.of(), h));
        assertFalse(MerkleVerifier.verifyInclusion(0, 1, h, List.of(), null));
        assertFalse(MerkleVerifier.verifyInclusion(0, 2, h, withNull, h));
        assertFalse(MerkleVerifier.verifyInclusion(0, 2, h, List.of(new byte[33]), h));
        assertFalse(MerkleVerifier.verifyInclusion(0, 1, new byte[31], List.of(), new byte[31]));
        assertFalse(MerkleVerifier.verifyInclusion(-1, 1, h, List.of(), h));
        assertFalse(MerkleVerifier.verifyInclusion(Long.MAX_VALUE, Long.MIN_VALUE, h, List.of(), h));
        assertTrue(MerkleVerifier.verifyInclusion(0, 1, h, List.of(), h), "control: trivial proof holds");
        assertFalse(MerkleVerifier.verifyConsistency(1, 2, h, h, null));
        assertFalse(MerkleVerifier.verifyConsistency(1, 2, h, h, withNull));
        assertFalse(MerkleVerifier.verifyConsistency(1, 2, null, h, List.of(h)));
        assertFalse(MerkleVerifier.verifyConsistency(1, 2, h, new byte[5], List.of(h)));
        assertFalse(MerkleVerifier.verifyConsistency(3, 2, h, h, List.of()));
        assertFalse(MerkleVerifier.verifyConsistency(-2, -1, h, h, List.of(h)));
        List<byte[]> huge = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            huge.add(h);
        }
        assertFalse(MerkleVerifier.verifyConsistency(3, Long.MAX_VALUE, h, h, huge));
        assertFalse(MerkleVerifier.verifyInclusion(3, Long.MAX_VALUE, h, huge, h));
    }
}
