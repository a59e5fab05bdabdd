package peers.auth.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
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
import peers.common.problems.Problem;

/** Sign-up and login ceremonies (WebAuthn registration and authentication), rate limited per client address. */
@Path("/auth/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "ceremonies")
public class CeremoniesResource {

    private final AccountService accounts;
    private final RelyingParty rp;
    private final RateLimiter limiter;
    private final AuthConfig config;

    public CeremoniesResource(AccountService accounts, RelyingParty rp, RateLimiter limiter, AuthConfig config) {
        this.accounts = accounts;
        this.rp = rp;
        this.limiter = limiter;
        this.config = config;
    }

    @POST
    @Path("/registrations/options")
    @Operation(summary = "Start a sign-up", description = "Creation options with a fresh single-use challenge, a new user handle, resident key and user verification required, and the PRF extension with the new passkey's salt. The app id (body or Peers-App header) is recorded for attribution.")
    @APIResponse(responseCode = "200", description = "The options", content = @Content(schema = @Schema(implementation = Dtos.OptionsOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.UNSUPPORTED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (appId)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.OptionsOut> registrationOptions(@Valid Dtos.RegistrationOptionsRequest body, @HeaderParam("Peers-App") String appHeader,
            @Context HttpServerRequest request) {
        limiter.checkClient("auth.ceremony", request);
        String appId = body != null && body.appId() != null ? body.appId() : appHeader;
        String userName = body == null ? null : body.userName();
        return accounts.startRegistration(appId)
                .map(s -> Dtos.OptionsOut.of(s.ceremony(), Options.creation(rp, s.ceremony(), userName, s.credentials(), config.ceremonyTtl().toMillis())));
    }

    @POST
    @Path("/registrations")
    @Operation(summary = "Finish a sign-up", description = "Verifies the attestation (origin, RP ID, challenge, user verification, algorithm) and the identity key's proof, then creates the account with the passkey, its key material and a session. Mode prf needs a passkey with PRF; mode custodial is the explicit opt-in for passkeys without it.")
    @APIResponse(responseCode = "201", description = "Account created, with a session", content = @Content(schema = @Schema(implementation = Dtos.SignedUpOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.CEREMONY_UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.CEREMONY_USED + "; identity-key-taken; credential-exists; salt-mismatch", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "410", description = ApiResponses.CEREMONY_EXPIRED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.UNSUPPORTED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + "; prf-unavailable; custodial-unavailable; identity-proof-invalid; key-mismatch", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> register(@Valid @NotNull Dtos.RegistrationRequest body, @Context HttpServerRequest request) {
        limiter.checkClient("auth.ceremony", request);
        return accounts.finishRegistration(body.ceremonyId(), body.credential(), body.identityKey(), body.identityProof(), body.encryptionKey(),
                body.mode(), body.wrap(), body.custodialKey())
                .map(s -> Response.status(201).entity(Dtos.SignedUpOut.of(s)).build());
    }

    @POST
    @Path("/authentications/options")
    @Operation(summary = "Start a login", description = "Request options with a fresh single-use challenge and user verification required. With an account id: its passkeys, each with its PRF salt (evalByCredential). Without: any discoverable passkey, no PRF (log in again for the account to get PRF output).")
    @APIResponse(responseCode = "200", description = "The options", content = @Content(schema = @Schema(implementation = Dtos.OptionsOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = "account-unknown", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.UNSUPPORTED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (accountId)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.OptionsOut> authenticationOptions(@Valid Dtos.AuthenticationOptionsRequest body, @Context HttpServerRequest request) {
        limiter.checkClient("auth.ceremony", request);
        return accounts.startAuthentication(body == null ? null : body.accountId())
                .map(s -> Dtos.OptionsOut.of(s.ceremony(), Options.request(rp, s.ceremony(), s.credentials(), config.ceremonyTtl().toMillis())));
    }

    @POST
    @Path("/authentications")
    @Operation(summary = "Finish a login", description = "Verifies the assertion (origin, RP ID, challenge, user verification, signature) and that the signature counter increased, then issues a session. Returns the passkey's wrap; for custodial accounts that ask, the key itself.")
    @APIResponse(responseCode = "200", description = "Logged in", content = @Content(schema = @Schema(implementation = Dtos.LoggedInOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.CEREMONY_UNKNOWN + "; credential-unknown", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.CEREMONY_USED + "; not-custodial", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "410", description = ApiResponses.CEREMONY_EXPIRED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.UNSUPPORTED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.LoggedInOut> authenticate(@Valid @NotNull Dtos.AuthenticationRequest body, @Context HttpServerRequest request) {
        limiter.checkClient("auth.ceremony", request);
        return accounts.finishAuthentication(body.ceremonyId(), body.credential(), Boolean.TRUE.equals(body.releaseCustodialKey())).map(Dtos.LoggedInOut::of);
    }
}
