package peers.signaling.compat;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.common.limits.RateLimiter;
import peers.common.problems.ProblemException;
import peers.signaling.SignalingConfig;

/** The HTTP half of the PeerJS server protocol: the server description and random ids for clients that bring none. */
@Path("/signal/v1/peerjs")
@Tag(name = "peerjs")
public class PeerJsResource {

    private final SignalingConfig config;
    private final RateLimiter limiter;

    public PeerJsResource(SignalingConfig config, RateLimiter limiter) {
        this.config = config;
        this.limiter = limiter;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "PeerJS server description (as peerjs-server answers it)")
    @APIResponse(responseCode = "200", description = "name, description, website")
    @APIResponse(responseCode = "429", description = "Rate limit signal.peerjs-id hit")
    public Response describe(HttpServerRequest http) {
        limiter.checkClient("signal.peerjs-id", http);
        return cors(Response.ok(Map.of("name", "PeerJS Server", "description",
                "Peers signaling: PeerJS-compatible endpoint", "website", "https://peerjs.com/")));
    }

    @GET
    @Path("/{key}/id")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "A random PeerJS id, for clients created without one")
    @APIResponse(responseCode = "200", description = "The id, as text")
    @APIResponse(responseCode = "404", description = "Not this server's PeerJS key")
    @APIResponse(responseCode = "429", description = "Rate limit signal.peerjs-id hit")
    public Response id(@PathParam("key") String key, HttpServerRequest http) {
        limiter.checkClient("signal.peerjs-id", http);
        if (!config.peerjs().key().equals(key)) {
            throw ProblemException.notFound("no PeerJS key of that name on this server");
        }
        return cors(Response.ok(UUID.randomUUID().toString()));
    }

    private static Response cors(Response.ResponseBuilder r) {
        // The PeerJS client fetches this from the app's origin.
        return r.header("Access-Control-Allow-Origin", "*").build();
    }
}
