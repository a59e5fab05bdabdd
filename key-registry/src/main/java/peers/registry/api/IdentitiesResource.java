package peers.registry.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.common.limits.RateLimiter;
import peers.common.problems.Params;
import peers.common.problems.Problem;
import peers.common.signatures.Caller;
import peers.common.signatures.Signed;
import peers.registry.identities.IdentityLookup;
import peers.registry.identities.IdentityService;
import peers.registry.log.LogSigner;

/** Identities: registration, lookup by key, and every change an identity's key can sign. */
@Path("/registry/v1/identities")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "identities")
public class IdentitiesResource {

    private final IdentityService service;
    private final IdentityLookup lookup;
    private final LogSigner signer;
    private final RateLimiter limiter;
    private final Caller caller;

    public IdentitiesResource(IdentityService service, IdentityLookup lookup, LogSigner signer, RateLimiter limiter, Caller caller) {
        this.service = service;
        this.lookup = lookup;
        this.signer = signer;
        this.limiter = limiter;
        this.caller = caller;
    }

    @POST
    @Signed
    @Operation(summary = "Register an identity", description = "The request is signed by the new identity key (proof of possession); the key becomes the identity's id.")
    @APIResponse(responseCode = "201", description = "Registered; body carries the identity and its inclusion proof",
            content = @Content(schema = @Schema(implementation = Dtos.IdentityResponse.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "Handle taken or confusable with a taken handle, or key already registered", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = "Body is not application/json", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (handle rules, key encodings, device certificates)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> register(@Valid @NotNull Dtos.RegisterRequest body, HttpServerRequest http) {
        limiter.checkClient("registry.register", http);
        var devices = body.devices() == null ? List.<peers.registry.identities.DeviceSpec>of() : body.devices().stream().map(Dtos.DeviceRequest::toSpec).toList();
        return service.register(caller.key(), body.handle(), body.encryptionKey(),
                        body.discoverability() == null ? null : body.discoverability().toDomain(), devices)
                .invoke(lookup::changed).chain(lookup::byId)
                .chain(p -> signer.keys().map(k -> Response.created(URI.create("/registry/v1/identities/" + p.state().path("identityKey").asText()))
                        .entity(Views.response(p, signer.origin(), k.publicKey().toString())).build()));
    }

    @GET
    @Path("/{key}")
    @Operation(summary = "Look up an identity by key", description = "Finds the identity whose current or former key this is, whatever its discoverability; revoked identities are answered with status 'revoked'.")
    @APIResponse(responseCode = "200", description = "The identity and its inclusion proof", content = @Content(schema = @Schema(implementation = Dtos.IdentityResponse.class)))
    @APIResponse(responseCode = "404", description = "No identity ever had this key", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "The path is not a peer key", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.IdentityResponse> byKey(@PathParam("key") String key, HttpServerRequest http) {
        limiter.checkClient("registry.lookup", http);
        return lookup.byKey(key).chain(this::respond);
    }

    @POST
    @Path("/{key}/rotation")
    @Signed
    @Operation(summary = "Rotate the identity key", description = "Signed by the current key; the body carries the new key and its proof of possession.")
    @APIResponse(responseCode = "200", description = "Rotated; the identity now answers to the new key", content = @Content(schema = @Schema(implementation = Dtos.IdentityResponse.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.REVOKED + ", or the new key is already registered", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (including a proof or certificate that does not verify)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Dtos.IdentityResponse> rotate(@PathParam("key") String key, @Valid @NotNull Dtos.RotateRequest body) {
        limiter.check("registry.write", caller.key().toString());
        var devices = body.devices() == null ? List.<peers.registry.identities.DeviceSpec>of() : body.devices().stream().map(Dtos.DeviceRequest::toSpec).toList();
        return service.rotate(caller.key(), key, body.newKey(), body.proof(), devices).invoke(lookup::changed).chain(lookup::byId).chain(this::respond);
    }

    @POST
    @Path("/{key}/devices")
    @Signed
    @Operation(summary = "Add a certified device key")
    @APIResponse(responseCode = "201", description = "Added", content = @Content(schema = @Schema(implementation = Dtos.IdentityResponse.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.REVOKED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (certificate, expiry, device limit, duplicate device)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> addDevice(@PathParam("key") String key, @Valid @NotNull Dtos.DeviceRequest body) {
        limiter.check("registry.write", caller.key().toString());
        return service.addDevice(caller.key(), key, body.toSpec()).invoke(lookup::changed).chain(lookup::byId).chain(this::respond)
                .map(r -> Response.status(201).entity(r).build());
    }

    @DELETE
    @Path("/{key}/devices/{device}")
    @Signed
    @Operation(summary = "Remove a device key")
    @APIResponse(responseCode = "200", description = "Removed", content = @Content(schema = @Schema(implementation = Dtos.IdentityResponse.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN + ", or no such device", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.REVOKED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.IdentityResponse> removeDevice(@PathParam("key") String key, @PathParam("device") String device) {
        limiter.check("registry.write", caller.key().toString());
        return service.removeDevice(caller.key(), key, device).invoke(lookup::changed).chain(lookup::byId).chain(this::respond);
    }

    @PUT
    @Path("/{key}/discoverability")
    @Signed
    @Operation(summary = "Change who may find the identity", description = "public: handle, key and prefix search; unlisted: handle and key; private: key only.")
    @APIResponse(responseCode = "200", description = "Changed", content = @Content(schema = @Schema(implementation = Dtos.IdentityResponse.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.REVOKED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Dtos.IdentityResponse> discoverability(@PathParam("key") String key, @Valid @NotNull Dtos.DiscoverabilityRequest body) {
        limiter.check("registry.write", caller.key().toString());
        return service.setDiscoverability(caller.key(), key, body.discoverability().toDomain()).invoke(lookup::changed).chain(lookup::byId).chain(this::respond);
    }

    @PUT
    @Path("/{key}/handle")
    @Signed
    @Operation(summary = "Change the handle")
    @APIResponse(responseCode = "200", description = "Changed", content = @Content(schema = @Schema(implementation = Dtos.IdentityResponse.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "Handle taken or confusable, or identity revoked", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Dtos.IdentityResponse> changeHandle(@PathParam("key") String key, @Valid @NotNull Dtos.HandleRequest body) {
        limiter.check("registry.write", caller.key().toString());
        return service.changeHandle(caller.key(), key, body.handle()).invoke(lookup::changed).chain(lookup::byId).chain(this::respond);
    }

    @DELETE
    @Path("/{key}/handle")
    @Signed
    @Operation(summary = "Release the handle", description = "The identity stays, found by key only; anyone may then register the handle.")
    @APIResponse(responseCode = "200", description = "Released", content = @Content(schema = @Schema(implementation = Dtos.IdentityResponse.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.REVOKED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.IdentityResponse> releaseHandle(@PathParam("key") String key) {
        limiter.check("registry.write", caller.key().toString());
        return service.releaseHandle(caller.key(), key).invoke(lookup::changed).chain(lookup::byId).chain(this::respond);
    }

    @POST
    @Path("/{key}/revocation")
    @Signed
    @Operation(summary = "Revoke the identity", description = "Final: the handle is released, devices removed, and lookups by its keys answer status 'revoked'.")
    @APIResponse(responseCode = "200", description = "Revoked", content = @Content(schema = @Schema(implementation = Dtos.IdentityResponse.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "Already revoked", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.IdentityResponse> revoke(@PathParam("key") String key) {
        limiter.check("registry.write", caller.key().toString());
        return service.revoke(caller.key(), key).invoke(lookup::changed).chain(lookup::byId).chain(this::respond);
    }

    @GET
    @Path("/{key}/history")
    @Signed
    @Operation(summary = "Every log entry about the caller's identity", description = "Owner only. Lets the owner spot a binding they did not make. Paged by leaf index.")
    @APIResponse(responseCode = "200", description = "Entries, oldest first, each with its inclusion proof", content = @Content(schema = @Schema(implementation = Dtos.HistoryResponse.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.HistoryResponse> history(@PathParam("key") String key, @QueryParam("after") String after, @QueryParam("limit") String limit) {
        limiter.check("registry.lookup", caller.key().toString());
        long afterLeaf = Params.longParam("after", after, -1, -1, Long.MAX_VALUE);
        int size = Params.intParam("limit", limit, 50, 1, 100);
        return lookup.history(caller.key(), key, afterLeaf, size).chain(list -> signer.keys().map(k -> {
            var entries = list.stream().map(p -> Views.proof(p, signer.origin(), k.publicKey().toString())).toList();
            Long next = list.size() == size ? list.get(list.size() - 1).leafIndex() : null;
            return new Dtos.HistoryResponse(entries, next);
        }));
    }

    private Uni<Dtos.IdentityResponse> respond(IdentityLookup.Proven p) {
        return signer.keys().map(k -> Views.response(p, signer.origin(), k.publicKey().toString()));
    }
}
