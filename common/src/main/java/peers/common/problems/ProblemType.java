package peers.common.problems;

/**
 * The stable problem types shared by every service. A service adds its own with {@link #of}.
 *
 * <p>Types are URNs ({@code urn:peers:problem:<name>}): stable identifiers, documented in
 * docs/problems.md, that never change meaning once published.
 */
public record ProblemType(String name, int status, String title) {

    public static final String PREFIX = "urn:peers:problem:";

    public static final ProblemType MALFORMED_REQUEST = of("malformed-request", 400, "The request is malformed");
    public static final ProblemType INVALID_FIELD = of("invalid-field", 422, "A field has an invalid value");
    public static final ProblemType SIGNATURE_REQUIRED = of("signature-required", 401, "This request must be signed");
    public static final ProblemType SIGNATURE_INVALID = of("signature-invalid", 401, "The request signature is not valid");
    public static final ProblemType SIGNATURE_EXPIRED = of("signature-expired", 401, "The request signature is outside its validity window");
    public static final ProblemType SIGNATURE_REPLAYED = of("signature-replayed", 401, "The signature nonce was already used");
    public static final ProblemType DIGEST_MISMATCH = of("digest-mismatch", 400, "Content-Digest does not match the body");
    public static final ProblemType FORBIDDEN = of("forbidden", 403, "The caller may not do this");
    public static final ProblemType NOT_FOUND = of("not-found", 404, "No such resource");
    public static final ProblemType METHOD_NOT_ALLOWED = of("method-not-allowed", 405, "Method not allowed on this resource");
    public static final ProblemType NOT_ACCEPTABLE = of("not-acceptable", 406, "No acceptable representation");
    public static final ProblemType CONFLICT = of("conflict", 409, "The request conflicts with the current state");
    public static final ProblemType BODY_TOO_LARGE = of("body-too-large", 413, "The request body is too large");
    public static final ProblemType UNSUPPORTED_MEDIA_TYPE = of("unsupported-media-type", 415, "Unsupported content type");
    public static final ProblemType RATE_LIMITED = of("rate-limited", 429, "Too many requests");
    public static final ProblemType UNAVAILABLE = of("unavailable", 503, "The service is temporarily unavailable");
    public static final ProblemType INTERNAL = of("internal", 500, "Internal error");

    public static ProblemType of(String name, int status, String title) {
        return new ProblemType(name, status, title);
    }

    public String uri() {
        return PREFIX + name;
    }
}
