package peers.sync.api;

import peers.common.problems.ApiDocs;

/** Descriptions used by the OpenAPI annotations of this service's resources: the common ones from {@link ApiDocs}, plus this service's own. */
final class ApiResponses {

    static final String PROBLEM = ApiDocs.PROBLEM;
    static final String BAD = ApiDocs.BAD;
    static final String UNSIGNED = ApiDocs.UNSIGNED;
    static final String INVALID = ApiDocs.INVALID;
    static final String TOO_LARGE = ApiDocs.TOO_LARGE;
    static final String LIMITED = ApiDocs.LIMITED;
    static final String FORBIDDEN = "not-a-member: the signing key is not a member; role-insufficient: its role does not allow this";
    static final String UNKNOWN = "stream-unknown: no stream has this id";

    private ApiResponses() {
    }
}
