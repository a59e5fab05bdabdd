package peers.auth.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.auth.accounts.AccountService;
import peers.common.limits.RateLimiter;

/** The recovery wrap, found by a value derived from the recovery code: no passkey needed. */
@Path("/auth/v1/recovery")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "recovery")
public class RecoveryResource {

    private final AccountService accounts;
    private final RateLimiter limiter;

    public RecoveryResource(AccountService accounts, RateLimiter limiter) {
        this.accounts = accounts;
        this.limiter = limiter;
    }

    @GET
    @Path("/{lookup}")
    @Operation(summary = "Fetch the recovery wrap", description = "For the 32-byte lookup value the client derives from its recovery code (a 256-bit value: not guessable). Tightly rate limited per client address.")
    @APIResponse(responseCode = "200", description = "The recovery wrap", content = @Content(schema = @Schema(implementation = Dtos.RecoveryOut.class)))
    @APIResponse(responseCode = "404", description = "recovery-unknown", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (lookup)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.RecoveryOut> get(@PathParam("lookup") String lookup, @Context HttpServerRequest request) {
        limiter.checkClient("auth.recovery", request);
        return accounts.recovery(lookup).map(Dtos.RecoveryOut::of);
    }
}
