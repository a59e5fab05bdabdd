package peers.backup.api;

import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.backup.BackupConfig;
import peers.backup.objects.UploadService;
import peers.common.limits.RateLimiter;
import peers.common.problems.Params;
import peers.common.signatures.Caller;
import peers.common.signatures.Signed;

/** Content-addressed objects: presigned uploads (single or multipart), completion with verification, presigned downloads. */
@Path("/backup/v1/repos/{repo}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "objects")
@Signed
public class ObjectsResource {

    private final UploadService uploads;
    private final RateLimiter limiter;
    private final Caller caller;
    private final BackupConfig config;
    private final Clock clock;

    public ObjectsResource(UploadService uploads, RateLimiter limiter, Caller caller, BackupConfig config, Clock clock) {
        this.uploads = uploads;
        this.limiter = limiter;
        this.caller = caller;
        this.config = config;
        this.clock = clock;
    }

    @POST
    @Path("/uploads")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Begin an upload", description = "Checks the quota (413 quota-exceeded before anything is stored) and answers presigned PUT URLs to S3: one, or one per part "
            + "above peers.backup.multipart-threshold. Send x-amz-checksum-sha256 with a single PUT. An object the repository already holds answers 200 with exists = true.")
    @APIResponse(responseCode = "200", description = "Already stored (deduplicated): nothing to upload", content = @Content(schema = @Schema(implementation = Dtos.UploadOut.class)))
    @APIResponse(responseCode = "201", description = "Upload URLs", content = @Content(schema = @Schema(implementation = Dtos.UploadOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = "object-too-large (peers.backup.max-object-bytes); quota-exceeded ('limit': backupBytes); body-too-large", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = "Body is not application/json", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (sha256, size, expiresInSeconds)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "503", description = ApiResponses.STORAGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> begin(@PathParam("repo") String repo, @NotNull Dtos.UploadRequest body) {
        limiter.check("backup.write", caller.key().toString());
        return uploads.begin(caller.key(), repo, body.sha256(), body.size(), body.expiresInSeconds())
                .map(u -> Response.status(u.exists() ? 200 : 201).entity(Dtos.UploadOut.of(u)).build());
    }

    @POST
    @Path("/uploads/{upload}/complete")
    @Operation(summary = "Complete an upload", description = "Asks S3 for the object's size and SHA-256 (checksum header; a multipart object is hashed once by reading it), "
            + "and only when both match records the object under its SHA-256 and counts it against the quota. A failed check deletes the uploaded bytes.")
    @APIResponse(responseCode = "200", description = "Stored and verified", content = @Content(schema = @Schema(implementation = Dtos.ObjectOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN + "; upload-unknown (or expired)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "upload-incomplete: nothing (or not every part) was uploaded", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = "quota-exceeded", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "size-mismatch, checksum-missing, checksum-mismatch; malformed ids", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "503", description = ApiResponses.STORAGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.ObjectOut> complete(@PathParam("repo") String repo, @PathParam("upload") String upload) {
        limiter.check("backup.write", caller.key().toString());
        return uploads.complete(caller.key(), repo, upload).map(Dtos.ObjectOut::of);
    }

    @GET
    @Path("/objects")
    @Operation(summary = "List objects", description = "By name, after 'after', at most 'limit' (default 1000).")
    @APIResponse(responseCode = "200", description = "A page of objects", content = @Content(schema = @Schema(implementation = Dtos.ObjectList.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "after or limit out of range", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.ObjectList> list(@PathParam("repo") String repo, @QueryParam("after") String after, @QueryParam("limit") String limit) {
        limiter.check("backup.read", caller.key().toString());
        int n = Params.intParam("limit", limit, 1000, 1, 10000);
        return uploads.list(caller.key(), repo, after == null || after.isEmpty() ? null : after, n).map(l -> new Dtos.ObjectList(
                l.stream().map(Dtos.ObjectOut::of).toList(), l.size() < n ? null : l.get(l.size() - 1).sha256()));
    }

    @GET
    @Path("/objects/{sha256}")
    @Operation(summary = "Download an object", description = "A presigned GET URL of the ciphertext; the bytes come from S3, not through the service.")
    @APIResponse(responseCode = "200", description = "Where to GET it", content = @Content(schema = @Schema(implementation = Dtos.DownloadOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN + "; object-unknown", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "Malformed ids (the name is 64 lower-case hex digits); expiresInSeconds out of range", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.DownloadOut> download(@PathParam("repo") String repo, @PathParam("sha256") String sha256, @QueryParam("expiresInSeconds") String expires) {
        limiter.check("backup.read", caller.key().toString());
        Integer seconds = expires == null || expires.isEmpty() ? null : Params.intParam("expiresInSeconds", expires, 900, 1, (int) config.maxPresignExpiry().toSeconds());
        Duration d = seconds == null ? config.presignExpiry() : Duration.ofSeconds(seconds);
        return uploads.get(caller.key(), repo, sha256).chain(o -> uploads.downloadUrl(caller.key(), repo, sha256, seconds)
                .map(url -> new Dtos.DownloadOut(o.sha256(), o.size(), url, clock.instant().plus(d))));
    }
}
