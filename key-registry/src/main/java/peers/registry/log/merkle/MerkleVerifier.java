package peers.registry.log.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Client-side verification of RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs.
 *
 * <p>The algorithms are transcribed step by step from the RFC rather than derived from
 * {@link TreeMath}, so that they check the server's proofs independently: a bug shared by the
 * prover and the verifier would otherwise go unnoticed.
 *
 * <p>Every input may come from an untrusted log, so nothing here throws on bad input: out-of-range
 * sizes, {@code null}s, hashes that are not {@value MerkleHash#HASH_SIZE} bytes, proofs that are
 * too short, too long or contain garbage all yield {@code false} (or an empty {@link Optional}).
 * Hash comparisons use {@link MessageDigest#isEqual}, which does not leak timing.
 */
public final class MerkleVerifier {

    private MerkleVerifier() {
    }

    /**
     * RFC 9162 §2.1.3.2: does {@code proof} show that the leaf with hash {@code leafHash} sits at
     * {@code leafIndex} in the tree of {@code treeSize} leaves whose root is {@code root}?
     *
     * @param leafHash {@link MerkleHash#leafHash} of the entry, not the raw entry
     * @param proof the inclusion path, leaf-to-root, as from {@link TreeMath#inclusionProof}
     */
    public static boolean verifyInclusion(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof,
            byte[] root) {
        if (!isHash(root)) {
            return false;
        }
        Optional<byte[]> computed = rootFromInclusion(leafIndex, treeSize, leafHash, proof);
        return computed.isPresent() && MessageDigest.isEqual(computed.get(), root);
    }

    /**
     * The root implied by an inclusion proof: RFC 9162 §2.1.3.2 steps 1–4 and the {@code sn == 0}
     * check of step 5, without the final comparison. Useful to a client that wants to look the
     * resulting root up among signed tree heads it already has.
     *
     * @return the computed root, or empty if the inputs are malformed or the proof has the wrong
     *     length for {@code (leafIndex, treeSize)}
     */
    public static Optional<byte[]> rootFromInclusion(long leafIndex, long treeSize, byte[] leafHash,
            List<byte[]> proof) {
        // 1. If leaf_index is greater than or equal to tree_size, fail. (Also reject negatives:
        //    the RFC's integers are unsigned.)
        if (leafIndex < 0 || treeSize <= 0 || leafIndex >= treeSize) {
            return Optional.empty();
        }
        if (!isHash(leafHash) || !allHashes(proof)) {
            return Optional.empty();
        }
        // 2. Set fn to leaf_index and sn to tree_size - 1.
        long fn = leafIndex;
        long sn = treeSize - 1;
        // 3. Set r to hash.
        byte[] r = leafHash;
        // 4. For each value p in the inclusion_path array:
        for (byte[] p : proof) {
            // a. If sn is 0, stop the iteration and fail the proof verification.
            if (sn == 0) {
                return Optional.empty();
            }
            // b. If LSB(fn) is set, or if fn is equal to sn, then:
            if ((fn & 1) == 1 || fn == sn) {
                // i. Set r to HASH(0x01 || p || r).
                r = MerkleHash.nodeHash(p, r);
                // ii. If LSB(fn) is not set, right-shift both fn and sn equally until either
                //     LSB(fn) is set or fn is 0.
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                // Otherwise: set r to HASH(0x01 || r || p).
                r = MerkleHash.nodeHash(r, p);
            }
            // c. Finally, right-shift both fn and sn one time.
            fn >>>= 1;
            sn >>>= 1;
        }
        // 5. Compare sn to 0 (a proof that stops early leaves sn > 0). The caller compares r.
        return sn == 0 ? Optional.of(r) : Optional.empty();
    }

    /**
     * RFC 9162 §2.1.4.2: does {@code proof} show that the tree of {@code size2} leaves with root
     * {@code root2} is an append-only extension of the tree of {@code size1} leaves with root
     * {@code root1}?
     *
     * <p>Cases outside the RFC's {@code 0 < first < second}:
     * <ul>
     *   <li>{@code size1 == size2 > 0}: valid iff the proof is empty and {@code root1} equals
     *       {@code root2} byte for byte ({@code SUBPROOF(m, D[0:m], true)} is empty; the same tree
     *       has one root). No hash is computed, so the roots' length is not checked here — this
     *       matches the transparency-dev reference, whose vector "sizes are equal (one) and proof
     *       is empty" expects success with non-SHA-256-length roots.</li>
     *   <li>{@code size1 == 0}: always {@code false}. The RFC defines no proof from the empty tree
     *       and it could prove nothing; a client without a previous tree head has nothing to check
     *       consistency against ({@link TreeMath#consistencyProof} refuses to build one).</li>
     *   <li>{@code size1 > size2} or negative sizes: {@code false}.</li>
     * </ul>
     */
    public static boolean verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        if (size1 <= 0 || size1 > size2 || root1 == null || root2 == null || proof == null) {
            return false;
        }
        if (size1 == size2) {
            return proof.isEmpty() && MessageDigest.isEqual(root1, root2);
        }
        if (!isHash(root1) || !isHash(root2) || !allHashes(proof)) {
            return false;
        }
        final long first = size1;
        final long second = size2;
        // 1. If consistency_path is an empty array, stop and fail the proof verification.
        if (proof.isEmpty()) {
            return false;
        }
        // 2. If first is an exact power of 2, then prepend first_hash to the consistency_path
        //    array.
        List<byte[]> path = new ArrayList<>(proof.size() + 1);
        if ((first & (first - 1)) == 0) {
            path.add(root1);
        }
        path.addAll(proof);
        // 3. Set fn to first - 1 and sn to second - 1.
        long fn = first - 1;
        long sn = second - 1;
        // 4. If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set.
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        // 5. Set both fr and sr to the first value in the consistency_path array.
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        // 6. For each subsequent value c in the consistency_path array:
        for (int i = 1; i < path.size(); i++) {
            byte[] c = path.get(i);
            // a. If sn is 0, then stop the iteration and fail the proof verification.
            if (sn == 0) {
                return false;
            }
            // b. If LSB(fn) is set, or if fn is equal to sn, then:
            if ((fn & 1) == 1 || fn == sn) {
                // i. Set fr to HASH(0x01 || c || fr).
                fr = MerkleHash.nodeHash(c, fr);
                // ii. Set sr to HASH(0x01 || c || sr).
                sr = MerkleHash.nodeHash(c, sr);
                // iii. If LSB(fn) is not set, then right-shift both fn and sn equally until
                //      either LSB(fn) is set or fn is 0.
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                // Otherwise: set sr to HASH(0x01 || sr || c).
                sr = MerkleHash.nodeHash(sr, c);
            }
            // c. Finally, right-shift both fn and sn one time.
            fn >>>= 1;
            sn >>>= 1;
        }
        // 7. Verify that fr equals first_hash, sr equals second_hash, and sn is 0.
        return sn == 0 && MessageDigest.isEqual(fr, root1) && MessageDigest.isEqual(sr, root2);
    }

    private static boolean isHash(byte[] h) {
        return h != null && h.length == MerkleHash.HASH_SIZE;
    }

    private static boolean allHashes(List<byte[]> proof) {
        if (proof == null) {
            return false;
        }
        // A proof never has more than 2 * 64 elements for a long-sized tree; refusing longer ones
        // bounds the work an attacker can make a client do (RFC 9162's loops would fail anyway).
        if (proof.size() > 2 * Long.SIZE) {
            return false;
        }
        for (byte[] p : proof) {
            if (!isHash(p)) {
                return false;
            }
        }
        return true;
    }
}
