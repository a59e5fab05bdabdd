package peers.common.signatures;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request as plain data, for unit tests of signature bases. */
record MapRequest(String method, String scheme, String authority, String path, String query, Map<String, List<String>> headers)
        implements RequestView {

    MapRequest {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
        headers = copy;
    }

    @Override
    public List<String> header(String lowercaseName) {
        return headers.getOrDefault(lowercaseName, List.of());
    }

    MapRequest with(String header, String value) {
        Map<String, List<String>> h = new LinkedHashMap<>(headers);
        h.put(header.toLowerCase(Locale.ROOT), List.of(value));
        return new MapRequest(method, scheme, authority, path, query, h);
    }

    MapRequest withMethod(String m) {
        return new MapRequest(m, scheme, authority, path, query, headers);
    }

    MapRequest withAuthority(String a) {
        return new MapRequest(method, scheme, a, path, query, headers);
    }

    MapRequest withPath(String p) {
        return new MapRequest(method, scheme, authority, p, query, headers);
    }

    MapRequest withQuery(String q) {
        return new MapRequest(method, scheme, authority, path, q, headers);
    }
}
