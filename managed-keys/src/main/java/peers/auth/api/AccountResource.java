package peers.auth.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.auth.AuthConfig;
import peers.auth.accounts.AccountService;
import peers.auth.accounts.RecoveryInput;
import peers.auth.accounts.WrapInput;
import peers.auth.webauthn.Options;
import peers.auth.webauthn.RelyingParty;
import peers.common.limits.RateLimiter;

/** The session's account: its passkeys, wrapped keys, recovery wrap, and deletion. */
@Path("/auth/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "account")
@SecurityScheme(securitySchemeName = "session", type = SecuritySchemeType.HTTP, scheme = "bearer", description = "The session token from a sign-up or login")
@SecurityRequirement(name = "session")
public class AccountResource {

    private final AccountService accounts;
    private final RelyingParty rp;
    private final RateLimiter limiter;
    private final AuthConfig config;

    public AccountResource(AccountService accounts, RelyingParty rp, RateLimiter limiter, AuthConfig config) {
        this.accounts = accounts;
        this.rp = rp;
        this.limiter = limiter;
        this.config = config;
    }

    @GET
    @Path("/account")
    @Operation(summary = "Get the account", description = "Its keys, mode, passkeys (with PRF salts and whether each has a wrap) and whether a recovery wrap exists.")
    @APIResponse(responseCode = "200", description = "The account", content = @Content(schema = @Schema(implementation = Dtos.AccountOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.SESSION, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.AccountOut> get(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, @Context HttpServerRequest request) {
        limiter.checkClient("auth.account", request);
        return accounts.view(auth).map(Dtos.AccountOut::of);
    }

    @DELETE
    @Path("/account")
    @Operation(summary = "Delete the account", description = "Every passkey, wrap, recovery wrap, custodial key and session is gone at once; an account-deleted event follows.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "401", description = ApiResponses.SESSION, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> delete(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, @Context HttpServerRequest request) {
        limiter.checkClient("auth.account", request);
        return accounts.deleteAccount(auth).replaceWith(Response.noContent().build());
    }

    @DELETE
    @Path("/session")
    @Operation(summary = "Log out", description = "Revokes the session's token.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "401", description = ApiResponses.SESSION, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> logout(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, @Context HttpServerRequest request) {
        limiter.checkClient("auth.account", request);
        return accounts.logout(auth).replaceWith(Response.noContent().build());
    }

    @POST
    @Path("/account/credentials/options")
    @Operation(summary = "Start adding a passkey", description = "Creation options for the account's user handle, excluding its passkeys, with the new passkey's PRF salt.")
    @APIResponse(responseCode = "200", description = "The options", content = @Content(schema = @Schema(implementation = Dtos.OptionsOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.SESSION, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "credential-limit", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.OptionsOut> addOptions(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, @Context HttpServerRequest request) {
        limiter.checkClient("auth.account", request);
        return accounts.startAddCredential(accounts.sessionAccount(auth))
                .map(s -> Dtos.OptionsOut.of(s.ceremony(), Options.creation(rp, s.ceremony(), null, s.credentials(), config.ceremonyTtl().toMillis())));
    }

    @POST
    @Path("/account/credentials")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Finish adding a passkey", description = "Verifies the attestation like a sign-up; in mode prf the passkey must support PRF. Optionally stores its wrap at once.")
    @APIResponse(responseCode = "201", description = "Added", content = @Content(schema = @Schema(implementation = Dtos.AddedCredentialOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.SESSION, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.CEREMONY_UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.CEREMONY_USED + "; credential-exists; salt-mismatch; wrong-mode", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "410", description = ApiResponses.CEREMONY_EXPIRED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.UNSUPPORTED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + "; prf-unavailable; key-mismatch; credential-limit", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> add(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, @Valid @NotNull Dtos.AddCredentialRequest body,
            @Context HttpServerRequest request) {
        limiter.checkClient("auth.account", request);
        return accounts.finishAddCredential(accounts.sessionAccount(auth), body.ceremonyId(), body.credential(), body.wrap())
                .map(c -> Response.status(201).entity(new Dtos.AddedCredentialOut(c.id, c.prfSaltId)).build());
    }

    @DELETE
    @Path("/account/credentials/{credentialId}")
    @Operation(summary = "Remove a passkey", description = "With its wrap and its sessions. Refused when it is the last passkey, or (mode prf) when its wrap is the last way to unlock the key.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "401", description = ApiResponses.SESSION, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = "credential-unknown: the account has no such passkey", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "last-way-to-unlock", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (credentialId)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> remove(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, @PathParam("credentialId") String credentialId,
            @Context HttpServerRequest request) {
        limiter.checkClient("auth.account", request);
        return accounts.removeCredential(auth, credentialId).replaceWith(Response.noContent().build());
    }

    @PUT
    @Path("/account/credentials/{credentialId}/wrap")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Store a passkey's wrap", description = "Mode prf: the identity key wrapped on the client with a key derived from this passkey's PRF output (its salt id named). Replaces a previous wrap.")
    @APIResponse(responseCode = "200", description = "Stored", content = @Content(schema = @Schema(implementation = Dtos.WrapOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.SESSION, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = "credential-unknown: the account has no such passkey", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "salt-mismatch; wrong-mode", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.UNSUPPORTED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + "; key-mismatch", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.WrapOut> putWrap(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, @PathParam("credentialId") String credentialId,
            @Valid @NotNull WrapInput body, @Context HttpServerRequest request) {
        limiter.checkClient("auth.account", request);
        return accounts.putWrap(auth, credentialId, body).map(Dtos.WrapOut::of);
    }

    @GET
    @Path("/account/credentials/{credentialId}/wrap")
    @Operation(summary = "Get a passkey's wrap")
    @APIResponse(responseCode = "200", description = "The wrap", content = @Content(schema = @Schema(implementation = Dtos.WrapOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.SESSION, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = "wrap-unknown", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (credentialId)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.WrapOut> getWrap(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, @PathParam("credentialId") String credentialId,
            @Context HttpServerRequest request) {
        limiter.checkClient("auth.account", request);
        return accounts.getWrap(auth, credentialId).map(Dtos.WrapOut::of);
    }

    @PUT
    @Path("/account/recovery")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Store the recovery wrap", description = "The identity key wrapped by a key derived from a recovery code generated on the client; the second way back when passkeys are lost. Replaces a previous one.")
    @APIResponse(responseCode = "204", description = "Stored")
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.SESSION, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "conflict: the lookup value is in use", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.UNSUPPORTED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + "; key-mismatch", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> putRecovery(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, @Valid @NotNull RecoveryInput body,
            @Context HttpServerRequest request) {
        limiter.checkClient("auth.account", request);
        return accounts.putRecovery(auth, body).replaceWith(Response.noContent().build());
    }
}
