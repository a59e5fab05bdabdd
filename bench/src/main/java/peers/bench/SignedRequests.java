package peers.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import peers.common.signatures.ContentDigest;
import peers.common.signatures.RequestSigner;
import peers.common.signatures.RequestView;
import peers.common.signatures.UriRequestView;

/**
 * Builds {@link HttpRequest}s signed per RFC 9421 the way a well-behaved Peers client signs (as
 * {@code peers.testing.peers.SigningFilter} does for RestAssured): components {@code @method @authority
 * @path @query}, plus {@code content-digest} (RFC 9530 sha-256) when there is a body; parameters
 * {@code created}, a fresh {@code nonce}, {@code keyid} (the peer key's text form) and {@code alg="ed25519"}.
 */
public final class SignedRequests {

    private static final List<String> COMPONENTS = List.of("@method", "@authority", "@path", "@query");

    private SignedRequests() {
    }

    /** A signed request with a JSON body (or none when {@code json} is null). */
    public static HttpRequest build(String method, URI uri, String json, String keyId, PrivateKey key, Duration timeout) {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        List<String> components = new ArrayList<>(COMPONENTS);
        String digest = null;
        if (body.length > 0) {
            digest = ContentDigest.sha256(body);
            b.header("Content-Type", "application/json").header("Content-Digest", digest);
            components.add("content-digest");
        }
        String contentDigest = digest;
        RequestView view = new UriRequestView(method, uri,
                name -> "content-digest".equals(name) && contentDigest != null ? List.of(contentDigest) : List.of());
        Map<String, String> sig = RequestSigner.sign(view, new RequestSigner.Spec(components, Instant.now().getEpochSecond(), null,
                UUID.randomUUID().toString(), keyId, "ed25519", "sig"), key);
        sig.forEach(b::header);
        b.method(method.toUpperCase(Locale.ROOT), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return b.build();
    }
}
