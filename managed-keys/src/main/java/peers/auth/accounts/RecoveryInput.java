package peers.auth.accounts;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The identity key wrapped on the client with a key derived from a high-entropy recovery code. */
@Schema(description = "The identity key wrapped by a key the client derives from a recovery code (at least 128 bits of entropy); opaque to the server")
public record RecoveryInput(
        @NotNull @Schema(description = "A 32-byte value the client derives from the recovery code (not the wrapping key), unpadded base64url; only its SHA-256 is stored") String lookup,
        @NotNull @Size(min = 1, max = 64) @Schema(description = "How it was wrapped, as the client names it") String algorithm,
        @NotNull @Schema(description = "The ciphertext, unpadded base64url") String ciphertext,
        @NotNull @Schema(description = "The AEAD nonce, unpadded base64url, 8-32 bytes") String nonce,
        @NotNull @Schema(description = "The key-derivation salt, unpadded base64url, 16-64 bytes") String kdfSalt,
        @NotNull @Schema(description = "The identity public key it wraps; must be the account's") String identityKey,
        @Schema(description = "The X25519 public key it wraps too, if any; must be the account's") String encryptionKey) {
}
