package peers.backup.api;

import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.backup.snapshots.SnapshotService;
import peers.common.limits.RateLimiter;
import peers.common.signatures.Caller;
import peers.common.signatures.Signed;

/** Snapshots: named sets of a repository's objects. */
@Path("/backup/v1/repos/{repo}/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "snapshots")
@Signed
public class SnapshotsResource {

    private final SnapshotService snapshots;
    private final RateLimiter limiter;
    private final Caller caller;

    public SnapshotsResource(SnapshotService snapshots, RateLimiter limiter, Caller caller) {
        this.snapshots = snapshots;
        this.limiter = limiter;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record a snapshot", description = "Lists the objects that make up one backup; every object must be stored in the repository. All or nothing.")
    @APIResponse(responseCode = "201", description = "Recorded", content = @Content(schema = @Schema(implementation = Dtos.SnapshotOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = "Body is not application/json", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (name, object names, count); objects-missing names them", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> create(@PathParam("repo") String repo, @Valid @NotNull Dtos.SnapshotRequest body) {
        limiter.check("backup.write", caller.key().toString());
        return snapshots.create(caller.key(), repo, body.name(), body.takenAt(), body.objects())
                .map(s -> Response.created(URI.create("/backup/v1/repos/" + repo + "/snapshots/" + s.id())).entity(Dtos.SnapshotOut.of(s)).build());
    }

    @GET
    @Operation(summary = "List snapshots", description = "Newest first, without object lists.")
    @APIResponse(responseCode = "200", description = "The snapshots", content = @Content(schema = @Schema(implementation = Dtos.SnapshotList.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "Malformed repository id", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.SnapshotList> list(@PathParam("repo") String repo) {
        limiter.check("backup.read", caller.key().toString());
        return snapshots.list(caller.key(), repo).map(l -> new Dtos.SnapshotList(l.stream().map(Dtos.SnapshotOut::of).toList()));
    }

    @GET
    @Path("/{snapshot}")
    @Operation(summary = "Get a snapshot with its objects")
    @APIResponse(responseCode = "200", description = "The snapshot and its objects (names and sizes)", content = @Content(schema = @Schema(implementation = Dtos.SnapshotOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN + "; snapshot-unknown", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "Malformed ids", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.SnapshotOut> get(@PathParam("repo") String repo, @PathParam("snapshot") String snapshot) {
        limiter.check("backup.read", caller.key().toString());
        return snapshots.get(caller.key(), repo, snapshot, true).map(Dtos.SnapshotOut::of);
    }

    @DELETE
    @Path("/{snapshot}")
    @Operation(summary = "Forget a snapshot", description = "Its objects are deleted by the next prune unless another snapshot references them.")
    @APIResponse(responseCode = "204", description = "Forgotten")
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN + "; snapshot-unknown", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "Malformed ids", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> delete(@PathParam("repo") String repo, @PathParam("snapshot") String snapshot) {
        limiter.check("backup.write", caller.key().toString());
        return snapshots.delete(caller.key(), repo, snapshot).replaceWith(Response.noContent().build());
    }
}
