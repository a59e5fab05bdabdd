package peers.common.signatures;

import java.util.List;

/**
 * What RFC 9421 needs to know of an HTTP request, independent of the HTTP stack, so the same code
 * builds signature bases on the server (Vert.x), in tests (RestAssured) and in clients.
 */
public interface RequestView {

    /** The method, e.g. {@code POST}. */
    String method();

    /** {@code scheme} of the target URI, lowercase. */
    String scheme();

    /** Host and, when not the scheme's default, port. */
    String authority();

    /** The absolute path as sent (percent-encoding preserved), never empty. */
    String path();

    /** The raw query without '?', or null when the request has none. */
    String query();

    /** Every value of a header field, in order; empty when absent. */
    List<String> header(String lowercaseName);
}
