package peers.common.problems;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Builds problem responses, both for JAX-RS and for raw Vert.x handlers (body limits, sockets). */
public final class Problems {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    public static Problem of(ProblemException e, String instance) {
        ProblemType t = e.type();
        return new Problem(t.uri(), t.title(), t.status(), e.detail(), instance, e.extensions());
    }

    public static Response response(ProblemException e, String instance) {
        Response.ResponseBuilder rb = Response.status(e.type().status())
                .type(Problem.MEDIA_TYPE)
                .entity(of(e, instance));
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            rb.header(h.getKey(), h.getValue());
        }
        return rb.build();
    }

    public static String json(Problem p) {
        try {
            return JSON.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ends a raw Vert.x response with a problem. */
    public static void end(HttpServerResponse response, ProblemException e, String instance) {
        if (response.ended()) {
            return;
        }
        response.setStatusCode(e.type().status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        e.headers().forEach(response::putHeader);
        response.end(json(of(e, instance)));
    }
}
