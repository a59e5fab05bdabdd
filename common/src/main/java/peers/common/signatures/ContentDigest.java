package peers.common.signatures;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.Dictionary;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.Parser;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/** RFC 9530 {@code Content-Digest} with {@code sha-256}. */
public final class ContentDigest {

    private ContentDigest() {
    }

    /** The field value for a body: {@code sha-256=:<base64>:}. */
    public static String sha256(byte[] body) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(digest(body)) + ":";
    }

    /**
     * Checks a {@code Content-Digest} value against the body.
     *
     * @throws ProblemException digest-mismatch or malformed-request
     */
    public static void verify(String fieldValue, byte[] body) {
        if (fieldValue == null || fieldValue.isBlank()) {
            throw new ProblemException(ProblemType.SIGNATURE_INVALID, "a request with a body must carry Content-Digest (RFC 9530, sha-256) and cover it in the signature");
        }
        if (fieldValue.length() > SignatureInput.MAX_FIELD_LENGTH) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "Content-Digest is too long");
        }
        Dictionary d;
        try {
            d = Parser.parseDictionary(fieldValue);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "Content-Digest is not a valid RFC 8941 dictionary: " + e.getMessage());
        }
        ListElement<?> v = d.get().get("sha-256");
        if (!(v instanceof ByteSequenceItem item)) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "Content-Digest must contain sha-256=:<base64>: (other algorithms are not accepted)");
        }
        ByteBuffer b = item.get();
        byte[] claimed = new byte[b.remaining()];
        b.duplicate().get(claimed);
        if (!MessageDigest.isEqual(claimed, digest(body))) {
            throw new ProblemException(ProblemType.DIGEST_MISMATCH, "the sha-256 in Content-Digest is not the digest of the body that arrived");
        }
    }

    private static byte[] digest(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
