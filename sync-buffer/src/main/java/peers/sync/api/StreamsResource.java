package peers.sync.api;

import io.smallrye.mutiny.Uni;
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
import peers.sync.streams.StreamService;

/** Streams and their members. Every operation is signed; authorization is in {@link peers.sync.streams.Access}. */
@Path("/sync/v1/streams")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "streams")
@Signed
public class StreamsResource {

    private final StreamService streams;
    private final RateLimiter limiter;
    private final Caller caller;

    public StreamsResource(StreamService streams, RateLimiter limiter, Caller caller) {
        this.streams = streams;
        this.limiter = limiter;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a stream", description = "The signing key becomes the owner and first admin. The owner's plan sets retention and quotas of the stream's records.")
    @APIResponse(responseCode = "201", description = "Created; Location names the stream", content = @Content(schema = @Schema(implementation = Dtos.StreamOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "stream-exists: the chosen id is taken", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = "Body is not application/json", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (id, wrappedKey)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> create(@Valid @NotNull Dtos.CreateStreamRequest body) {
        limiter.check("sync.write", caller.key().toString());
        return streams.create(caller.key(), body.id(), body.wrappedKey())
                .chain(id -> streams.view(caller.key(), id))
                .map(v -> Response.created(URI.create("/sync/v1/streams/" + v.id())).entity(Dtos.StreamOut.of(v)).build());
    }

    @GET
    @Operation(summary = "List the caller's streams", description = "Streams the signing key is a member of, newest first, without member lists.")
    @APIResponse(responseCode = "200", description = "The streams", content = @Content(schema = @Schema(implementation = Dtos.StreamList.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "limit out of range", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.StreamList> mine(@QueryParam("limit") String limit) {
        limiter.check("sync.read", caller.key().toString());
        int n = Params.intParam("limit", limit, 100, 1, 1000);
        return streams.mine(caller.key(), n).map(l -> new Dtos.StreamList(l.stream().map(Dtos.StreamOut::of).toList()));
    }

    @GET
    @Path("/{stream}")
    @Operation(summary = "Get a stream with its members", description = "For any member.")
    @APIResponse(responseCode = "200", description = "The stream", content = @Content(schema = @Schema(implementation = Dtos.StreamOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "The stream id is malformed", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.StreamOut> get(@PathParam("stream") String stream) {
        limiter.check("sync.read", caller.key().toString());
        return streams.view(caller.key(), stream).map(Dtos.StreamOut::of);
    }

    @DELETE
    @Path("/{stream}")
    @Operation(summary = "Delete a stream", description = "Admin only: the stream, its members and its records are gone at once.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "The stream id is malformed", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> delete(@PathParam("stream") String stream) {
        limiter.check("sync.write", caller.key().toString());
        return streams.delete(caller.key(), stream).replaceWith(Response.noContent().build());
    }

    @PUT
    @Path("/{stream}/members/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a member or change its role", description = "Admin only. Optionally stores the stream key wrapped for that member (opaque). A stream keeps at least one admin.")
    @APIResponse(responseCode = "200", description = "The member as stored", content = @Content(schema = @Schema(implementation = Dtos.MemberOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "last-admin: the change would leave the stream without an admin", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = "Body is not application/json", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (key, role, wrappedKey; member-limit)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.MemberOut> putMember(@PathParam("stream") String stream, @PathParam("key") String key, @Valid @NotNull Dtos.MemberRequest body) {
        limiter.check("sync.write", caller.key().toString());
        return streams.putMember(caller.key(), stream, key, body.role(), body.wrappedKey()).map(Dtos.MemberOut::of);
    }

    @GET
    @Path("/{stream}/members/{key}")
    @Operation(summary = "Get a member and its wrapped stream key", description = "For admins, and for the member itself: a new device fetches the stream key wrapped for it.")
    @APIResponse(responseCode = "200", description = "The member", content = @Content(schema = @Schema(implementation = Dtos.MemberOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN + "; member-unknown: the key is not a member", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "Malformed stream id or key", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.MemberOut> getMember(@PathParam("stream") String stream, @PathParam("key") String key) {
        limiter.check("sync.read", caller.key().toString());
        return streams.member(caller.key(), stream, key).map(Dtos.MemberOut::of);
    }

    @DELETE
    @Path("/{stream}/members/{key}")
    @Operation(summary = "Remove a member", description = "An admin removes anyone; a member may remove itself. The key loses access with the next request.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN + "; member-unknown: the key is not a member", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "last-admin: the stream would have no admin", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "Malformed stream id or key", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> removeMember(@PathParam("stream") String stream, @PathParam("key") String key) {
        limiter.check("sync.write", caller.key().toString());
        return streams.removeMember(caller.key(), stream, key).replaceWith(Response.noContent().build());
    }
}
