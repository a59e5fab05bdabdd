package peers.testing.peers;

import io.restassured.filter.Filter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.function.UnaryOperator;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;

/**
 * A peer for tests: an Ed25519 key pair that signs RestAssured requests per RFC 9421 (the way real
 * clients do) and arbitrary messages (proofs, certificates, socket challenges).
 */
public final class TestPeer {

    private final KeyPair keys;
    private final PeerKey key;

    private TestPeer(KeyPair keys) {
        this.keys = keys;
        this.key = PeerKey.of(keys.getPublic());
    }

    public static TestPeer create() {
        try {
            return new TestPeer(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A peer with a given Ed25519 key pair, e.g. a published test key (RFC 9421 B.1.4) that config lists. */
    public static TestPeer of(KeyPair keys) {
        return new TestPeer(keys);
    }

    public PeerKey key() {
        return key;
    }

    /** The key's text form (unpadded base64url). */
    public String id() {
        return key.toString();
    }

    public PrivateKey privateKey() {
        return keys.getPrivate();
    }

    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(keys.getPrivate());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs the UTF-8 bytes of {@code message}; returns unpadded base64url. */
    public String signText(String message) {
        return Base64Url.encode(sign(message.getBytes(StandardCharsets.UTF_8)));
    }

    /** A RestAssured filter that signs the request as a well-behaved client does. */
    public Filter signed() {
        return new SigningFilter(this, SignOptions.defaults());
    }

    /** A filter with adjusted options, to build bad requests: stale, replayed, partial, foreign. */
    public Filter signed(UnaryOperator<SignOptions> options) {
        return new SigningFilter(this, options.apply(SignOptions.defaults()));
    }
}
