package peers.testing.peers;

import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import peers.common.signatures.ContentDigest;
import peers.common.signatures.RequestSigner;
import peers.common.signatures.RequestView;
import peers.common.signatures.UriRequestView;

/** Signs a RestAssured request per RFC 9421 with the options given. */
final class SigningFilter implements Filter {

    private final TestPeer peer;
    private final SignOptions options;

    SigningFilter(TestPeer peer, SignOptions options) {
        this.peer = peer;
        this.options = options;
    }

    @Override
    public Response filter(FilterableRequestSpecification req, FilterableResponseSpecification res, FilterContext ctx) {
        byte[] body = bodyBytes(req.getBody());
        if (body.length > 0) {
            // Send exactly the bytes that were digested, whatever charset RestAssured would pick.
            req.body(body);
        }
        List<String> components = new ArrayList<>(options.components());
        if (body.length > 0 && options.digest()) {
            req.header("Content-Digest", ContentDigest.sha256(body));
            if (!components.contains("content-digest")) {
                components.add("content-digest");
            }
        }
        URI uri = URI.create(req.getURI());
        RequestView view = new UriRequestView(req.getMethod(), uri, name -> req.getHeaders().getValues(name));
        long created = (options.created() == null ? Instant.now() : options.created()).getEpochSecond();
        Map<String, String> sig = RequestSigner.sign(view, new RequestSigner.Spec(components, created, options.expires(),
                options.nonceOrFresh(), options.keyId() == null ? peer.id() : options.keyId(), "ed25519", "sig"), peer.privateKey());
        sig.forEach(req::header);
        if (options.tamperBodyAfterSigning() != null) {
            req.body(options.tamperBodyAfterSigning().getBytes(StandardCharsets.UTF_8));
        }
        return ctx.next(req, res);
    }

    private static byte[] bodyBytes(Object body) {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] b) {
            return b;
        }
        if (body instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("sign requests with a String or byte[] body (got " + body.getClass().getSimpleName() + ")");
    }
}
