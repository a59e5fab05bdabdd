package peers.backup.objects;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import peers.backup.BackupConfig;
import peers.backup.BackupProblems;
import peers.backup.quota.Quotas;
import peers.backup.repos.Access;
import peers.backup.repos.Ids;
import peers.backup.storage.ObjectStore;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

/**
 * Uploads of the native API. Bytes never pass through the service: {@link #begin} checks the quota and hands
 * out presigned PUT URLs (one, or one per part) for a staging key; the client uploads with
 * {@code x-amz-checksum-sha256}; {@link #complete} asks S3 for the size and the checksum (a multipart
 * object, whose S3 checksum is one of parts, is hashed by reading it back once), copies the verified bytes
 * server-side to the object's content address, and only then records the object and counts it.
 */
@ApplicationScoped
public class UploadService {

    /** What {@link #begin} answers. */
    public record Upload(String id, String sha256, long size, boolean exists, String url, String checksumHeader, long partSize,
            List<PartUrl> parts, Instant expiresAt, StoredObject existing) {
    }

    public record PartUrl(int number, long size, String url) {
    }

    private final Pool pool;
    private final Access access;
    private final Quotas quotas;
    private final ObjectStore store;
    private final BackupConfig config;
    private final Clock clock;

    public UploadService(Pool pool, Access access, Quotas quotas, ObjectStore store, BackupConfig config, Clock clock) {
        this.pool = pool;
        this.access = access;
        this.quotas = quotas;
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    public static String objectKey(String repo, String sha256) {
        return repo + "/objects/" + sha256;
    }

    static String stagingKey(String repo, String upload) {
        return repo + "/staging/" + upload;
    }

    public Uni<Upload> begin(PeerKey owner, String repo, String sha256, Long size, Integer expiresInSeconds) {
        Ids.checkSha256("sha256", sha256);
        if (size == null || size < 0) {
            throw ProblemException.invalid("size", "size is the object's length in bytes, 0 or more");
        }
        if (size > config.maxObjectBytes()) {
            throw new ProblemException(BackupProblems.OBJECT_TOO_LARGE, "an object is at most " + config.maxObjectBytes() + " bytes; got " + size)
                    .with("limit", "backup.max-object-bytes").with("maxBytes", config.maxObjectBytes());
        }
        Duration expiry = expiry(expiresInSeconds);
        boolean multipart = size > config.multipartThreshold();
        String id = Ids.random();
        String staging = stagingKey(repo, id);
        Instant expiresAt = clock.instant().plus(expiry);
        return pool.withConnection(conn -> access.requireOwner(conn, repo, owner, false)
                .chain(() -> existing(conn, repo, sha256))
                .chain(found -> {
                    if (found != null) {
                        return Uni.createFrom().item(new Upload(null, sha256, found.size(), true, null, null, 0, null, null, found));
                    }
                    return quotas.check(conn, owner.toString(), size, null)
                            .chain(() -> multipart ? store.createMultipart(staging) : Uni.createFrom().item((String) null))
                            .chain(multipartId -> conn.preparedQuery("INSERT INTO uploads (id, repo_id, owner_key, sha256, size, multipart_id, part_size, expires_at, created_at) "
                                            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                                    .execute(Tuple.from(new Object[] {id, repo, owner.toString(), sha256, size, multipartId, multipart ? config.partSize() : null,
                                            expiresAt.atOffset(ZoneOffset.UTC), clock.instant().atOffset(ZoneOffset.UTC)}))
                                    .map(x -> describe(id, repo, sha256, size, multipartId, expiry, expiresAt)));
                }));
    }

    private Upload describe(String id, String repo, String sha256, long size, String multipartId, Duration expiry, Instant expiresAt) {
        String checksum = Base64.getEncoder().encodeToString(Ids.hex(sha256));
        String staging = stagingKey(repo, id);
        if (multipartId == null) {
            return new Upload(id, sha256, size, false, store.presignPut(staging, expiry), checksum, 0, null, expiresAt, null);
        }
        List<PartUrl> parts = new ArrayList<>();
        long part = config.partSize();
        int n = (int) Math.max(1, (size + part - 1) / part);
        for (int i = 1; i <= n; i++) {
            long len = i < n ? part : size - part * (n - 1);
            parts.add(new PartUrl(i, len, store.presignPart(staging, multipartId, i, expiry)));
        }
        return new Upload(id, sha256, size, false, null, null, part, parts, expiresAt, null);
    }

    private Duration expiry(Integer seconds) {
        if (seconds == null) {
            return config.presignExpiry();
        }
        if (seconds < 1 || seconds > config.maxPresignExpiry().toSeconds()) {
            throw ProblemException.invalid("expiresInSeconds", "expiresInSeconds is between 1 and " + config.maxPresignExpiry().toSeconds());
        }
        return Duration.ofSeconds(seconds);
    }

    public Uni<StoredObject> complete(PeerKey owner, String repo, String uploadId) {
        Ids.checkRandom("upload", uploadId);
        return pool.withConnection(conn -> access.requireOwner(conn, repo, owner, false)
                .chain(() -> conn.preparedQuery("SELECT sha256, size, multipart_id FROM uploads WHERE id = $1 AND repo_id = $2 AND expires_at > $3")
                        .execute(Tuple.of(uploadId, repo, clock.instant().atOffset(ZoneOffset.UTC)))))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new ProblemException(BackupProblems.UPLOAD_UNKNOWN, "repository '" + repo + "' has no open upload '" + uploadId
                                + "' (it may have expired: begin a new one)");
                    }
                    Row r = rows.iterator().next();
                    return verifyAndRecord(owner, repo, uploadId, r.getString("sha256"), r.getLong("size"), r.getString("multipart_id"));
                });
    }

    private Uni<StoredObject> verifyAndRecord(PeerKey owner, String repo, String uploadId, String sha256, long size, String multipartId) {
        String staging = stagingKey(repo, uploadId);
        Uni<Void> assembled = multipartId == null ? Uni.createFrom().voidItem() : assemble(staging, multipartId, size);
        return assembled
                .chain(() -> store.stat(staging))
                .chain(stat -> {
                    if (stat == null) {
                        throw new ProblemException(BackupProblems.UPLOAD_INCOMPLETE, "nothing was uploaded to the presigned URL of upload '" + uploadId
                                + "' yet (or the URL had expired); PUT the bytes, then complete");
                    }
                    if (stat.size() != size) {
                        return store.remove(List.of(staging)).chain(() -> Uni.createFrom().failure(new ProblemException(BackupProblems.SIZE_MISMATCH,
                                "the upload holds " + stat.size() + " bytes, announced were " + size + "; upload again").with("size", stat.size())));
                    }
                    return checksum(staging, multipartId, stat).chain(actual -> {
                        byte[] expected = Ids.hex(sha256);
                        if (actual == null) {
                            return store.remove(List.of(staging)).chain(() -> Uni.createFrom().failure(new ProblemException(BackupProblems.CHECKSUM_MISSING,
                                    "send the header x-amz-checksum-sha256 (base64 of the SHA-256) with the PUT, so S3 verifies the bytes; upload again")));
                        }
                        if (!MessageDigest.isEqual(actual, expected)) {
                            return store.remove(List.of(staging)).chain(() -> Uni.createFrom().failure(new ProblemException(BackupProblems.CHECKSUM_MISMATCH,
                                    "the uploaded bytes do not hash to " + sha256 + "; nothing was recorded")));
                        }
                        return store.copy(staging, stat.etag(), objectKey(repo, sha256));
                    });
                })
                .chain(() -> record(owner, repo, uploadId, sha256, size))
                .call(() -> store.remove(List.of(staging)).onFailure().recoverWithNull());
    }

    /** The SHA-256 of the staged bytes: from S3's checksum for a single PUT, by reading for a multipart object. */
    private Uni<byte[]> checksum(String staging, String multipartId, ObjectStore.Stat stat) {
        if (multipartId != null) {
            return store.sha256Of(staging);
        }
        if (stat.sha256Base64() == null || stat.sha256Base64().contains("-")) {
            return Uni.createFrom().nullItem();
        }
        try {
            return Uni.createFrom().item(Base64.getDecoder().decode(stat.sha256Base64()));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().nullItem();
        }
    }

    /** Completes the multipart upload when every part is there in full (an earlier completion is fine). */
    private Uni<Void> assemble(String staging, String multipartId, long size) {
        return store.listParts(staging, multipartId)
                .onFailure(e -> e instanceof ProblemException p && p.type().status() == 404 || isNoSuchUpload(e)).recoverWithNull()
                .chain(parts -> {
                    if (parts == null) {
                        return Uni.createFrom().voidItem(); // completed by an earlier attempt
                    }
                    long total = parts.stream().mapToLong(ObjectStore.PartInfo::size).sum();
                    int expectedParts = (int) Math.max(1, (size + config.partSize() - 1) / config.partSize());
                    if (parts.size() != expectedParts || total != size) {
                        throw new ProblemException(BackupProblems.UPLOAD_INCOMPLETE, "the upload has " + parts.size() + " of " + expectedParts
                                + " parts (" + total + " of " + size + " bytes); PUT the missing parts, then complete")
                                .with("partsUploaded", parts.size()).with("partsExpected", expectedParts);
                    }
                    return store.completeMultipart(staging, multipartId, parts);
                });
    }

    private static boolean isNoSuchUpload(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.minio.errors.ErrorResponseException er && "NoSuchUpload".equals(er.errorResponse().code())) {
                return true;
            }
        }
        return false;
    }

    private Uni<StoredObject> record(PeerKey owner, String repo, String uploadId, String sha256, long size) {
        Instant now = clock.instant();
        return pool.withTransaction(conn -> access.requireOwner(conn, repo, owner, true)
                .chain(() -> Quotas.add(conn, owner.toString(), 0, 0)) // takes the owner's usage row lock: quota checks serialize
                .chain(() -> quotas.check(conn, owner.toString(), size, uploadId))
                .chain(() -> conn.preparedQuery("INSERT INTO objects (repo_id, kind, name, size, created_at) VALUES ($1, 'object', $2, $3, $4) ON CONFLICT DO NOTHING")
                        .execute(Tuple.of(repo, sha256, size, now.atOffset(ZoneOffset.UTC))))
                .chain(rows -> rows.rowCount() == 1 ? Quotas.add(conn, owner.toString(), size, 1) : Uni.createFrom().voidItem())
                .chain(() -> conn.preparedQuery("DELETE FROM uploads WHERE id = $1").execute(Tuple.of(uploadId)))
                .chain(() -> existing(conn, repo, sha256)));
    }

    static Uni<StoredObject> existing(SqlClient conn, String repo, String sha256) {
        return conn.preparedQuery("SELECT size, created_at FROM objects WHERE repo_id = $1 AND kind = 'object' AND name = $2")
                .execute(Tuple.of(repo, sha256))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new StoredObject(sha256, r.getLong("size"), r.getOffsetDateTime("created_at").toInstant());
                });
    }

    /**
     * Forgets uploads that expired an hour ago (their reservations stopped counting at expiry) and aborts their
     * multipart uploads in S3; staged bytes of single uploads are swept by the next prune.
     */
    @io.quarkus.scheduler.Scheduled(every = "1h", delayed = "10m", concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = io.quarkus.scheduler.Scheduled.ApplicationNotRunning.class)
    Uni<Void> forgetExpired() {
        return pool.preparedQuery("DELETE FROM uploads WHERE expires_at < $1 RETURNING id, repo_id, multipart_id")
                .execute(Tuple.of(clock.instant().minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC)))
                .onItem().transformToMulti(rows -> io.smallrye.mutiny.Multi.createFrom().iterable(rows))
                .filter(r -> r.getString("multipart_id") != null)
                .onItem().transformToUniAndConcatenate(r -> store.abortMultipart(stagingKey(r.getString("repo_id"), r.getString("id")), r.getString("multipart_id"))
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    /** A presigned GET of a stored object. */
    public Uni<String> downloadUrl(PeerKey owner, String repo, String sha256, Integer expiresInSeconds) {
        Ids.checkSha256("object", sha256);
        Duration expiry = expiry(expiresInSeconds);
        return pool.withConnection(conn -> access.requireOwner(conn, repo, owner, false).chain(() -> existing(conn, repo, sha256)))
                .map(found -> {
                    if (found == null) {
                        throw new ProblemException(BackupProblems.OBJECT_UNKNOWN, "repository '" + repo + "' holds no object " + sha256);
                    }
                    return store.presignGet(objectKey(repo, sha256), expiry);
                });
    }

    public Uni<StoredObject> get(PeerKey owner, String repo, String sha256) {
        Ids.checkSha256("object", sha256);
        return pool.withConnection(conn -> access.requireOwner(conn, repo, owner, false).chain(() -> existing(conn, repo, sha256)))
                .map(found -> {
                    if (found == null) {
                        throw new ProblemException(BackupProblems.OBJECT_UNKNOWN, "repository '" + repo + "' holds no object " + sha256);
                    }
                    return found;
                });
    }

    /** Objects after {@code after} (by name), at most {@code limit}. */
    public Uni<List<StoredObject>> list(PeerKey owner, String repo, String after, int limit) {
        if (after != null) {
            Ids.checkSha256("after", after);
        }
        return pool.withConnection(conn -> access.requireOwner(conn, repo, owner, false)
                .chain(() -> conn.preparedQuery("SELECT name, size, created_at FROM objects WHERE repo_id = $1 AND kind = 'object' AND name > $2 ORDER BY name LIMIT $3")
                        .execute(Tuple.of(repo, after == null ? "" : after, limit)))
                .map(rows -> {
                    List<StoredObject> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new StoredObject(r.getString("name"), r.getLong("size"), r.getOffsetDateTime("created_at").toInstant()));
                    }
                    return out;
                }));
    }
}
