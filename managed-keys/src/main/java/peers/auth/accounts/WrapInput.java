package peers.auth.accounts;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The identity key wrapped on the client with a key derived from one passkey's PRF output. */
@Schema(description = "The identity key wrapped on the client by a key derived from this passkey's PRF output; opaque to the server")
public record WrapInput(
        @NotNull @Size(min = 1, max = 64) @Schema(description = "How it was wrapped, as the client names it", examples = "A256GCM/HKDF-SHA256") String algorithm,
        @NotNull @Schema(description = "The ciphertext, unpadded base64url (at most peers.auth.max-wrap-bytes)") String ciphertext,
        @NotNull @Schema(description = "The AEAD nonce, unpadded base64url, 8-32 bytes") String nonce,
        @NotNull @Size(min = 1, max = 64) @Schema(description = "The passkey's prfSaltId: which PRF salt the wrapping key came from") String saltId,
        @NotNull @Schema(description = "The identity public key it wraps (peer key); must be the account's") String identityKey,
        @Schema(description = "The X25519 public key it wraps too, if any (unpadded base64url); must be the account's") String encryptionKey) {
}
