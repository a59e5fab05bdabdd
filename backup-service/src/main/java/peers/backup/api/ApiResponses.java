package peers.backup.api;

import peers.common.problems.ApiDocs;

/** Descriptions used by the OpenAPI annotations of this service's resources. */
final class ApiResponses {

    static final String PROBLEM = ApiDocs.PROBLEM;
    static final String BAD = ApiDocs.BAD;
    static final String UNSIGNED = ApiDocs.UNSIGNED;
    static final String INVALID = ApiDocs.INVALID;
    static final String TOO_LARGE = ApiDocs.TOO_LARGE;
    static final String LIMITED = ApiDocs.LIMITED;
    static final String UNKNOWN = "repo-unknown: no repository of the signing key has this id (other owners' repositories look the same)";
    static final String STORAGE = "storage-unavailable: the object store is unreachable; nothing was recorded; retry after Retry-After";

    private ApiResponses() {
    }
}
