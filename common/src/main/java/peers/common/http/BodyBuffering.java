package peers.common.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;
import peers.common.problems.Problems;

/**
 * Reads request bodies fully, up to the configured bound, before the REST layer sees them: the
 * signature filter needs the exact bytes for {@code Content-Digest}, and an oversize body is
 * refused with a 413 problem before anything is parsed. Failures raised below the REST layer
 * (size, malformed HTTP) are answered as problem+json too.
 */
@ApplicationScoped
public class BodyBuffering {

    private final HttpLimitsConfig config;

    public BodyBuffering(HttpLimitsConfig config) {
        this.config = config;
    }

    void install(@Observes Router router) {
        List<String> streaming = config.streamingPaths().orElse(List.of());
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()).setHandleFileUploads(false);
        router.route().order(-100).handler(rc -> {
            String path = rc.normalizedPath();
            for (String prefix : streaming) {
                if (path.startsWith(prefix)) {
                    rc.next();
                    return;
                }
            }
            rc.put(BUFFERED, Boolean.TRUE);
            body.handle(rc);
        }).handler(rc -> {
            // An empty body leaves no buffer behind, and the REST layer then waits to read the body from a request that
            // has already ended: a JSON operation sent Content-Length: 0 was never answered. An empty buffer makes it
            // read zero bytes and refuse the missing entity like any other malformed body.
            if (rc.get(BUFFERED) != null && rc.body().buffer() == null) {
                setEmptyBody(rc);
            }
            rc.next();
        }).failureHandler(this::failure);
    }

    private static final String BUFFERED = "peers.body.buffered";

    @SuppressWarnings("deprecation") // the one setter of the buffered body; BodyHandler itself uses it
    private static void setEmptyBody(RoutingContext rc) {
        rc.setBody(Buffer.buffer());
    }

    private void failure(RoutingContext rc) {
        int status = rc.statusCode();
        ProblemException p = status == 413
                ? new ProblemException(ProblemType.BODY_TOO_LARGE, "the body exceeds " + config.maxBodyBytes() + " bytes; send a smaller body")
                        .with("limit", "http.max-body-bytes").with("maxBytes", config.maxBodyBytes())
                : status == 400
                        ? new ProblemException(ProblemType.MALFORMED_REQUEST, "the HTTP request could not be read")
                        : null;
        if (p == null) {
            rc.next();
            return;
        }
        Problems.end(rc.response(), p, rc.normalizedPath());
    }
}
