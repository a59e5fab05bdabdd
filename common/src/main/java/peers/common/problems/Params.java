package peers.common.problems;

/**
 * Parses query parameters with clear 422 problems. JAX-RS would answer a malformed numeric query
 * parameter with a bare 404; clients deserve to know which parameter is wrong and why.
 */
public final class Params {

    private Params() {
    }

    public static long longParam(String name, String value, long dflt, long min, long max) {
        if (value == null || value.isEmpty()) {
            return dflt;
        }
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ProblemException.invalid(name, "query parameter '" + name + "' must be an integer between " + min + " and " + max);
        }
        if (v < min || v > max) {
            throw ProblemException.invalid(name, "query parameter '" + name + "' must be between " + min + " and " + max + "; got " + v);
        }
        return v;
    }

    public static int intParam(String name, String value, int dflt, int min, int max) {
        return (int) longParam(name, value, dflt, min, max);
    }

    public static String stringParam(String name, String value, int maxLength, boolean required) {
        if (value == null || value.isEmpty()) {
            if (required) {
                throw ProblemException.invalid(name, "query parameter '" + name + "' is required");
            }
            return null;
        }
        if (value.length() > maxLength) {
            throw ProblemException.invalid(name, "query parameter '" + name + "' is longer than " + maxLength + " characters");
        }
        return value;
    }
}
