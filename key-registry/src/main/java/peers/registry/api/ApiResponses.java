package peers.registry.api;

import peers.common.problems.ApiDocs;

/** Descriptions used by the OpenAPI annotations of this service's resources: the common ones from {@link ApiDocs}, plus this service's own. */
final class ApiResponses {

    static final String PROBLEM = ApiDocs.PROBLEM;
    static final String BAD = ApiDocs.BAD;
    static final String UNSIGNED = ApiDocs.UNSIGNED;
    static final String INVALID = ApiDocs.INVALID;
    static final String TOO_LARGE = ApiDocs.TOO_LARGE;
    static final String LIMITED = ApiDocs.LIMITED;
    static final String FORBIDDEN = "Signed by a key that is not the identity's current key";
    static final String UNKNOWN = "No identity has this key as its current key";
    static final String REVOKED = "The identity is revoked";

    private ApiResponses() {
    }
}
