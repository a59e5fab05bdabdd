package peers.sync.api;

/** Descriptions shared by the OpenAPI annotations of this service's resources. */
final class ApiResponses {

    static final String PROBLEM = "application/problem+json";
    static final String BAD = "Malformed JSON, wrong types or unknown fields (problem+json)";
    static final String UNSIGNED = "Missing, invalid, expired or replayed RFC 9421 signature (problem+json)";
    static final String INVALID = "A field or parameter has an invalid value; the problem names it";
    static final String TOO_LARGE = "Body larger than the limit";
    static final String LIMITED = "Rate limit hit; see Retry-After";
    static final String FORBIDDEN = "not-a-member: the signing key is not a member; role-insufficient: its role does not allow this";
    static final String UNKNOWN = "stream-unknown: no stream has this id";

    private ApiResponses() {
    }
}
