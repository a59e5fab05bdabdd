package peers.registry.log;

/** A tree head as served: size, root, time and the log's signature over them. */
public record SignedTreeHead(long treeSize, byte[] rootHash, long signedAtMillis, byte[] signature) {

    static SignedTreeHead of(TreeHead h) {
        return new SignedTreeHead(h.treeSize, h.rootHash, h.signedAt.toEpochMilli(), h.signature);
    }
}
