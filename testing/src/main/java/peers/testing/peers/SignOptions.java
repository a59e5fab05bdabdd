package peers.testing.peers;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * How {@link SigningFilter} signs: defaults are what a correct client sends; each wither produces
 * one kind of bad request for negative tests.
 *
 * @param created signature creation time (null: now)
 * @param nonce the nonce (null: a fresh random one)
 * @param components covered components; content-digest is added when there is a body and {@code digest} is on
 * @param digest whether to send and cover Content-Digest for bodies
 * @param keyId overrides the declared keyid (to claim a key one does not hold)
 * @param tamperBodyAfterSigning replaces the body after signing (the digest no longer matches)
 */
public record SignOptions(Instant created, String nonce, List<String> components, boolean digest, String keyId,
        String tamperBodyAfterSigning, Long expires) {

    public static SignOptions defaults() {
        return new SignOptions(null, null, List.of("@method", "@authority", "@path", "@query"), true, null, null, null);
    }

    public SignOptions created(Instant t) {
        return new SignOptions(t, nonce, components, digest, keyId, tamperBodyAfterSigning, expires);
    }

    public SignOptions nonce(String n) {
        return new SignOptions(created, n, components, digest, keyId, tamperBodyAfterSigning, expires);
    }

    public SignOptions components(List<String> c) {
        return new SignOptions(created, nonce, c, digest, keyId, tamperBodyAfterSigning, expires);
    }

    public SignOptions withoutDigest() {
        return new SignOptions(created, nonce, components, false, keyId, tamperBodyAfterSigning, expires);
    }

    public SignOptions keyId(String k) {
        return new SignOptions(created, nonce, components, digest, k, tamperBodyAfterSigning, expires);
    }

    public SignOptions tamperBody(String body) {
        return new SignOptions(created, nonce, components, digest, keyId, body, expires);
    }

    public SignOptions expires(long epochSeconds) {
        return new SignOptions(created, nonce, components, digest, keyId, tamperBodyAfterSigning, epochSeconds);
    }

    String nonceOrFresh() {
        return nonce != null ? nonce : UUID.randomUUID().toString();
    }
}
