package peers.auth.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import peers.auth.accounts.AccountService;
import peers.auth.accounts.Credential;
import peers.auth.accounts.KeyWrap;
import peers.auth.accounts.RecoveryWrap;
import peers.auth.accounts.WrapInput;
import peers.auth.sessions.Sessions;
import peers.auth.webauthn.Ceremony;
import peers.common.identity.Base64Url;

/** Request and response bodies of the managed-keys API. */
public final class Dtos {

    private Dtos() {
    }

    @Schema(description = "Starts a sign-up")
    public record RegistrationOptionsRequest(
            @Size(max = 64) @Schema(description = "The app that brought the user, for attribution (or the Peers-App header)", examples = "notes-app") String appId,
            @Size(max = 64) @Schema(description = "A name for the passkey, shown by the authenticator (the server does not store it)") String userName) {
    }

    @Schema(description = "Options for navigator.credentials.create()/get() in WebAuthn Level 3 JSON, and the ceremony to finish")
    public record OptionsOut(
            @Schema(description = "Send back with the response; single use") String ceremonyId,
            @Schema(description = "The challenge is void after this") Instant expiresAt,
            @Schema(type = SchemaType.OBJECT, description = "PublicKeyCredentialCreationOptionsJSON or PublicKeyCredentialRequestOptionsJSON") Map<String, Object> publicKey) {
        static OptionsOut of(Ceremony c, Map<String, Object> publicKey) {
            return new OptionsOut(c.id, c.expiresAt, publicKey);
        }
    }

    @Schema(description = "Finishes a sign-up: the new passkey, the identity public key with its proof of possession, and the key material")
    public record RegistrationRequest(
            @NotNull @Schema(description = "From the options") String ceremonyId,
            @NotNull @Schema(type = SchemaType.OBJECT, description = "RegistrationResponseJSON (PublicKeyCredential.toJSON()) without prf.results") JsonNode credential,
            @NotNull @Schema(description = "The Ed25519 identity public key (peer key) made on the device") String identityKey,
            @NotNull @Schema(description = "Ed25519 signature by the identity key over \"peers-auth-signup/v1\\n<challenge>\", base64url") String identityProof,
            @Schema(description = "Optional X25519 public key, 32 bytes base64url") String encryptionKey,
            @NotNull @Schema(description = "prf: the key is wrapped on the client by the passkey's PRF output; custodial (opt-in): the server holds it encrypted and can decrypt it", enumeration = {"prf", "custodial"}) String mode,
            @Valid @Schema(description = "mode prf: the wrap made with this passkey, when the PRF output was available at creation") WrapInput wrap,
            @Size(max = 2048) @Schema(description = "mode custodial: the private key material, base64url; stored envelope-encrypted") String custodialKey) {
    }

    @Schema(description = "A session: send the token as 'Authorization: Bearer <token>'")
    public record SessionOut(String token, Instant expiresAt) {
        static SessionOut of(Sessions.Issued s) {
            return new SessionOut(s.token(), s.expiresAt());
        }
    }

    @Schema(description = "A new account")
    public record SignedUpOut(String accountId, String credentialId, @Schema(description = "The passkey's PRF salt id, to name in its wrap") String prfSaltId,
            String mode, SessionOut session) {
        static SignedUpOut of(AccountService.SignedUp s) {
            return new SignedUpOut(s.account().id, s.credential().id, s.credential().prfSaltId, s.account().mode, SessionOut.of(s.session()));
        }
    }

    @Schema(description = "Starts a login")
    public record AuthenticationOptionsRequest(
            @Size(max = 64) @Schema(description = "A known account: its passkeys are listed with their PRF salts; absent: any discoverable passkey, without PRF") String accountId) {
    }

    @Schema(description = "Finishes a login")
    public record AuthenticationRequest(
            @NotNull String ceremonyId,
            @NotNull @Schema(type = SchemaType.OBJECT, description = "AuthenticationResponseJSON (PublicKeyCredential.toJSON()) without prf.results") JsonNode credential,
            @Schema(description = "Custodial accounts: release the key after this fresh user-verified assertion") Boolean releaseCustodialKey) {
    }

    @Schema(description = "A wrapped key as stored")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record WrapOut(String credentialId, String algorithm, String ciphertext, String nonce, String saltId, String identityKey, String encryptionKey,
            Instant updatedAt) {
        static WrapOut of(KeyWrap w) {
            return w == null ? null : new WrapOut(w.credentialId, w.algorithm, Base64Url.encode(w.ciphertext), Base64Url.encode(w.nonce), w.saltId,
                    w.identityKey, w.encryptionKey, w.updatedAt);
        }
    }

    @Schema(description = "A login")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LoggedInOut(String accountId, String credentialId, String prfSaltId, String mode, String identityKey, String encryptionKey,
            SessionOut session, @Schema(description = "This passkey's wrap, if stored") WrapOut wrap,
            @Schema(description = "Custodial accounts when asked: the key, base64url") String custodialKey) {
        static LoggedInOut of(AccountService.LoggedIn l) {
            return new LoggedInOut(l.account().id, l.credential().id, l.credential().prfSaltId, l.account().mode, l.account().identityKey,
                    l.account().encryptionKey, SessionOut.of(l.session()), WrapOut.of(l.wrap()),
                    l.custodialKey() == null ? null : Base64Url.encode(l.custodialKey()));
        }
    }

    @Schema(description = "A passkey of the account")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CredentialOut(String id, String attestationFormat, boolean backupEligible, boolean backupState, String prfSaltId,
            @Schema(description = "The PRF salt (eval.first), base64url") String prfSalt, boolean wrapped, Instant createdAt, Instant lastUsedAt) {
        static CredentialOut of(Credential c, boolean wrapped) {
            return new CredentialOut(c.id, c.attestationFormat, c.backupEligible, c.backupState, c.prfSaltId, Base64Url.encode(c.prfSalt), wrapped,
                    c.createdAt, c.lastUsedAt);
        }
    }

    @Schema(description = "The session's account")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AccountOut(String id, String identityKey, String encryptionKey, String mode, String appId, Instant createdAt,
            List<CredentialOut> credentials, @Schema(description = "Whether a recovery wrap is stored") boolean recovery) {
        static AccountOut of(AccountService.AccountView v) {
            var a = v.account();
            return new AccountOut(a.id, a.identityKey, a.encryptionKey, a.mode, a.appId, a.createdAt,
                    v.credentials().stream().map(c -> CredentialOut.of(c, v.wrapped().contains(c.id))).toList(), v.recovery());
        }
    }

    @Schema(description = "Finishes adding a passkey to the session's account")
    public record AddCredentialRequest(
            @NotNull String ceremonyId,
            @NotNull @Schema(type = SchemaType.OBJECT, description = "RegistrationResponseJSON without prf.results") JsonNode credential,
            @Valid @Schema(description = "The identity key wrapped with this passkey's PRF output, when available") WrapInput wrap) {
    }

    @Schema(description = "The passkey added")
    public record AddedCredentialOut(String credentialId, String prfSaltId) {
    }

    @Schema(description = "A recovery wrap")
    public record RecoveryOut(String accountId, String algorithm, String ciphertext, String nonce, String kdfSalt, String identityKey, String encryptionKey,
            Instant updatedAt) {
        static RecoveryOut of(RecoveryWrap w) {
            return new RecoveryOut(w.accountId, w.algorithm, Base64Url.encode(w.ciphertext), Base64Url.encode(w.nonce), Base64Url.encode(w.kdfSalt),
                    w.identityKey, w.encryptionKey, w.updatedAt);
        }
    }
}
