package peers.registry.log.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The RFC 9162 §2.1.1 Merkle Tree Hash primitives, fixed to SHA-256.
 *
 * <p>Leaves and interior nodes are hashed with different one-byte prefixes (0x00 and 0x01) so that
 * a leaf can never be passed off as an interior node or vice versa (second-preimage protection,
 * RFC 9162 §2.1.1). SHA-256 is the hash algorithm of every RFC 9162 log this project interoperates
 * with; it is a mandatory JCA algorithm, so a missing provider is a broken runtime, not an input
 * error.
 */
public final class MerkleHash {

    /** Length in bytes of every hash produced here (SHA-256). */
    public static final int HASH_SIZE = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    private MerkleHash() {
    }

    /** {@code MTH({d}) = SHA-256(0x00 || d)} — RFC 9162 §2.1.1, the hash of a one-entry list. */
    public static byte[] leafHash(byte[] leafData) {
        Objects.requireNonNull(leafData, "leafData");
        MessageDigest md = sha256();
        md.update(LEAF_PREFIX);
        md.update(leafData);
        return md.digest();
    }

    /**
     * {@code SHA-256(0x01 || left || right)} — RFC 9162 §2.1.1, the hash of an interior node from
     * the hashes of its left and right subtrees.
     */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
        MessageDigest md = sha256();
        md.update(NODE_PREFIX);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    /** {@code MTH({}) = SHA-256()} — RFC 9162 §2.1.1, the root of the empty tree. */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    private static MessageDigest sha256() {
        try {
            // MessageDigest is not thread-safe and cheap to create; a fresh one per hash keeps this
            // class stateless.
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
