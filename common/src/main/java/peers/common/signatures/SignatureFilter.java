package peers.common.signatures;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/**
 * The one request-signature check of every service: runs before each {@link Signed} operation,
 * verifies the signature over the buffered body, claims the nonce, and records the caller.
 */
public class SignatureFilter {

    private final SignatureVerifier verifier;
    private final NonceStore nonces;
    private final Clock clock;
    private final Caller caller;

    public SignatureFilter(SignatureConfig config, NonceStore nonces, Clock clock, Caller caller) {
        this.verifier = new SignatureVerifier(config.clockSkew());
        this.nonces = nonces;
        this.clock = clock;
        this.caller = caller;
    }

    @Signed
    @ServerRequestFilter
    public Uni<Void> verify(RoutingContext rc) {
        Buffer body = rc.body() == null ? null : rc.body().buffer();
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        SignatureVerifier.Verified v = verifier.verify(new VertxRequestView(rc.request()), bytes, clock.instant());
        return nonces.claim(v.key(), v.nonce(), v.nonceExpiry()).map(fresh -> {
            if (!fresh) {
                throw new ProblemException(ProblemType.SIGNATURE_REPLAYED,
                        "nonce \"" + v.nonce() + "\" was already used by this key; every request needs a fresh nonce and signature");
            }
            caller.set(v.key());
            return null;
        });
    }
}
