package peers.common.signatures;

import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/** Why a signature was refused, as a problem a client can act on. */
final class SignatureException {

    private SignatureException() {
    }

    static ProblemException required(String detail) {
        return new ProblemException(ProblemType.SIGNATURE_REQUIRED, detail);
    }

    static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.SIGNATURE_INVALID, detail);
    }

    static ProblemException expired(String detail) {
        return new ProblemException(ProblemType.SIGNATURE_EXPIRED, detail);
    }
}
