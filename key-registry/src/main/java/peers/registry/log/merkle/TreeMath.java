package peers.registry.log.merkle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * RFC 9162 Merkle tree arithmetic over a store of <em>perfect</em> subtree hashes ({@link NodeId}).
 *
 * <p><b>Why this shape.</b> The log keeps one row per perfect subtree, written once when its last
 * leaf is appended ({@link #nodesCompletedByAppend}). Every hash RFC 9162 needs — the tree head,
 * an inclusion path (§2.1.3.1), a consistency proof (§2.1.4.1) — is the Merkle Tree Hash of some
 * subtree {@code [start, end)} produced by the RFC's recursive split; a non-perfect one of those is
 * itself, by the same split rule, the right fold of at most ~log2(n) perfect subtrees. So a
 * request is served in two steps without ever rebuilding the tree:
 *
 * <ol>
 *   <li>{@code nodesFor…} names the O(log n) perfect nodes involved, so the caller can fetch them
 *       in a single SQL query ({@code WHERE (level, index) IN (…)});</li>
 *   <li>{@link #root}, {@link #inclusionProof} or {@link #consistencyProof} assembles the answer
 *       from a {@code Function} over those rows (typically {@code map::get}).</li>
 * </ol>
 *
 * <p>Both steps derive from the same list of RFC subtree ranges, so the function is asked for
 * exactly the ids in the corresponding {@code nodesFor…} set and nothing else; every such node is
 * fully covered by the given tree size, i.e. it exists in the store. If the function returns
 * {@code null} or a hash that is not {@value MerkleHash#HASH_SIZE} bytes, that is a storage fault
 * and an {@link IllegalStateException} is thrown.
 *
 * <p>All methods are pure and thread-safe.
 */
public final class TreeMath {

    private TreeMath() {
    }

    /**
     * A subtree {@code D[start:end]} as produced by the RFC 9162 §2.1.1 split. {@code start} is
     * always a multiple of the smallest power of two {@code >= end - start}, which is what makes
     * its decomposition into stored perfect nodes well defined.
     */
    private record Range(long start, long end) {
    }

    // ------------------------------------------------------------------------------------------
    // Writing

    /**
     * The interior nodes that become complete when leaf {@code leafIndex} is appended, i.e. when the
     * tree grows from {@code leafIndex} to {@code leafIndex + 1} leaves.
     *
     * <p>A node {@code (L, i)} is complete once its last leaf {@code (i + 1) * 2^L - 1} exists, so
     * appending leaf {@code x} completes {@code (L, (x + 1) / 2^L - 1)} for every {@code L >= 1}
     * with {@code 2^L} dividing {@code x + 1}. They are returned bottom-up, so the caller can
     * compute each as {@code nodeHash(leftChild, rightChild)} from the leaf hash it just stored and
     * the nodes computed before it in the list (the left siblings already exist).
     *
     * @param leafIndex 0-based index of the appended leaf
     * @return level >= 1 nodes, lowest level first; empty when {@code leafIndex} is even
     */
    public static List<NodeId> nodesCompletedByAppend(long leafIndex) {
        if (leafIndex < 0 || leafIndex == Long.MAX_VALUE) {
            throw new IllegalArgumentException("leafIndex out of range: " + leafIndex);
        }
        long size = leafIndex + 1;
        int levels = Long.numberOfTrailingZeros(size);
        List<NodeId> out = new ArrayList<>(levels);
        for (int level = 1; level <= levels; level++) {
            out.add(new NodeId(level, (size >> level) - 1));
        }
        return Collections.unmodifiableList(out);
    }

    // ------------------------------------------------------------------------------------------
    // Which nodes to read

    /**
     * Perfect nodes needed for {@code MTH(D[0:treeSize])}: one per set bit of {@code treeSize}.
     * Empty for the empty tree.
     */
    public static Set<NodeId> nodesForRoot(long treeSize) {
        requireTreeSize(treeSize);
        return nodesOf(treeSize == 0 ? List.of() : List.of(new Range(0, treeSize)));
    }

    /**
     * Perfect nodes needed for the inclusion path of leaf {@code leafIndex} in the tree of
     * {@code treeSize} leaves (RFC 9162 §2.1.3.1). At most {@code 2 * floor(log2(treeSize))}: one
     * node per path level, plus the decomposition of the single non-perfect sibling on the right
     * border (if any).
     *
     * @throws IllegalArgumentException unless {@code 0 <= leafIndex < treeSize}
     */
    public static Set<NodeId> nodesForInclusion(long leafIndex, long treeSize) {
        return nodesOf(inclusionRanges(leafIndex, treeSize));
    }

    /**
     * Perfect nodes needed for the consistency proof from {@code size1} to {@code size2} (RFC 9162
     * §2.1.4.1). At most {@code 2 * floor(log2(size2)) + 1}; empty when {@code size1 == size2}.
     *
     * @throws IllegalArgumentException unless {@code 0 < size1 <= size2} (see
     *     {@link #consistencyProof} for why {@code size1 == 0} is rejected)
     */
    public static Set<NodeId> nodesForConsistency(long size1, long size2) {
        return nodesOf(consistencyRanges(size1, size2));
    }

    // ------------------------------------------------------------------------------------------
    // Building answers

    /**
     * The tree head hash {@code MTH(D[0:treeSize])} (RFC 9162 §2.1.1); {@link MerkleHash#emptyRoot()}
     * for {@code treeSize == 0}.
     *
     * @param nodes hash of each id in {@link #nodesForRoot(long) nodesForRoot(treeSize)}
     */
    public static byte[] root(long treeSize, Function<NodeId, byte[]> nodes) {
        requireTreeSize(treeSize);
        if (treeSize == 0) {
            return MerkleHash.emptyRoot();
        }
        return mth(new Range(0, treeSize), nodes);
    }

    /**
     * {@code PATH(leafIndex, D[0:treeSize])} (RFC 9162 §2.1.3.1): the sibling subtree hashes from
     * the leaf up to the root, in the order {@link MerkleVerifier#verifyInclusion} consumes them.
     * Empty for a one-leaf tree.
     *
     * @param nodes hash of each id in {@link #nodesForInclusion(long, long)}
     * @throws IllegalArgumentException unless {@code 0 <= leafIndex < treeSize}
     */
    public static List<byte[]> inclusionProof(long leafIndex, long treeSize, Function<NodeId, byte[]> nodes) {
        return hashes(inclusionRanges(leafIndex, treeSize), nodes);
    }

    /**
     * {@code PROOF(size1, D[0:size2]) = SUBPROOF(size1, D[0:size2], true)} (RFC 9162 §2.1.4.1), in
     * RFC order. Empty when {@code size1 == size2}: {@code SUBPROOF(m, D[0:m], true)} is the empty
     * list, and the verifier then only compares the two roots.
     *
     * <p><b>{@code size1 == 0} is rejected.</b> RFC 9162 §2.1.4.1 defines {@code PROOF(m, D_n)}
     * only for {@code 0 < m < n} (plus the trivial {@code m == n}), and a proof from the empty tree
     * could prove nothing: every tree extends the empty tree. Verifiers reject it too — both
     * {@link MerkleVerifier} and the transparency-dev reference ("consistency proof from empty
     * tree is meaningless"), whose test vectors include exactly that case. Returning an empty list
     * would therefore hand clients a proof they must refuse; the API layer should instead answer
     * such a request as a client error.
     *
     * @param nodes hash of each id in {@link #nodesForConsistency(long, long)}
     * @throws IllegalArgumentException unless {@code 0 < size1 <= size2}
     */
    public static List<byte[]> consistencyProof(long size1, long size2, Function<NodeId, byte[]> nodes) {
        return hashes(consistencyRanges(size1, size2), nodes);
    }

    // ------------------------------------------------------------------------------------------
    // RFC 9162 recursions, expressed as the list of subtrees whose MTH forms the proof

    /** RFC 9162 §2.1.3.1 PATH(m, D[0:n]) as subtree ranges, leaf-to-root. */
    private static List<Range> inclusionRanges(long leafIndex, long treeSize) {
        if (leafIndex < 0 || leafIndex >= treeSize) {
            throw new IllegalArgumentException(
                    "leafIndex " + leafIndex + " out of range for tree size " + treeSize);
        }
        // The RFC recurses top-down and appends the sibling after the deeper PATH:
        //   m < k:  PATH(m, D[0:k])    : MTH(D[k:n])
        //   m >= k: PATH(m-k, D[k:n])  : MTH(D[0:k])
        // Walking down iteratively collects siblings root-to-leaf; reverse for RFC order.
        List<Range> rootToLeaf = new ArrayList<>();
        long start = 0;
        long end = treeSize;
        while (end - start > 1) {
            long mid = start + largestPowerOfTwoBelow(end - start);
            if (leafIndex < mid) {
                rootToLeaf.add(new Range(mid, end));
                end = mid;
            } else {
                rootToLeaf.add(new Range(start, mid));
                start = mid;
            }
        }
        return Collections.unmodifiableList(reversed(rootToLeaf));
    }

    /** RFC 9162 §2.1.4.1 SUBPROOF(m, D[0:n], true) as subtree ranges, in RFC order. */
    private static List<Range> consistencyRanges(long size1, long size2) {
        if (size1 <= 0) {
            throw new IllegalArgumentException(
                    "consistency proof needs size1 > 0 (a proof from the empty tree proves nothing): " + size1);
        }
        if (size1 > size2) {
            throw new IllegalArgumentException("size1 " + size1 + " > size2 " + size2);
        }
        // SUBPROOF(m, D[start:end], b), with m kept as an absolute leaf count:
        //   m == end:  b ? {} : {MTH(D[start:end])}                   (the recursion's end)
        //   m <= k:    SUBPROOF(m, D[start:mid], b)      : MTH(D[mid:end])
        //   m > k:     SUBPROOF(m, D[mid:end], false)    : MTH(D[start:mid])
        // Each level's MTH is appended after the deeper result, so the terminal element comes
        // first, then the collected subtrees deepest-first.
        List<Range> topDown = new ArrayList<>();
        Range terminal = null;
        long start = 0;
        long end = size2;
        boolean b = true;
        while (size1 != end) {
            // Invariant: start < size1 < end, hence end - start >= 2.
            long mid = start + largestPowerOfTwoBelow(end - start);
            if (size1 <= mid) {
                topDown.add(new Range(mid, end));
                end = mid;
            } else {
                topDown.add(new Range(start, mid));
                start = mid;
                b = false;
            }
        }
        if (!b) {
            // size1 == end here and D[start:end] is a left subtree of the split: perfect, stored.
            terminal = new Range(start, end);
        }
        List<Range> out = new ArrayList<>(topDown.size() + 1);
        if (terminal != null) {
            out.add(terminal);
        }
        out.addAll(reversed(topDown));
        return Collections.unmodifiableList(out);
    }

    // ------------------------------------------------------------------------------------------
    // Subtree <-> stored nodes

    /**
     * The stored perfect nodes whose right fold is {@code MTH(D[start:end])}, left to right.
     *
     * <p>RFC 9162 §2.1.1 splits {@code n = end - start} at the largest power of two {@code k < n}:
     * the left part is perfect (a stored node) and the right part of {@code n - k} leaves is split
     * again. Unrolled, that is one perfect node per set bit of {@code n}, largest first — the
     * binary decomposition of {@code n} laid out from {@code start}.
     */
    private static List<NodeId> perfectNodes(Range r) {
        long n = r.end() - r.start();
        List<NodeId> out = new ArrayList<>(Long.bitCount(n));
        long pos = r.start();
        for (long rest = n; rest != 0; ) {
            long size = Long.highestOneBit(rest);
            int level = Long.numberOfTrailingZeros(size);
            out.add(new NodeId(level, pos >> level));
            pos += size;
            rest -= size;
        }
        return out;
    }

    /** {@code MTH(D[start:end])} folded from the right: {@code H(n0, H(n1, … H(n_{j-1}, n_j)))}. */
    private static byte[] mth(Range r, Function<NodeId, byte[]> nodes) {
        List<NodeId> ids = perfectNodes(r);
        byte[] h = fetch(ids.get(ids.size() - 1), nodes);
        for (int i = ids.size() - 2; i >= 0; i--) {
            h = MerkleHash.nodeHash(fetch(ids.get(i), nodes), h);
        }
        return h;
    }

    private static Set<NodeId> nodesOf(List<Range> ranges) {
        Set<NodeId> out = new LinkedHashSet<>();
        for (Range r : ranges) {
            out.addAll(perfectNodes(r));
        }
        return Collections.unmodifiableSet(out);
    }

    private static List<byte[]> hashes(List<Range> ranges, Function<NodeId, byte[]> nodes) {
        List<byte[]> out = new ArrayList<>(ranges.size());
        for (Range r : ranges) {
            out.add(mth(r, nodes));
        }
        return Collections.unmodifiableList(out);
    }

    private static byte[] fetch(NodeId id, Function<NodeId, byte[]> nodes) {
        byte[] h = nodes.apply(id);
        if (h == null) {
            throw new IllegalStateException("node hash not available: " + id);
        }
        if (h.length != MerkleHash.HASH_SIZE) {
            throw new IllegalStateException("node hash of " + id + " has " + h.length + " bytes");
        }
        return h;
    }

    // ------------------------------------------------------------------------------------------

    /** The RFC's k: the largest power of two strictly smaller than {@code n} ({@code n >= 2}). */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static void requireTreeSize(long treeSize) {
        if (treeSize < 0) {
            throw new IllegalArgumentException("negative tree size: " + treeSize);
        }
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }
}
