package peers.auth;

import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/** The problem types managed-keys adds to the common ones (documented in docs/api/managed-keys.md). */
public final class AuthProblems {

    public static final ProblemType CEREMONY_UNKNOWN = ProblemType.of("ceremony-unknown", 404, "No such ceremony");
    public static final ProblemType CEREMONY_USED = ProblemType.of("ceremony-used", 409, "The ceremony's challenge was already used");
    public static final ProblemType CEREMONY_EXPIRED = ProblemType.of("ceremony-expired", 410, "The ceremony's challenge expired");
    public static final ProblemType WEBAUTHN_REJECTED = ProblemType.of("webauthn-rejected", 400, "The WebAuthn response did not verify");
    public static final ProblemType PRF_OUTPUT_SENT = ProblemType.of("prf-output-sent", 400, "The request carries PRF output");
    public static final ProblemType PRF_UNAVAILABLE = ProblemType.of("prf-unavailable", 422, "The passkey does not support the PRF extension");
    public static final ProblemType CREDENTIAL_UNKNOWN = ProblemType.of("credential-unknown", 404, "No such passkey");
    public static final ProblemType CREDENTIAL_EXISTS = ProblemType.of("credential-exists", 409, "This passkey is already registered");
    public static final ProblemType CREDENTIAL_LIMIT = ProblemType.of("credential-limit", 422, "Too many passkeys");
    public static final ProblemType LAST_WAY_TO_UNLOCK = ProblemType.of("last-way-to-unlock", 409, "This would remove the last way to unlock the key");
    public static final ProblemType IDENTITY_KEY_TAKEN = ProblemType.of("identity-key-taken", 409, "The identity key belongs to another account");
    public static final ProblemType IDENTITY_PROOF_INVALID = ProblemType.of("identity-proof-invalid", 422, "The identity key's proof does not verify");
    public static final ProblemType KEY_MISMATCH = ProblemType.of("key-mismatch", 422, "The wrap names other public keys than the account's");
    public static final ProblemType SALT_MISMATCH = ProblemType.of("salt-mismatch", 409, "The wrap was made with another PRF salt than the passkey's");
    public static final ProblemType WRAP_UNKNOWN = ProblemType.of("wrap-unknown", 404, "No wrapped key is stored for this passkey");
    public static final ProblemType NOT_CUSTODIAL = ProblemType.of("not-custodial", 409, "The account does not use custodial mode");
    public static final ProblemType CUSTODIAL_UNAVAILABLE = ProblemType.of("custodial-unavailable", 422, "Custodial mode is not offered here");
    public static final ProblemType WRONG_MODE = ProblemType.of("wrong-mode", 409, "The operation does not fit the account's mode");
    public static final ProblemType SESSION_REQUIRED = ProblemType.of("session-required", 401, "A session is required");
    public static final ProblemType SESSION_INVALID = ProblemType.of("session-invalid", 401, "The session is unknown or revoked");
    public static final ProblemType SESSION_EXPIRED = ProblemType.of("session-expired", 401, "The session expired");
    public static final ProblemType RECOVERY_UNKNOWN = ProblemType.of("recovery-unknown", 404, "No recovery wrap for this lookup value");
    public static final ProblemType ACCOUNT_UNKNOWN = ProblemType.of("account-unknown", 404, "No such account");

    private AuthProblems() {
    }

    public static ProblemException rejected(String reason, String detail) {
        return new ProblemException(WEBAUTHN_REJECTED, detail).with("reason", reason);
    }
}
