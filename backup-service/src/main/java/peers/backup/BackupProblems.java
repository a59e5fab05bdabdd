package peers.backup;

import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/** The problem types backup-service adds to the common ones (documented in docs/api/backup-service.md). */
public final class BackupProblems {

    public static final ProblemType REPO_UNKNOWN = ProblemType.of("repo-unknown", 404, "No such repository");
    public static final ProblemType REPO_EXISTS = ProblemType.of("repo-exists", 409, "The owner has a repository of this name");
    public static final ProblemType REPO_LIMIT = ProblemType.of("repo-limit", 422, "Too many repositories");
    public static final ProblemType TOKEN_UNKNOWN = ProblemType.of("token-unknown", 404, "No such token");
    public static final ProblemType TOKEN_LIMIT = ProblemType.of("token-limit", 422, "Too many tokens");
    public static final ProblemType OBJECT_UNKNOWN = ProblemType.of("object-unknown", 404, "No such object");
    public static final ProblemType OBJECT_TOO_LARGE = ProblemType.of("object-too-large", 413, "The object exceeds the size bound");
    public static final ProblemType UPLOAD_UNKNOWN = ProblemType.of("upload-unknown", 404, "No such upload, or it expired");
    public static final ProblemType UPLOAD_INCOMPLETE = ProblemType.of("upload-incomplete", 409, "The object has not been uploaded (completely) to the presigned URL");
    public static final ProblemType SIZE_MISMATCH = ProblemType.of("size-mismatch", 422, "The uploaded object's size differs from the announced size");
    public static final ProblemType CHECKSUM_MISSING = ProblemType.of("checksum-missing", 422, "The upload did not carry the x-amz-checksum-sha256 header");
    public static final ProblemType CHECKSUM_MISMATCH = ProblemType.of("checksum-mismatch", 422, "The uploaded bytes do not hash to the object's name");
    public static final ProblemType SNAPSHOT_UNKNOWN = ProblemType.of("snapshot-unknown", 404, "No such snapshot");
    public static final ProblemType OBJECTS_MISSING = ProblemType.of("objects-missing", 422, "The snapshot lists objects the repository does not hold");
    public static final ProblemType QUOTA_EXCEEDED = ProblemType.of("quota-exceeded", 413, "The owner's storage quota would be exceeded");
    public static final ProblemType STORAGE_UNAVAILABLE = ProblemType.of("storage-unavailable", 503, "The object store is unreachable");
    public static final ProblemType BLOB_MISMATCH = ProblemType.of("blob-mismatch", 400, "The blob's content does not hash to its name");
    public static final ProblemType APPEND_ONLY = ProblemType.of("append-only", 403, "The token is append-only");
    public static final ProblemType RANGE_NOT_SATISFIABLE = ProblemType.of("range-not-satisfiable", 416, "Range not satisfiable");
    public static final ProblemType LENGTH_REQUIRED = ProblemType.of("length-required", 411, "Content-Length is required");

    private BackupProblems() {
    }

    public static ProblemException unknownRepo(String id) {
        return new ProblemException(REPO_UNKNOWN, "no repository of yours has the id '" + id + "'").with("repo", id);
    }

    public static ProblemException storageUnavailable() {
        return new ProblemException(STORAGE_UNAVAILABLE, "the object store is unreachable; nothing was recorded; retry with backoff")
                .withHeader("Retry-After", "5");
    }

    public static ProblemException quota(long limit, long used, long wanted) {
        return new ProblemException(QUOTA_EXCEEDED, "storing " + wanted + " more bytes would exceed the owner's quota of " + limit
                + " bytes (" + used + " used or reserved); delete snapshots and prune, or upgrade the plan")
                .with("limit", "backupBytes").with("maxBytes", limit).with("usedBytes", used);
    }
}
