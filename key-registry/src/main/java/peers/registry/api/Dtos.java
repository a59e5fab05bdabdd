package peers.registry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import peers.registry.identities.DeviceSpec;
import peers.registry.identities.Identity;

/** Request and response bodies of the key-registry API (records; entities never leave the service). */
public final class Dtos {

    private Dtos() {
    }

    /** Who may find an identity. */
    public enum Visibility {
        @JsonProperty("public") PUBLIC,
        @JsonProperty("unlisted") UNLISTED,
        @JsonProperty("private") PRIVATE;

        Identity.Discoverability toDomain() {
            return Identity.Discoverability.valueOf(name());
        }
    }

    @Schema(description = "A device key certified by the identity key")
    public record DeviceRequest(
            @NotNull @Size(max = 64) @Schema(description = "Device's Ed25519 public key, unpadded base64url") String key,
            @NotNull @Schema(description = "Certificate expiry, unix seconds") Long expires,
            @NotNull @Size(max = 128) @Schema(description = "Identity key's Ed25519 signature over \"peers-registry-device/v1\\n<identity key>\\n<device key>\\n<expires>\", unpadded base64url") String certificate) {

        DeviceSpec toSpec() {
            return new DeviceSpec(key, expires, certificate);
        }
    }

    @Schema(description = "Registers the signing key as a new identity")
    public record RegisterRequest(
            @NotNull @Size(max = 256) @Schema(description = "Desired handle (3-32 characters after NFKC case folding)", examples = "alice") String handle,
            @Size(max = 64) @Schema(description = "X25519 public key for end-to-end encryption, unpadded base64url") String encryptionKey,
            @Schema(description = "Who may find the identity; default public") Visibility discoverability,
            @Size(max = 32) List<@Valid @NotNull DeviceRequest> devices) {
    }

    public record RotateRequest(
            @NotNull @Size(max = 64) @Schema(description = "The new identity key") String newKey,
            @NotNull @Size(max = 128) @Schema(description = "New key's signature over \"peers-registry-rotate/v1\\n<old key>\\n<new key>\"") String proof,
            @Size(max = 32) @Schema(description = "Devices re-certified by the new key; devices not listed are removed") List<@Valid @NotNull DeviceRequest> devices) {
    }

    public record DiscoverabilityRequest(@NotNull Visibility discoverability) {
    }

    public record HandleRequest(@NotNull @Size(max = 256) String handle) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record DeviceView(String key, long expires, String certificate) {
    }

    @Schema(description = "An identity as recorded in its newest log entry")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record IdentityView(
            @Schema(description = "Stable id: the identity's first key") String id,
            String identityKey, String handle, String encryptionKey, String discoverability, String status,
            List<DeviceView> devices, Instant createdAt, Instant updatedAt) {
    }

    @Schema(description = "A signed tree head of the transparency log")
    public record TreeHeadView(String origin, long treeSize,
            @Schema(description = "Root hash, unpadded base64url") String rootHash,
            @Schema(description = "Unix milliseconds") long signedAt,
            @Schema(description = "Log key's Ed25519 signature over the tree-head text, unpadded base64url") String signature,
            @Schema(description = "The log's public key") String logKey) {
    }

    @Schema(description = "Proof that the entry is leaf leafIndex of the tree in treeHead")
    public record ProofView(long leafIndex,
            @Schema(description = "The entry text exactly as committed") String entry,
            @Schema(description = "The commitment salt, unpadded base64url") String salt,
            @Schema(description = "RFC 9162 inclusion proof, leaf to root, unpadded base64url") List<String> inclusion,
            TreeHeadView treeHead) {
    }

    public record IdentityResponse(IdentityView identity, ProofView proof) {
    }

    public record Listed(String handle, String identityKey) {
    }

    public record SearchResponse(List<Listed> handles,
            @Schema(description = "Pass as 'after' for the next page; absent on the last page") String next) {
    }

    public record HistoryResponse(List<ProofView> entries,
            @Schema(description = "Pass as 'after' for the next page; absent on the last page") Long next) {
    }

    public record LeafView(long index, @Schema(description = "Leaf data: the 32-byte commitment, unpadded base64url") String data) {
    }

    public record EntriesResponse(List<LeafView> entries, long treeSize) {
    }

    public record InclusionResponse(long leafIndex, long treeSize, List<String> proof) {
    }

    public record ConsistencyResponse(long first, long second, List<String> proof) {
    }
}
