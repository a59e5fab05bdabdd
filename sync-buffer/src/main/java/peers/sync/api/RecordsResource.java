package peers.sync.api;

import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.common.limits.RateLimiter;
import peers.common.problems.Params;
import peers.common.signatures.Caller;
import peers.common.signatures.Signed;
import peers.sync.SyncConfig;
import peers.sync.records.Batches;
import peers.sync.records.RecordStore;

/** Appending and reading a stream's records. */
@Path("/sync/v1/streams/{stream}/records")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "records")
@Signed
public class RecordsResource {

    private final RecordStore store;
    private final SyncConfig config;
    private final RateLimiter limiter;
    private final Caller caller;

    public RecordsResource(RecordStore store, SyncConfig config, RateLimiter limiter, Caller caller) {
        this.store = store;
        this.config = config;
        this.limiter = limiter;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Append a batch of records", description = "All or none: the whole batch is checked, then stored in one transaction with consecutive sequence numbers. "
            + "A record id already stored with the same ciphertext returns the original (replayed: true), never a duplicate. Needs role write.")
    @APIResponse(responseCode = "200", description = "Stored; one outcome per record, in batch order", content = @Content(schema = @Schema(implementation = Dtos.AppendResponse.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "record-id-conflict: an id is stored with other ciphertext", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = "body-too-large, batch-too-large (count or bytes), record-too-large, or quota-exceeded (the owner's plan; 'limit' names it)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = "Body is not application/json", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (ids, base64url ciphertext); duplicate-record-id within the batch", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.AppendResponse> append(@PathParam("stream") String stream, @NotNull Dtos.AppendRequest body) {
        limiter.check("sync.write", caller.key().toString());
        List<Batches.Raw> raw = body.records() == null ? null
                : body.records().stream().map(r -> r == null ? null : new Batches.Raw(r.id(), r.ciphertext())).toList();
        var batch = Batches.check(config, raw);
        return store.append(caller.key(), stream, batch).map(out -> new Dtos.AppendResponse(out.stream().map(Dtos.AppendedOut::of).toList()));
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, PageFormat.MEDIA_TYPE})
    @Operation(summary = "Read records after a cursor", description = "Records with seq > after, in order, at most limit. Needs role read. "
            + "If records after the cursor have expired the answer is 410 cursor-expired (resync from peers), never a silent gap. "
            + "Accept: application/octet-stream answers with the same page in the binary page format (docs/api/sync-buffer.md), "
            + "for bulk catch-up; errors are problem+json either way.")
    @APIResponse(responseCode = "200", description = "A page, with earliest, lastSeq, next and more", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Dtos.PageOut.class)),
            @Content(mediaType = PageFormat.MEDIA_TYPE, schema = @Schema(type = SchemaType.STRING, format = "binary",
                    description = "The binary page format: magic SBP1, header, length-prefixed records (docs/api/sync-buffer.md)")) })
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.FORBIDDEN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "406", description = "not-acceptable: Accept names neither application/json nor application/octet-stream", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "410", description = "cursor-expired: records after the cursor expired; the problem carries 'earliest'", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "after or limit out of range (cursor-ahead: after > lastSeq)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> read(@PathParam("stream") String stream, @QueryParam("after") String after, @QueryParam("limit") String limit,
            @Context HttpHeaders headers) {
        limiter.check("sync.read", caller.key().toString());
        long a = Params.longParam("after", after, 0, 0, Long.MAX_VALUE);
        int n = Params.intParam("limit", limit, 100, 1, config.maxPageSize());
        boolean binary = PageFormat.wanted(headers.getAcceptableMediaTypes());
        if (binary) {
            return store.readRows(caller.key(), stream, a, n).map(p -> Response.ok(PageFormat.encode(p), PageFormat.TYPE).build());
        }
        return store.read(caller.key(), stream, a, n).map(p -> Response.ok(Dtos.PageOut.of(p), MediaType.APPLICATION_JSON_TYPE).build());
    }
}
