package peers.auth.custodial;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import peers.auth.AuthConfig;
import peers.common.config.Secret;
import peers.common.identity.Base64Url;

/**
 * Envelope encryption for custodial keys: each key is encrypted (AES-256-GCM) with its own random
 * data key, and the data key with a configured key-encryption key named by its id. Rotating means
 * adding a new key id, making it current, and letting {@link CustodialKeys#rewrap} move rows to it;
 * only the small data keys are re-encrypted. Both layers bind the account id as associated data, so
 * a row copied to another account does not decrypt.
 */
@ApplicationScoped
public class KeyEncryptionKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;

    private final Map<String, Secret<SecretKey>> keys = new LinkedHashMap<>();
    private final String current;

    @jakarta.inject.Inject
    public KeyEncryptionKeys(AuthConfig config) {
        this(config.custodial().keys().orElse(List.of()), config.custodial().currentKeyId().orElse(null));
    }

    KeyEncryptionKeys(List<String> entries, String currentId) {
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("peers.auth.custodial.keys: each entry is <key id>:<base64url of 32 bytes>");
            }
            String id = entry.substring(0, colon).trim();
            byte[] raw = Base64Url.decode(entry.substring(colon + 1).trim(), "peers.auth.custodial.keys[" + id + "]");
            if (raw.length != 32) {
                throw new IllegalArgumentException("peers.auth.custodial.keys[" + id + "] must be 32 bytes; got " + raw.length);
            }
            keys.put(id, Secret.of(new SecretKeySpec(raw, "AES")));
        }
        this.current = currentId != null ? currentId : keys.isEmpty() ? null : keys.keySet().iterator().next();
        if (current != null && !keys.containsKey(current)) {
            throw new IllegalArgumentException("peers.auth.custodial.current-key-id '" + current + "' is not among peers.auth.custodial.keys");
        }
    }

    /** Whether custodial mode is available (a key-encryption key is configured). */
    public boolean enabled() {
        return current != null;
    }

    public String currentId() {
        return current;
    }

    /** An encrypted key: the data key under key-encryption key {@code kekId}, and the key under the data key. */
    public record Envelope(String kekId, byte[] wrappedDek, byte[] ciphertext) {
    }

    public Envelope seal(String accountId, byte[] plaintext) {
        byte[] dek = new byte[32];
        RANDOM.nextBytes(dek);
        try {
            byte[] ct = encrypt(new SecretKeySpec(dek, "AES"), plaintext, aad(accountId, "key"));
            return new Envelope(current, encrypt(kek(current), dek, aad(accountId, current)), ct);
        } finally {
            Arrays.fill(dek, (byte) 0);
        }
    }

    public byte[] open(String accountId, Envelope e) {
        byte[] dek = decrypt(kek(e.kekId()), e.wrappedDek(), aad(accountId, e.kekId()));
        try {
            return decrypt(new SecretKeySpec(dek, "AES"), e.ciphertext(), aad(accountId, "key"));
        } finally {
            Arrays.fill(dek, (byte) 0);
        }
    }

    /** The same envelope with its data key re-encrypted under the current key-encryption key. */
    public Envelope rewrap(String accountId, Envelope e) {
        if (current.equals(e.kekId())) {
            return e;
        }
        byte[] dek = decrypt(kek(e.kekId()), e.wrappedDek(), aad(accountId, e.kekId()));
        try {
            return new Envelope(current, encrypt(kek(current), dek, aad(accountId, current)), e.ciphertext());
        } finally {
            Arrays.fill(dek, (byte) 0);
        }
    }

    private SecretKey kek(String id) {
        Secret<SecretKey> k = keys.get(id);
        if (k == null) {
            throw new IllegalStateException("key-encryption key '" + id + "' is not configured (peers.auth.custodial.keys)");
        }
        return k.reveal();
    }

    private static byte[] aad(String accountId, String purpose) {
        return ("peers-auth-custodial/v1\n" + accountId + "\n" + purpose).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encrypt(SecretKey key, byte[] plaintext, byte[] aad) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(aad);
            byte[] ct = c.doFinal(plaintext);
            byte[] out = Arrays.copyOf(nonce, NONCE + ct.length);
            System.arraycopy(ct, 0, out, NONCE, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    private static byte[] decrypt(SecretKey key, byte[] sealed, byte[] aad) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, NONCE));
            c.updateAAD(aad);
            return c.doFinal(sealed, NONCE, sealed.length - NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("custodial key does not decrypt under its key-encryption key", e);
        }
    }
}
