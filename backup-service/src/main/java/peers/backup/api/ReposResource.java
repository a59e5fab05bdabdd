package peers.backup.api;

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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.backup.repos.RepoService;
import peers.backup.repos.TokenService;
import peers.backup.snapshots.Pruner;
import peers.common.limits.RateLimiter;
import peers.common.signatures.Caller;
import peers.common.signatures.Signed;

/** Repositories, their restic tokens, retention and pruning. Every operation is signed by the owner. */
@Path("/backup/v1/repos")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "repositories")
@Signed
public class ReposResource {

    private final RepoService repos;
    private final TokenService tokens;
    private final Pruner pruner;
    private final RateLimiter limiter;
    private final Caller caller;

    public ReposResource(RepoService repos, TokenService tokens, Pruner pruner, RateLimiter limiter, Caller caller) {
        this.repos = repos;
        this.tokens = tokens;
        this.pruner = pruner;
        this.limiter = limiter;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a repository", description = "Owned by the signing key. Objects, snapshots and restic files live in it; its bytes count against the owner's quota.")
    @APIResponse(responseCode = "201", description = "Created; Location names it", content = @Content(schema = @Schema(implementation = Dtos.RepoOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "repo-exists: the owner has a repository of this name", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = "Body is not application/json", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (name); repo-limit", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> create(@Valid @NotNull Dtos.CreateRepoRequest body) {
        limiter.check("backup.write", caller.key().toString());
        return repos.create(caller.key(), body.name())
                .map(r -> Response.created(URI.create("/backup/v1/repos/" + r.id())).entity(Dtos.RepoOut.of(r)).build());
    }

    @GET
    @Operation(summary = "List the caller's repositories", description = "With bytes and objects stored in each.")
    @APIResponse(responseCode = "200", description = "The repositories", content = @Content(schema = @Schema(implementation = Dtos.RepoList.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.RepoList> mine() {
        limiter.check("backup.read", caller.key().toString());
        return repos.mine(caller.key()).map(l -> new Dtos.RepoList(l.stream().map(Dtos.RepoOut::of).toList()));
    }

    @GET
    @Path("/{repo}")
    @Operation(summary = "Get a repository")
    @APIResponse(responseCode = "200", description = "The repository", content = @Content(schema = @Schema(implementation = Dtos.RepoOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "Malformed repository id", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.RepoOut> get(@PathParam("repo") String repo) {
        limiter.check("backup.read", caller.key().toString());
        return repos.get(caller.key(), repo).map(Dtos.RepoOut::of);
    }

    @DELETE
    @Path("/{repo}")
    @Operation(summary = "Delete a repository with all its objects", description = "Deletes the bytes in S3, then the records; the owner's usage drops at once.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "Malformed repository id", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "503", description = ApiResponses.STORAGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> delete(@PathParam("repo") String repo) {
        limiter.check("backup.write", caller.key().toString());
        return repos.delete(caller.key(), repo).replaceWith(Response.noContent().build());
    }

    @PUT
    @Path("/{repo}/retention")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the retention policy", description = "Applied by prune (on request and every peers.backup.prune-interval), followed by garbage collection.")
    @APIResponse(responseCode = "200", description = "The repository with its policy", content = @Content(schema = @Schema(implementation = Dtos.RepoOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = "Body is not application/json", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (counts are 0 to 10000)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.RepoOut> retention(@PathParam("repo") String repo, @NotNull Dtos.RetentionBody body) {
        limiter.check("backup.write", caller.key().toString());
        return repos.setRetention(caller.key(), repo, body.toPolicy()).map(Dtos.RepoOut::of);
    }

    @POST
    @Path("/{repo}/prune")
    @Operation(summary = "Apply retention and collect garbage now", description = "Forgets the snapshots the policy does not keep, then deletes objects no snapshot references "
            + "(older than peers.backup.gc-grace) and stray bytes.")
    @APIResponse(responseCode = "200", description = "What was removed", content = @Content(schema = @Schema(implementation = Dtos.PruneOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "Malformed repository id", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "503", description = ApiResponses.STORAGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.PruneOut> prune(@PathParam("repo") String repo) {
        limiter.check("backup.write", caller.key().toString());
        return pruner.prune(caller.key(), repo).map(Dtos.PruneOut::of);
    }

    @POST
    @Path("/{repo}/tokens")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a restic token", description = "HTTP Basic credentials for /backup/restic/{repo}/: user = id, password = secret (shown only now). "
            + "append-only tokens refuse every DELETE except of locks and never replace a file.")
    @APIResponse(responseCode = "201", description = "Issued, with its secret", content = @Content(schema = @Schema(implementation = Dtos.TokenOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = "Body is not application/json", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (mode, label); token-limit", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> issue(@PathParam("repo") String repo, @Valid @NotNull Dtos.TokenRequest body) {
        limiter.check("backup.write", caller.key().toString());
        return tokens.issue(caller.key(), repo, body.mode(), body.label())
                .map(i -> Response.status(201).entity(Dtos.TokenOut.of(i.token(), i.secret().reveal())).build());
    }

    @GET
    @Path("/{repo}/tokens")
    @Operation(summary = "List a repository's tokens", description = "Without secrets; revoked ones show revokedAt.")
    @APIResponse(responseCode = "200", description = "The tokens", content = @Content(schema = @Schema(implementation = Dtos.TokenList.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "Malformed repository id", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.TokenList> tokens(@PathParam("repo") String repo) {
        limiter.check("backup.read", caller.key().toString());
        return tokens.list(caller.key(), repo).map(l -> new Dtos.TokenList(l.stream().map(t -> Dtos.TokenOut.of(t, null)).toList()));
    }

    @DELETE
    @Path("/{repo}/tokens/{token}")
    @Operation(summary = "Revoke a token", description = "The next restic request with it is refused (401), on every replica.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN + "; token-unknown", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "Malformed repository or token id", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> revoke(@PathParam("repo") String repo, @PathParam("token") String token) {
        limiter.check("backup.write", caller.key().toString());
        return tokens.revoke(caller.key(), repo, token).replaceWith(Response.noContent().build());
    }
}
