package peers.auth.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.Response;
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
import peers.auth.AuthConfig;
import peers.auth.accounts.AccountService;
import peers.auth.webauthn.Options;
import peers.auth.webauthn.RelyingParty;
import peers.common.limits.RateLimiter;
import peers.common.signatures.Caller;
import peers.common.signatures.Signed;

/**
 * The way back without a passkey: the recovery wrap, found by a value derived from the recovery code;
 * then, signed with the recovered identity key (RFC 9421), a new passkey for the account.
 */
@Path("/auth/v1/recovery")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "recovery")
public class RecoveryResource {

    private final AccountService accounts;
    private final RateLimiter limiter;
    private final RelyingParty rp;
    private final Caller caller;
    private final AuthConfig config;

    public RecoveryResource(AccountService accounts, RateLimiter limiter, RelyingParty rp, Caller caller, AuthConfig config) {
        this.accounts = accounts;
        this.limiter = limiter;
        this.rp = rp;
        this.caller = caller;
        this.config = config;
    }

    @POST
    @Path("/credentials/options")
    @Signed
    @Operation(summary = "Start adding a passkey with the identity key", description = "Signed (RFC 9421) by the account's identity key, e.g. after unwrapping it with the recovery code: creation options for a new passkey of that account.")
    @APIResponse(responseCode = "200", description = "The options", content = @Content(schema = @Schema(implementation = Dtos.OptionsOut.class)))
    @APIResponse(responseCode = "401", description = peers.common.problems.ApiDocs.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = "account-unknown: no account has the signing key", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "credential-limit", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.OptionsOut> addOptions(@Context HttpServerRequest request) {
        limiter.checkClient("auth.recovery", request);
        return accounts.startAddCredential(accounts.keyAccount(caller.key()))
                .map(s -> Dtos.OptionsOut.of(s.ceremony(), Options.creation(rp, s.ceremony(), null, s.credentials(), config.ceremonyTtl().toMillis())));
    }

    @POST
    @Path("/credentials")
    @Signed
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Finish adding a passkey with the identity key", description = "Signed by the account's identity key; verifies the attestation like a sign-up and adds the passkey (optionally with its wrap). Log in with it afterwards.")
    @APIResponse(responseCode = "201", description = "Added", content = @Content(schema = @Schema(implementation = Dtos.AddedCredentialOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = peers.common.problems.ApiDocs.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.CEREMONY_UNKNOWN + "; account-unknown", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.CEREMONY_USED + "; credential-exists; salt-mismatch; wrong-mode", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "410", description = ApiResponses.CEREMONY_EXPIRED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.UNSUPPORTED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + "; prf-unavailable; key-mismatch; credential-limit", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> add(@Valid @NotNull Dtos.AddCredentialRequest body, @Context HttpServerRequest request) {
        limiter.checkClient("auth.recovery", request);
        return accounts.finishAddCredential(accounts.keyAccount(caller.key()), body.ceremonyId(), body.credential(), body.wrap())
                .map(c -> Response.status(201).entity(new Dtos.AddedCredentialOut(c.id, c.prfSaltId)).build());
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
