package peers.registry.identities;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The signed statements of key-registry besides HTTP signatures: each is a domain-separated text
 * signed with Ed25519, so a signature made for one purpose is worthless for another.
 */
public final class Proofs {

    public static final String DEVICE_CONTEXT = "peers-registry-device/v1";
    public static final String ROTATION_CONTEXT = "peers-registry-rotate/v1";

    private Proofs() {
    }

    /** What an identity key signs to certify a device key until {@code expires} (unix seconds). */
    public static byte[] deviceCertificate(String identityKey, String deviceKey, long expires) {
        return (DEVICE_CONTEXT + "\n" + identityKey + "\n" + deviceKey + "\n" + expires).getBytes(StandardCharsets.UTF_8);
    }

    /** What the new key signs to prove possession during a rotation from {@code oldKey}. */
    public static byte[] rotation(String oldKey, String newKey) {
        return (ROTATION_CONTEXT + "\n" + oldKey + "\n" + newKey).getBytes(StandardCharsets.UTF_8);
    }

    public static Instant expiry(long unixSeconds) {
        return Instant.ofEpochSecond(unixSeconds);
    }
}
