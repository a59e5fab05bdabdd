package peers.common.signatures;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A client-side request (method, target URI, headers) as an RFC 9421 {@link RequestView}: what a
 * client signs before sending, whatever its HTTP library.
 *
 * @param headers every value of a header, by lowercase name (empty list when absent)
 */
public record UriRequestView(String method, URI uri, Function<String, List<String>> headers) implements RequestView {

    @Override
    public String method() {
        return method.toUpperCase(Locale.ROOT);
    }

    @Override
    public String scheme() {
        return uri.getScheme();
    }

    @Override
    public String authority() {
        int port = uri.getPort();
        boolean dflt = port < 0 || port == 80 && "http".equals(uri.getScheme()) || port == 443 && "https".equals(uri.getScheme());
        return dflt ? uri.getHost() : uri.getHost() + ":" + port;
    }

    @Override
    public String path() {
        return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    }

    @Override
    public String query() {
        return uri.getRawQuery();
    }

    @Override
    public List<String> header(String lowercaseName) {
        return headers.apply(lowercaseName);
    }
}
