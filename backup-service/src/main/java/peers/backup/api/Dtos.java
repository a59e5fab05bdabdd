package peers.backup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import peers.backup.objects.StoredObject;
import peers.backup.objects.UploadService;
import peers.backup.repos.Repo;
import peers.backup.repos.TokenService;
import peers.backup.snapshots.Pruner;
import peers.backup.snapshots.Snapshot;

/** Request and response bodies of the backup-service native API. */
public final class Dtos {

    private Dtos() {
    }

    @Schema(description = "Creates a repository owned by the signing key")
    public record CreateRepoRequest(@Size(max = 64) @Schema(description = "1-64 of A-Z a-z 0-9 . _ -, unique per owner", examples = "laptop") String name) {
    }

    @Schema(description = "A retention policy, restic-style: a snapshot kept by any rule is kept; absent rules keep nothing; no rule at all keeps everything")
    public record RetentionBody(
            @Schema(description = "Keep the n newest snapshots") Integer keepLast,
            @Schema(description = "Keep the newest snapshot of each of the n most recent UTC days that have one") Integer keepDaily,
            @Schema(description = "Likewise per ISO week") Integer keepWeekly,
            @Schema(description = "Likewise per month") Integer keepMonthly) {
        Repo.Retention toPolicy() {
            return new Repo.Retention(keepLast, keepDaily, keepWeekly, keepMonthly);
        }

        static RetentionBody of(Repo.Retention r) {
            return r == null ? null : new RetentionBody(r.keepLast(), r.keepDaily(), r.keepWeekly(), r.keepMonthly());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(description = "A repository")
    public record RepoOut(String id, String name, String owner, Instant createdAt,
            @Schema(description = "Bytes stored in this repository (native objects and restic files)") long bytes,
            @Schema(description = "Objects and restic files stored") long objects,
            @Schema(description = "restic URL path: use rest:https://<host>/backup/restic/<id>/ with a token") String resticPath,
            RetentionBody retention) {
        static RepoOut of(Repo r) {
            return new RepoOut(r.id(), r.name(), r.owner(), r.createdAt(), r.bytes(), r.objects(), "/backup/restic/" + r.id() + "/", RetentionBody.of(r.retention()));
        }
    }

    public record RepoList(List<RepoOut> repos) {
    }

    @Schema(description = "Issues a restic token")
    public record TokenRequest(@Schema(description = "read-write (default) or append-only", examples = "append-only") String mode,
            @Size(max = 128) @Schema(description = "Optional note, e.g. the device") String label) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(description = "A restic token; secret only in the answer to its creation")
    public record TokenOut(@Schema(description = "HTTP Basic user name") String id, String mode, String label, Instant createdAt, Instant revokedAt,
            @Schema(description = "HTTP Basic password; shown once, stored only as its hash") String secret) {
        static TokenOut of(TokenService.Token t, String secret) {
            return new TokenOut(t.id(), t.mode().text, t.label(), t.createdAt(), t.revokedAt(), secret);
        }
    }

    public record TokenList(List<TokenOut> tokens) {
    }

    @Schema(description = "Announces an object to upload")
    public record UploadRequest(@Schema(description = "SHA-256 of the ciphertext, 64 lower-case hex digits: the object's name") String sha256,
            @Schema(description = "Exact size in bytes") Long size,
            @Schema(description = "Validity of the presigned URLs, 1 to 3600 s (default 900)") Integer expiresInSeconds) {
    }

    @Schema(description = "One part of a multipart upload: PUT exactly 'size' bytes to 'url'")
    public record PartOut(int number, long size, String url) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(description = "Where to upload; or, with exists = true, the object is already stored (nothing to upload)")
    public record UploadOut(@Schema(description = "Pass to .../uploads/{id}/complete after the PUT(s)") String id, String sha256, long size,
            @Schema(description = "true: the repository already holds this object (deduplicated); nothing to do") boolean exists,
            @Schema(description = "Single upload: PUT the bytes here") String url,
            @Schema(description = "Headers to send with the PUT (x-amz-checksum-sha256: S3 verifies the bytes)") java.util.Map<String, String> headers,
            @Schema(description = "Multipart upload: the part size") Long partSize,
            @Schema(description = "Multipart upload: PUT each part to its URL") List<PartOut> parts, Instant expiresAt, ObjectOut object) {
        static UploadOut of(UploadService.Upload u) {
            if (u.exists()) {
                return new UploadOut(null, u.sha256(), u.size(), true, null, null, null, null, null, ObjectOut.of(u.existing()));
            }
            return new UploadOut(u.id(), u.sha256(), u.size(), false, u.url(), u.url() == null ? null : java.util.Map.of("x-amz-checksum-sha256", u.checksumHeader()),
                    u.parts() == null ? null : u.partSize(), u.parts() == null ? null : u.parts().stream().map(p -> new PartOut(p.number(), p.size(), p.url())).toList(),
                    u.expiresAt(), null);
        }
    }

    @Schema(description = "A stored, verified object")
    public record ObjectOut(String sha256, long size, Instant createdAt) {
        static ObjectOut of(StoredObject o) {
            return new ObjectOut(o.sha256(), o.size(), o.createdAt());
        }
    }

    public record ObjectList(List<ObjectOut> objects, @Schema(description = "Pass as 'after' for the next page; null at the end") String next) {
    }

    @Schema(description = "A presigned download")
    public record DownloadOut(String sha256, long size, @Schema(description = "GET the ciphertext here") String url, Instant expiresAt) {
    }

    @Schema(description = "Records a snapshot")
    public record SnapshotRequest(@Size(max = 64) @Schema(description = "1-64 of A-Z a-z 0-9 . _ -", examples = "nightly") String name,
            @Schema(description = "When the backup was taken (default: now); retention rules use it") Instant takenAt,
            @Schema(description = "SHA-256 names of the objects that make up the backup; each must be stored in the repository") List<String> objects) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(description = "A snapshot")
    public record SnapshotOut(String id, String name, Instant takenAt, int objectCount, long bytes, List<ObjectOut> objects) {
        static SnapshotOut of(Snapshot s) {
            return new SnapshotOut(s.id(), s.name(), s.takenAt(), s.objectCount(), s.bytes(),
                    s.objects() == null ? null : s.objects().stream().map(ObjectOut::of).toList());
        }
    }

    public record SnapshotList(List<SnapshotOut> snapshots) {
    }

    @Schema(description = "What a prune did")
    public record PruneOut(int snapshotsForgotten, int objectsDeleted, long bytesFreed, int strayDeleted) {
        static PruneOut of(Pruner.Result r) {
            return new PruneOut(r.snapshotsForgotten(), r.objectsDeleted(), r.bytesFreed(), r.strayDeleted());
        }
    }
}
