package peers.registry.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.common.limits.RateLimiter;
import peers.common.problems.Params;
import peers.registry.RegistryConfig;
import peers.registry.identities.IdentityLookup;
import peers.registry.log.LogSigner;

/** Finding identities by handle: exact lookup and prefix search. */
@Path("/registry/v1/handles")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "handles")
public class HandlesResource {

    private final IdentityLookup lookup;
    private final LogSigner signer;
    private final RateLimiter limiter;
    private final RegistryConfig config;

    public HandlesResource(IdentityLookup lookup, LogSigner signer, RateLimiter limiter, RegistryConfig config) {
        this.lookup = lookup;
        this.signer = signer;
        this.limiter = limiter;
        this.config = config;
    }

    @GET
    @Path("/{handle}")
    @Operation(summary = "Look up an identity by handle", description = "Exact match after NFKC case folding; finds public and unlisted identities, never private ones.")
    @APIResponse(responseCode = "200", description = "The identity and its inclusion proof", content = @Content(schema = @Schema(implementation = Dtos.IdentityResponse.class)))
    @APIResponse(responseCode = "404", description = "No findable identity has this handle", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "The text cannot be a handle (the problem says which rule)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.IdentityResponse> byHandle(@PathParam("handle") String handle, HttpServerRequest http) {
        limiter.checkClient("registry.lookup", http);
        return lookup.byHandle(handle).chain(p -> signer.keys().map(k -> Views.response(p, signer.origin(), k.publicKey().toString())));
    }

    @GET
    @Operation(summary = "Search public handles by prefix", description = "Lists public identities only, in handle order. Confirm a hit with a lookup, which carries the proof.")
    @APIResponse(responseCode = "200", description = "A page of handles", content = @Content(schema = @Schema(implementation = Dtos.SearchResponse.class)))
    @APIResponse(responseCode = "422", description = "prefix missing or too long, or limit out of range", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.SearchResponse> search(@QueryParam("prefix") String prefix, @QueryParam("after") String after, @QueryParam("limit") String limit,
            HttpServerRequest http) {
        limiter.checkClient("registry.search", http);
        String p = Params.stringParam("prefix", prefix, 32, true);
        String a = Params.stringParam("after", after, 128, false);
        int size = Params.intParam("limit", limit, 20, 1, config.maxPageSize());
        return lookup.search(p, a, size).map(list -> new Dtos.SearchResponse(
                list.stream().map(l -> new Dtos.Listed(l.handle(), l.identityKey())).toList(),
                list.size() == size ? list.get(list.size() - 1).handle() : null));
    }
}
