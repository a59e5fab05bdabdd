package peers.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Checks a key-registry lookup answer independently of the service's code: the entry and salt give the
 * leaf's commitment {@code SHA-256("peers-registry-entry/v1" || 0x00 || salt || entry)}, and the RFC 9162
 * inclusion path (§2.1.3.2) from that leaf must lead to the root hash of the returned tree head.
 * (The tree head's signature is not checked here.)
 */
public final class InclusionCheck {

    private static final byte[] ENTRY_CONTEXT = "peers-registry-entry/v1".getBytes(StandardCharsets.UTF_8);

    private InclusionCheck() {
    }

    /** Null when the answer proves the identity with handle {@code handle}; otherwise what is wrong. */
    public static String problem(JsonNode answer, String handle) {
        JsonNode proof = answer.path("proof");
        if (!handle.equals(answer.path("identity").path("handle").asText(null))) {
            return "identity.handle is not " + handle;
        }
        JsonNode inclusion = proof.path("inclusion");
        long treeSize = proof.path("treeHead").path("treeSize").asLong(-1);
        if (!inclusion.isArray() || inclusion.isEmpty() && treeSize != 1) {
            return "proof.inclusion is missing or empty";
        }
        String entry = proof.path("entry").asText(null);
        if (entry == null || !entry.contains("\"" + handle + "\"")) {
            return "proof.entry does not name the handle";
        }
        try {
            byte[] salt = b64(proof.path("salt").asText());
            MessageDigest d = sha256();
            d.update(ENTRY_CONTEXT);
            d.update((byte) 0);
            d.update(salt);
            d.update(entry.getBytes(StandardCharsets.UTF_8));
            byte[] commitment = d.digest();
            d.update((byte) 0x00);
            d.update(commitment);
            byte[] leafHash = d.digest();
            List<byte[]> path = new ArrayList<>();
            inclusion.forEach(n -> path.add(b64(n.asText())));
            byte[] root = rootFromInclusion(proof.path("leafIndex").asLong(-1), treeSize, leafHash, path);
            byte[] expected = b64(proof.path("treeHead").path("rootHash").asText());
            if (root == null) {
                return "inclusion path has the wrong shape for leaf " + proof.path("leafIndex") + " of " + treeSize;
            }
            return MessageDigest.isEqual(root, expected) ? null : "inclusion path does not lead to the tree head's root";
        } catch (IllegalArgumentException e) {
            return "bad base64url in the proof: " + e.getMessage();
        }
    }

    /** RFC 9162 §2.1.3.2 steps 1–5 (without the final comparison); null when the path cannot fit. */
    static byte[] rootFromInclusion(long index, long size, byte[] leafHash, List<byte[]> path) {
        if (index < 0 || index >= size) {
            return null;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0 || p.length != 32) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = node(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = node(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 ? r : null;
    }

    private static byte[] node(byte[] left, byte[] right) {
        MessageDigest d = sha256();
        d.update((byte) 0x01);
        d.update(left);
        d.update(right);
        return d.digest();
    }

    private static byte[] b64(String s) {
        return Base64.getUrlDecoder().decode(s);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
