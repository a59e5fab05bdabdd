package peers.common.signatures;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import peers.common.identity.PeerKey;

/**
 * Verifies a request's RFC 9421 signature under the rules every Peers service applies (ARCHITECTURE,
 * "Identity and request authentication"). The nonce's uniqueness is checked afterwards by
 * {@link NonceStore}, because that needs the database.
 *
 * <p>Checks, in order: (1) the signature fields parse (RFC 8941); (2) {@code alg="ed25519"};
 * (3) {@code keyid} is a peer key; (4) {@code created} is present and within the allowed skew,
 * {@code expires} (if any) not passed; (5) a {@code nonce} of bounded length is present;
 * (6) @method, @authority, @path, @query are covered, and content-digest when there is a body;
 * (7) the content digest matches the body; (8) the Ed25519 signature over the signature base verifies.
 */
public final class SignatureVerifier {

    /** Components every signed request must cover. */
    public static final List<String> REQUIRED = List.of("@method", "@authority", "@path", "@query");

    public static final int MAX_NONCE_LENGTH = 128;

    private final Duration skew;

    public SignatureVerifier(Duration skew) {
        this.skew = skew;
    }

    /** A signature that verified: who signed, and the nonce to claim. */
    public record Verified(PeerKey key, String nonce, Instant created, Instant nonceExpiry) {
    }

    public Verified verify(RequestView request, byte[] body, Instant now) {
        List<String> sigInput = request.header("signature-input");
        List<String> sig = request.header("signature");
        SignatureInput in = SignatureInput.parse(sigInput.isEmpty() ? null : String.join(", ", sigInput),
                sig.isEmpty() ? null : String.join(", ", sig));

        if (in.alg() == null || !in.alg().equals("ed25519")) {
            throw SignatureException.invalid("the signature must declare alg=\"ed25519\"");
        }
        if (in.keyId() == null) {
            throw SignatureException.invalid("the signature must declare keyid=\"<peer key>\" (unpadded base64url Ed25519 public key)");
        }
        PeerKey key;
        try {
            key = PeerKey.parse(in.keyId());
        } catch (PeerKey.InvalidKeyText e) {
            throw SignatureException.invalid("keyid: " + e.getMessage());
        }
        if (in.created() == null) {
            throw SignatureException.invalid("the signature must declare created=<unix seconds>");
        }
        Instant created = Instant.ofEpochSecond(in.created());
        if (created.isBefore(now.minus(skew)) || created.isAfter(now.plus(skew))) {
            throw SignatureException.expired("created=" + in.created() + " is more than " + skew.toSeconds()
                    + " s away from the server's clock (" + now.getEpochSecond() + "); sign again with the current time");
        }
        if (in.expires() != null && Instant.ofEpochSecond(in.expires()).isBefore(now)) {
            throw SignatureException.expired("the signature expired at " + in.expires() + "; sign again");
        }
        if (in.nonce() == null || in.nonce().isEmpty() || in.nonce().length() > MAX_NONCE_LENGTH) {
            throw SignatureException.invalid("the signature must declare a unique nonce=\"…\" of 1–" + MAX_NONCE_LENGTH + " characters");
        }
        for (String c : REQUIRED) {
            if (!in.components().contains(c)) {
                throw SignatureException.invalid("the signature must cover " + String.join(" ", REQUIRED.stream().map(s -> "\"" + s + "\"").toList())
                        + (body.length > 0 ? " \"content-digest\"" : "") + "; \"" + c + "\" is missing");
            }
        }
        if (body.length > 0) {
            if (!in.components().contains("content-digest")) {
                throw SignatureException.invalid("a request with a body must cover \"content-digest\"");
            }
            List<String> digest = request.header("content-digest");
            ContentDigest.verify(digest.isEmpty() ? null : String.join(", ", digest), body);
        }
        byte[] base = SignatureBase.build(request, in.components(), in.signatureParams());
        if (!key.verify(base, in.signature())) {
            throw SignatureException.invalid("the Ed25519 signature does not verify for keyid " + key
                    + " over the covered components; check that the signed values equal what was sent");
        }
        // The nonce must stay remembered for as long as this signature could still be accepted.
        Instant until = created.plus(skew);
        if (in.expires() != null) {
            Instant exp = Instant.ofEpochSecond(in.expires());
            if (exp.isBefore(until)) {
                until = exp;
            }
        }
        return new Verified(key, in.nonce(), created, until.plusSeconds(1));
    }
}
