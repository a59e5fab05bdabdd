package peers.registry.api;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
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
import peers.common.identity.Base64Url;
import peers.common.limits.RateLimiter;
import peers.common.problems.Params;
import peers.common.problems.ProblemException;
import peers.registry.RegistryConfig;
import peers.registry.log.LogLeaf;
import peers.registry.log.LogSigner;
import peers.registry.log.SignedTreeHead;
import peers.registry.log.TransparencyLog;

/** The transparency log, for auditors and monitors: heads, entries (commitments only) and proofs. */
@Path("/registry/v1/log")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "log")
public class LogResource {

    private final TransparencyLog log;
    private final LogSigner signer;
    private final RateLimiter limiter;
    private final RegistryConfig config;

    public LogResource(TransparencyLog log, LogSigner signer, RateLimiter limiter, RegistryConfig config) {
        this.log = log;
        this.signer = signer;
        this.limiter = limiter;
        this.config = config;
    }

    @GET
    @Path("/tree-head")
    @WithSession
    @Operation(summary = "The newest signed tree head")
    @APIResponse(responseCode = "200", description = "The head", content = @Content(schema = @Schema(implementation = Dtos.TreeHeadView.class)))
    @APIResponse(responseCode = "404", description = "The log is still empty", content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.TreeHeadView> latest(HttpServerRequest http) {
        limiter.checkClient("registry.lookup", http);
        return log.latestHead().chain(this::view);
    }

    @GET
    @Path("/tree-heads/{size}")
    @WithSession
    @Operation(summary = "The signed tree head of one tree size")
    @APIResponse(responseCode = "200", description = "The head", content = @Content(schema = @Schema(implementation = Dtos.TreeHeadView.class)))
    @APIResponse(responseCode = "404", description = "The log never had this size", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "size is not a positive integer", content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.TreeHeadView> bySize(@PathParam("size") String size, HttpServerRequest http) {
        limiter.checkClient("registry.lookup", http);
        return log.head(Params.longParam("size", size, 0, 1, Long.MAX_VALUE >> 8)).chain(this::view);
    }

    @GET
    @Path("/entries")
    @WithSession
    @Operation(summary = "A page of leaves", description = "Leaf data is a commitment: auditors can rebuild the tree without learning any identity.")
    @APIResponse(responseCode = "200", description = "Leaves from 'start'", content = @Content(schema = @Schema(implementation = Dtos.EntriesResponse.class)))
    @APIResponse(responseCode = "422", description = "start or limit out of range", content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.EntriesResponse> entries(@QueryParam("start") String start, @QueryParam("limit") String limit, HttpServerRequest http) {
        limiter.checkClient("registry.lookup", http);
        long from = Params.longParam("start", start, 0, 0, Long.MAX_VALUE >> 8);
        int size = Params.intParam("limit", limit, 100, 1, config.maxPageSize() * 10);
        return log.latestHead().chain(head -> {
            long treeSize = head == null ? 0 : head.treeSize();
            return LogLeaf.<LogLeaf>find("leafIndex >= ?1 and leafIndex < ?2 order by leafIndex", from, treeSize).page(0, size).list()
                    .map(leaves -> new Dtos.EntriesResponse(leaves.stream().map(l -> new Dtos.LeafView(l.leafIndex, Base64Url.encode(l.commitment))).toList(), treeSize));
        });
    }

    @GET
    @Path("/proofs/inclusion")
    @WithSession
    @Operation(summary = "Inclusion proof of a leaf in a tree size (RFC 9162 §2.1.3)")
    @APIResponse(responseCode = "200", description = "The proof", content = @Content(schema = @Schema(implementation = Dtos.InclusionResponse.class)))
    @APIResponse(responseCode = "422", description = "leafIndex/treeSize missing or out of range", content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.InclusionResponse> inclusion(@QueryParam("leafIndex") String leafIndex, @QueryParam("treeSize") String treeSize, HttpServerRequest http) {
        limiter.checkClient("registry.lookup", http);
        long leaf = Params.longParam("leafIndex", required("leafIndex", leafIndex), 0, 0, Long.MAX_VALUE >> 8);
        long size = Params.longParam("treeSize", required("treeSize", treeSize), 0, 1, Long.MAX_VALUE >> 8);
        return withinLog(size).chain(() -> log.inclusionProof(leaf, size))
                .map(p -> new Dtos.InclusionResponse(leaf, size, Views.encode(p)));
    }

    @GET
    @Path("/proofs/consistency")
    @WithSession
    @Operation(summary = "Consistency proof between two tree sizes (RFC 9162 §2.1.4)")
    @APIResponse(responseCode = "200", description = "The proof", content = @Content(schema = @Schema(implementation = Dtos.ConsistencyResponse.class)))
    @APIResponse(responseCode = "422", description = "first/second missing or out of range", content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.ConsistencyResponse> consistency(@QueryParam("first") String first, @QueryParam("second") String second, HttpServerRequest http) {
        limiter.checkClient("registry.lookup", http);
        long a = Params.longParam("first", required("first", first), 0, 1, Long.MAX_VALUE >> 8);
        long b = Params.longParam("second", required("second", second), 0, 1, Long.MAX_VALUE >> 8);
        return withinLog(b).chain(() -> log.consistencyProof(a, b)).map(p -> new Dtos.ConsistencyResponse(a, b, Views.encode(p)));
    }

    private Uni<Void> withinLog(long size) {
        return log.head(size).map(h -> {
            if (h == null) {
                throw ProblemException.invalid("treeSize", "the log has no tree of size " + size + " (yet)");
            }
            return null;
        });
    }

    private static String required(String name, String value) {
        return Params.stringParam(name, value, 20, true);
    }

    private Uni<Dtos.TreeHeadView> view(SignedTreeHead h) {
        if (h == null) {
            return Uni.createFrom().failure(ProblemException.notFound("no tree head of that size exists"));
        }
        return signer.keys().map(k -> Views.head(h, signer.origin(), k.publicKey().toString()));
    }
}
