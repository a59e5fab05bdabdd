package peers.registry.log.merkle;

/**
 * Address of one <em>perfect</em> subtree of the log's Merkle tree, as stored in the node table.
 *
 * <p>Node {@code (level, index)} is the root of the perfect subtree covering the leaves
 * {@code [index * 2^level, (index + 1) * 2^level)}; level 0 holds the leaf hashes. Only perfect
 * subtrees are addressed because they are <em>immutable</em>: once all {@code 2^level} of its
 * leaves exist, the hash of such a subtree never changes as the log grows (RFC 9162 §2.1.1 splits
 * every tree at the largest power of two, so perfect subtrees are exactly the "left halves" that
 * later trees reuse). Hashes of non-perfect subtrees depend on the tree size and are recomputed on
 * demand by {@link TreeMath} from O(log n) perfect ones; they are never stored.
 *
 * <p>Sizes are {@code long} leaf counts, so every covered leaf index must fit in a non-negative
 * {@code long}: the compact constructor rejects nodes whose range would overflow. That bounds
 * {@code level} to {@code 0..62}.
 *
 * @param level height of the subtree; 0 = a single leaf
 * @param index position of the subtree among the subtrees of the same level, from the left
 */
public record NodeId(int level, long index) {

    /** Highest level whose subtree still fits in a {@code long} leaf range ({@code 2^62} leaves). */
    public static final int MAX_LEVEL = 62;

    public NodeId {
        if (level < 0 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("level out of range [0, " + MAX_LEVEL + "]: " + level);
        }
        // end() = (index + 1) << level must not exceed Long.MAX_VALUE.
        if (index < 0 || index >= (Long.MAX_VALUE >> level)) {
            throw new IllegalArgumentException("index out of range for level " + level + ": " + index);
        }
    }

    /** The leaf node (level 0) for leaf {@code leafIndex}. */
    public static NodeId leaf(long leafIndex) {
        return new NodeId(0, leafIndex);
    }

    /** First leaf index covered by this subtree (inclusive). */
    public long start() {
        return index << level;
    }

    /** One past the last leaf index covered by this subtree (exclusive). */
    public long end() {
        return (index + 1) << level;
    }

    /** Number of leaves covered: {@code 2^level}. */
    public long size() {
        return 1L << level;
    }

    /** Left child {@code (level - 1, 2 * index)}; only for {@code level >= 1}. */
    public NodeId leftChild() {
        requireInner();
        return new NodeId(level - 1, index << 1);
    }

    /** Right child {@code (level - 1, 2 * index + 1)}; only for {@code level >= 1}. */
    public NodeId rightChild() {
        requireInner();
        return new NodeId(level - 1, (index << 1) | 1);
    }

    private void requireInner() {
        if (level == 0) {
            throw new IllegalStateException("a leaf node has no children: " + this);
        }
    }
}
