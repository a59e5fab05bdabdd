package peers.common.signatures;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** Builds the RFC 9421 signature base (§2.5) for a request and a list of covered components. */
public final class SignatureBase {

    private SignatureBase() {
    }

    /**
     * @param components covered component identifiers, in order (derived ones start with '@')
     * @param signatureParams the serialized inner list with parameters (value of "@signature-params")
     * @throws peers.common.problems.ProblemException when a component cannot be resolved
     */
    public static byte[] build(RequestView request, List<String> components, String signatureParams) {
        StringBuilder sb = new StringBuilder(256);
        for (String c : components) {
            String value = value(request, c);
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw SignatureException.invalid("component \"" + c + "\" has a line break in its value");
            }
            sb.append('"').append(c).append("\": ").append(value).append('\n');
        }
        sb.append("\"@signature-params\": ").append(signatureParams);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String value(RequestView r, String component) {
        return switch (component) {
            case "@method" -> r.method();
            case "@authority" -> r.authority().toLowerCase(Locale.ROOT);
            case "@scheme" -> r.scheme().toLowerCase(Locale.ROOT);
            case "@path" -> r.path();
            case "@query" -> "?" + (r.query() == null ? "" : r.query());
            case "@request-target" -> r.path() + (r.query() == null ? "" : "?" + r.query());
            case "@target-uri" -> r.scheme().toLowerCase(Locale.ROOT) + "://" + r.authority().toLowerCase(Locale.ROOT) + r.path()
                    + (r.query() == null ? "" : "?" + r.query());
            default -> {
                if (component.startsWith("@")) {
                    throw SignatureException.invalid("derived component \"" + component + "\" is not supported; use @method @authority @path @query @scheme @target-uri @request-target");
                }
                List<String> values = r.header(component);
                if (values.isEmpty()) {
                    throw SignatureException.invalid("covered header \"" + component + "\" is not in the request");
                }
                StringBuilder v = new StringBuilder();
                for (String s : values) {
                    if (!v.isEmpty()) {
                        v.append(", ");
                    }
                    v.append(s.strip());
                }
                yield v.toString();
            }
        };
    }
}
