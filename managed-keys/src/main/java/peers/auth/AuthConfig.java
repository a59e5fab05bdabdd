package peers.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the managed-keys service. */
@ConfigMapping(prefix = "peers.auth")
public interface AuthConfig {

    /** WebAuthn relying party id: the registrable domain the passkeys are bound to (e.g. {@code peers.example}). */
    String rpId();

    /** Relying party name shown by authenticators. */
    @WithDefault("Peers")
    String rpName();

    /**
     * Origins allowed in clientDataJSON, e.g. {@code https://app.peers.example}. An entry ending in
     * {@code :*} allows any port of that scheme and host (for development on localhost only).
     */
    List<String> origins();

    /** How long a started ceremony (its challenge) can be finished. */
    @WithDefault("2m")
    Duration ceremonyTtl();

    /** How long a session issued by a login lasts. */
    @WithDefault("15m")
    Duration sessionTtl();

    /** Largest wrapped key ciphertext, in bytes (decoded). */
    @WithDefault("4096")
    int maxWrapBytes();

    /** Most passkeys per account. */
    @WithDefault("20")
    int maxCredentials();

    /** Custodial mode (opt-in per account): key-encryption keys. */
    Custodial custodial();

    interface Custodial {
        /**
         * Key-encryption keys as {@code <key id>:<base64url of 32 random bytes>}, comma-separated. Old keys
         * stay listed until every row was re-wrapped under the current one. Without keys, custodial
         * sign-ups are refused.
         */
        Optional<List<String>> keys();

        /** The key id new custodial keys are encrypted with (and old ones re-wrapped to). */
        Optional<String> currentKeyId();

        /** Largest custodial key material, in bytes (decoded). */
        @WithDefault("1024")
        int maxKeyBytes();
    }
}
