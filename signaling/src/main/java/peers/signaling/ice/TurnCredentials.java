package peers.signaling.ice;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import peers.common.config.Secret;

/**
 * Ephemeral TURN credentials in coturn's {@code use-auth-secret} scheme (the "TURN REST API" draft,
 * draft-uberti-behave-turn-rest-00): username {@code <expiry unix seconds>:<peer key>}, password
 * {@code base64(HMAC-SHA1(static-auth-secret, username))}. coturn recomputes the password from the
 * username and refuses it once the expiry has passed; nothing is stored anywhere.
 */
public final class TurnCredentials {

    public record Credential(String username, String credential, long expiresAtEpochSecond) {
    }

    private final Secret<byte[]> secret;

    public TurnCredentials(Secret<String> secret) {
        this.secret = secret.map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    public Credential issue(String peer, long expiresAtEpochSecond) {
        String username = expiresAtEpochSecond + ":" + peer;
        return new Credential(username, password(username), expiresAtEpochSecond);
    }

    /** The password coturn expects for {@code username}. */
    public String password(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.reveal(), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "TurnCredentials[secret=" + secret + "]";
    }
}
