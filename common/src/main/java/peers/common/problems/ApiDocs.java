package peers.common.problems;

/**
 * Response descriptions for OpenAPI annotations that mean the same in every service (compile-time
 * constants, so annotations can use them). Services add their own for their own problem types.
 */
public final class ApiDocs {

    public static final String PROBLEM = Problem.MEDIA_TYPE;
    public static final String BAD = "Malformed JSON, wrong types or unknown fields (problem+json)";
    public static final String UNSIGNED = "Missing, invalid, expired or replayed RFC 9421 signature (problem+json)";
    public static final String INVALID = "A field or parameter has an invalid value; the problem names it";
    public static final String TOO_LARGE = "Body larger than the limit";
    public static final String LIMITED = "Rate limit hit; see Retry-After";

    private ApiDocs() {
    }
}
