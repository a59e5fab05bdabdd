package peers.registry.identities;

import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/** The problem types key-registry adds to the common ones (documented in docs/problems.md). */
public final class RegistryProblems {

    public static final ProblemType HANDLE_INVALID = ProblemType.of("handle-invalid", 422, "The handle is not allowed");
    public static final ProblemType HANDLE_TAKEN = ProblemType.of("handle-taken", 409, "The handle belongs to another identity");
    public static final ProblemType HANDLE_CONFUSABLE = ProblemType.of("handle-confusable", 409, "The handle looks like another identity's handle");
    public static final ProblemType KEY_REGISTERED = ProblemType.of("key-registered", 409, "The key already belongs to an identity");
    public static final ProblemType IDENTITY_REVOKED = ProblemType.of("identity-revoked", 409, "The identity is revoked");
    public static final ProblemType NOT_OWNER = ProblemType.of("not-identity-owner", 403, "Only the identity's current key may do this");
    public static final ProblemType CERTIFICATE_INVALID = ProblemType.of("certificate-invalid", 422, "A device certificate does not verify");
    public static final ProblemType ROTATION_PROOF_INVALID = ProblemType.of("rotation-proof-invalid", 422, "The new key's proof does not verify");
    public static final ProblemType DEVICE_LIMIT = ProblemType.of("device-limit", 422, "Too many devices");
    public static final ProblemType DEVICE_UNKNOWN = ProblemType.of("device-unknown", 404, "No such device");
    public static final ProblemType IDENTITY_UNKNOWN = ProblemType.of("identity-unknown", 404, "No such identity");

    private RegistryProblems() {
    }

    public static ProblemException unknownIdentity(String what) {
        return new ProblemException(IDENTITY_UNKNOWN, "no identity is registered " + what);
    }
}
