package peers.common.signatures;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/** A Vert.x server request as an RFC 9421 {@link RequestView}. */
public record VertxRequestView(HttpServerRequest request) implements RequestView {

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String scheme() {
        return request.scheme() == null ? "http" : request.scheme();
    }

    @Override
    public String authority() {
        var a = request.authority();
        if (a == null) {
            return "";
        }
        int port = a.port();
        boolean defaultPort = port < 0 || port == 80 && "http".equals(scheme()) || port == 443 && "https".equals(scheme());
        return defaultPort ? a.host() : a.host() + ":" + port;
    }

    @Override
    public String path() {
        String uri = request.uri();
        int q = uri.indexOf('?');
        String p = q >= 0 ? uri.substring(0, q) : uri;
        // An absolute-form request target ("http://host/path") carries the path after the authority.
        if (!p.startsWith("/")) {
            int scheme = p.indexOf("://");
            int slash = scheme < 0 ? -1 : p.indexOf('/', scheme + 3);
            p = slash < 0 ? "/" : p.substring(slash);
        }
        return p.isEmpty() ? "/" : p;
    }

    @Override
    public String query() {
        String uri = request.uri();
        int q = uri.indexOf('?');
        return q >= 0 ? uri.substring(q + 1) : null;
    }

    @Override
    public List<String> header(String lowercaseName) {
        return request.headers().getAll(lowercaseName);
    }
}
