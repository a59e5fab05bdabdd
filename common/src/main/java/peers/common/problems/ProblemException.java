package peers.common.problems;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Thrown (or failed with, in a {@code Uni}) anywhere on the request path to answer with a problem.
 * Carries no stack trace: it is an answer, not a bug.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final String detail;
    private final Map<String, Object> extensions;
    private final Map<String, String> headers;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, Map.of(), Map.of());
    }

    public ProblemException(ProblemType type, String detail, Map<String, Object> extensions, Map<String, String> headers) {
        super(type.name() + ": " + detail, null, false, false);
        this.type = type;
        this.detail = detail;
        this.extensions = extensions;
        this.headers = headers;
    }

    public ProblemType type() {
        return type;
    }

    public String detail() {
        return detail;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** A copy with one more extension member, e.g. {@code with("limit", "handle.length")}. */
    public ProblemException with(String member, Object value) {
        Map<String, Object> ext = new LinkedHashMap<>(extensions);
        ext.put(member, value);
        return new ProblemException(type, detail, ext, headers);
    }

    /** A copy with one more response header, e.g. {@code Retry-After}. */
    public ProblemException withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ProblemException(type, detail, extensions, h);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(ProblemType.NOT_FOUND, detail);
    }

    public static ProblemException invalid(String field, String detail) {
        return new ProblemException(ProblemType.INVALID_FIELD, detail).with("field", field);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(ProblemType.FORBIDDEN, detail);
    }

    public static ProblemException conflict(ProblemType type, String detail) {
        return new ProblemException(type, detail);
    }
}
