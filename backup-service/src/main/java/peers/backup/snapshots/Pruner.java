package peers.backup.snapshots;

import io.minio.messages.Item;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import peers.backup.BackupConfig;
import peers.backup.objects.UploadService;
import peers.backup.quota.Quotas;
import peers.backup.repos.Access;
import peers.backup.repos.Repo;
import peers.common.identity.PeerKey;

/**
 * Applies a repository's retention policy (forgets the snapshots it does not keep), then collects garbage:
 * objects no snapshot references and older than {@code peers.backup.gc-grace} are deleted, and so are
 * leftovers in S3 that no row records (an object whose row was deleted while S3 was away, staging bytes of
 * abandoned uploads).
 *
 * <p>Order: S3 must answer first (else 503, nothing changed); the rows go in one transaction under the
 * repository's lock (so no snapshot can start referencing an object being collected); then S3 deletes
 * the bytes. Should that last step fail, the next run's sweep finds the unrecorded bytes.
 */
@ApplicationScoped
public class Pruner {

    private static final Logger LOG = Logger.getLogger(Pruner.class);

    /** What one run did. */
    public record Result(int snapshotsForgotten, int objectsDeleted, long bytesFreed, int strayDeleted) {
    }

    private final Pool pool;
    private final Access access;
    private final peers.backup.storage.ObjectStore store;
    private final BackupConfig config;
    private final Clock clock;

    public Pruner(Pool pool, Access access, peers.backup.storage.ObjectStore store, BackupConfig config, Clock clock) {
        this.pool = pool;
        this.access = access;
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${peers.backup.prune-interval:6h}", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        return pool.query("SELECT id, owner_key FROM repositories WHERE coalesce(keep_last, keep_daily, keep_weekly, keep_monthly) IS NOT NULL").execute()
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(r -> prune(PeerKey.parse(r.getString("owner_key")), r.getString("id"))
                        .onFailure().invoke(e -> LOG.warnf("prune of %s failed: %s", r.getString("id"), e.toString())).onFailure().recoverWithNull())
                .collect().last().replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("prune run failed: %s", e.toString())).onFailure().recoverWithNull();
    }

    public Uni<Result> prune(PeerKey owner, String repo) {
        Instant now = clock.instant();
        Instant cutoff = now.minus(config.gcGrace());
        List<String> doomed = new ArrayList<>();
        return pool.withConnection(conn -> access.requireOwner(conn, repo, owner, false))
                .chain(store::probe)
                .chain(() -> pool.withTransaction(conn -> access.requireOwner(conn, repo, owner, true)
                        .chain(() -> forget(conn, repo))
                        .chain(forgotten -> conn.preparedQuery("DELETE FROM objects o WHERE o.repo_id = $1 AND o.kind = 'object' AND o.created_at <= $2 "
                                        + "AND NOT EXISTS (SELECT 1 FROM snapshot_objects s WHERE s.repo_id = o.repo_id AND s.name = o.name) RETURNING o.name, o.size")
                                .execute(Tuple.of(repo, cutoff.atOffset(ZoneOffset.UTC)))
                                .chain(rows -> {
                                    long bytes = 0;
                                    for (Row r : rows) {
                                        doomed.add(UploadService.objectKey(repo, r.getString("name")));
                                        bytes += r.getLong("size");
                                    }
                                    long freed = bytes;
                                    int n = rows.rowCount();
                                    return Quotas.add(conn, owner.toString(), -freed, -n).replaceWith(new Result(forgotten, n, freed, 0));
                                }))))
                .chain(result -> store.remove(doomed).chain(() -> sweep(repo, cutoff))
                        .map(stray -> new Result(result.snapshotsForgotten(), result.objectsDeleted(), result.bytesFreed(), stray))
                        .onFailure().invoke(e -> LOG.warnf("prune of %s: rows removed, S3 cleanup left for the next run: %s", repo, e.toString()))
                        .onFailure().recoverWithItem(result));
    }

    private Uni<Integer> forget(SqlConnection conn, String repo) {
        return conn.preparedQuery("SELECT keep_last, keep_daily, keep_weekly, keep_monthly FROM repositories WHERE id = $1").execute(Tuple.of(repo))
                .chain(rows -> {
                    Row p = rows.iterator().next();
                    Repo.Retention policy = new Repo.Retention(p.getInteger("keep_last"), p.getInteger("keep_daily"), p.getInteger("keep_weekly"),
                            p.getInteger("keep_monthly"));
                    if (policy.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return conn.preparedQuery("SELECT id, taken_at FROM snapshots WHERE repo_id = $1").execute(Tuple.of(repo)).chain(snaps -> {
                        List<RetentionPolicy.Entry> entries = new ArrayList<>();
                        snaps.forEach(r -> entries.add(new RetentionPolicy.Entry(r.getString("id"), r.getOffsetDateTime("taken_at").toInstant())));
                        Set<String> keep = RetentionPolicy.keep(entries, policy);
                        String[] forget = entries.stream().map(RetentionPolicy.Entry::id).filter(id -> !keep.contains(id)).toArray(String[]::new);
                        if (forget.length == 0) {
                            return Uni.createFrom().item(0);
                        }
                        return conn.preparedQuery("DELETE FROM snapshots WHERE repo_id = $1 AND id = ANY($2::text[])").execute(Tuple.of(repo, forget))
                                .map(r -> r.rowCount());
                    });
                });
    }

    /** Deletes bytes under the repository that no row records: old unrecorded objects and stale staging uploads. */
    private Uni<Integer> sweep(String repo, Instant cutoff) {
        Instant stagingCutoff = cutoff.minus(config.maxPresignExpiry());
        return store.list(repo + "/").chain(items -> pool.preparedQuery("SELECT name FROM objects WHERE repo_id = $1 AND kind = 'object'").execute(Tuple.of(repo))
                .chain(rows -> {
                    Set<String> recorded = new HashSet<>();
                    rows.forEach(r -> recorded.add(UploadService.objectKey(repo, r.getString("name"))));
                    List<String> stray = new ArrayList<>();
                    for (Item it : items) {
                        String key = it.objectName();
                        Instant modified = it.lastModified() == null ? Instant.EPOCH : it.lastModified().toInstant();
                        if (key.startsWith(repo + "/objects/") && !recorded.contains(key) && !modified.isAfter(cutoff)) {
                            stray.add(key);
                        } else if (key.startsWith(repo + "/staging/") && !modified.isAfter(stagingCutoff)) {
                            stray.add(key);
                        }
                    }
                    return store.remove(stray).replaceWith(stray.size());
                }));
    }
}
