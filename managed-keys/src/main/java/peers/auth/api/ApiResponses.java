package peers.auth.api;

import peers.common.problems.ApiDocs;

/** Descriptions used by the OpenAPI annotations of this service's resources. */
final class ApiResponses {

    static final String PROBLEM = ApiDocs.PROBLEM;
    static final String BAD = ApiDocs.BAD + "; webauthn-rejected (with reason: origin, rp-id, challenge, user-verification, counter, signature, algorithm, attestation); prf-output-sent";
    static final String INVALID = ApiDocs.INVALID;
    static final String TOO_LARGE = ApiDocs.TOO_LARGE;
    static final String LIMITED = ApiDocs.LIMITED;
    static final String SESSION = "session-required, session-invalid, session-expired: send a live 'Authorization: Bearer <token>'";
    static final String CEREMONY_UNKNOWN = "ceremony-unknown: no such ceremony of this kind";
    static final String CEREMONY_USED = "ceremony-used: the challenge was already used";
    static final String CEREMONY_EXPIRED = "ceremony-expired: the challenge expired";
    static final String UNSUPPORTED = "Body is not application/json";

    private ApiResponses() {
    }
}
