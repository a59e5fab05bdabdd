package peers.backup.snapshots;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import peers.backup.BackupConfig;
import peers.backup.BackupProblems;
import peers.backup.objects.StoredObject;
import peers.backup.repos.Access;
import peers.backup.repos.Ids;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

/** Snapshots: which stored objects make up one backup. The service never sees inside the objects. */
@ApplicationScoped
public class SnapshotService {

    private final Pool pool;
    private final Access access;
    private final BackupConfig config;
    private final Clock clock;

    public SnapshotService(Pool pool, Access access, BackupConfig config, Clock clock) {
        this.pool = pool;
        this.access = access;
        this.config = config;
        this.clock = clock;
    }

    /** Records a snapshot of objects the repository holds (all or none; 422 naming missing ones). */
    public Uni<Snapshot> create(PeerKey owner, String repo, String name, Instant takenAt, List<String> objectNames) {
        Ids.checkName("name", name);
        if (objectNames == null) {
            throw ProblemException.invalid("objects", "objects lists the SHA-256 names of the snapshot's objects");
        }
        if (objectNames.size() > config.maxSnapshotObjects()) {
            throw ProblemException.invalid("objects", "a snapshot lists at most " + config.maxSnapshotObjects() + " objects")
                    .with("limit", "backup.max-snapshot-objects");
        }
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < objectNames.size(); i++) {
            names.add(Ids.checkSha256("objects[" + i + "]", objectNames.get(i)));
        }
        String id = Ids.random();
        Instant at = takenAt == null ? clock.instant() : takenAt;
        String[] array = names.toArray(String[]::new);
        return pool.withTransaction(conn -> access.requireOwner(conn, repo, owner, true)
                .chain(() -> conn.preparedQuery("SELECT n FROM unnest($2::text[]) AS n WHERE NOT EXISTS "
                        + "(SELECT 1 FROM objects o WHERE o.repo_id = $1 AND o.kind = 'object' AND o.name = n) LIMIT 20")
                        .execute(Tuple.of(repo, array)))
                .chain(missing -> {
                    if (missing.rowCount() > 0) {
                        List<String> m = new ArrayList<>();
                        missing.forEach(r -> m.add(r.getString(0)));
                        throw new ProblemException(BackupProblems.OBJECTS_MISSING, "the repository holds none of these objects: " + String.join(", ", m)
                                + "; upload and complete them first").with("missing", m);
                    }
                    return conn.preparedQuery("INSERT INTO snapshots (repo_id, id, name, taken_at, object_count, bytes) "
                            + "SELECT $1, $2, $3, $4, count(*), coalesce(sum(size), 0) FROM objects WHERE repo_id = $1 AND kind = 'object' AND name = ANY($5::text[])")
                            .execute(Tuple.of(repo, id, name, at.atOffset(ZoneOffset.UTC), array));
                })
                .chain(() -> conn.preparedQuery("INSERT INTO snapshot_objects (repo_id, snapshot_id, name) SELECT $1, $2, n FROM unnest($3::text[]) AS n")
                        .execute(Tuple.of(repo, id, array))))
                .chain(() -> get(owner, repo, id, false));
    }

    public Uni<List<Snapshot>> list(PeerKey owner, String repo) {
        return pool.withConnection(conn -> access.requireOwner(conn, repo, owner, false)
                .chain(() -> conn.preparedQuery("SELECT id, name, taken_at, object_count, bytes FROM snapshots WHERE repo_id = $1 ORDER BY taken_at DESC, id")
                        .execute(Tuple.of(repo)))
                .map(rows -> {
                    List<Snapshot> out = new ArrayList<>();
                    rows.forEach(r -> out.add(snapshot(r, null)));
                    return out;
                }));
    }

    public Uni<Snapshot> get(PeerKey owner, String repo, String id, boolean withObjects) {
        Ids.checkRandom("snapshot", id);
        return pool.withConnection(conn -> access.requireOwner(conn, repo, owner, false)
                .chain(() -> conn.preparedQuery("SELECT id, name, taken_at, object_count, bytes FROM snapshots WHERE repo_id = $1 AND id = $2")
                        .execute(Tuple.of(repo, id)))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new ProblemException(BackupProblems.SNAPSHOT_UNKNOWN, "repository '" + repo + "' has no snapshot '" + id + "'");
                    }
                    Row head = rows.iterator().next();
                    if (!withObjects) {
                        return Uni.createFrom().item(snapshot(head, null));
                    }
                    return conn.preparedQuery("SELECT o.name, o.size, o.created_at FROM snapshot_objects s JOIN objects o "
                                    + "ON o.repo_id = s.repo_id AND o.kind = 'object' AND o.name = s.name WHERE s.repo_id = $1 AND s.snapshot_id = $2 ORDER BY o.name")
                            .execute(Tuple.of(repo, id))
                            .map(objs -> {
                                List<StoredObject> list = new ArrayList<>();
                                objs.forEach(r -> list.add(new StoredObject(r.getString("name"), r.getLong("size"), r.getOffsetDateTime("created_at").toInstant())));
                                return snapshot(head, list);
                            });
                }));
    }

    /** Forgets a snapshot; its objects go with the next garbage collection unless another snapshot holds them. */
    public Uni<Void> delete(PeerKey owner, String repo, String id) {
        Ids.checkRandom("snapshot", id);
        return pool.withTransaction(conn -> access.requireOwner(conn, repo, owner, true)
                .chain(() -> conn.preparedQuery("DELETE FROM snapshots WHERE repo_id = $1 AND id = $2").execute(Tuple.of(repo, id)))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new ProblemException(BackupProblems.SNAPSHOT_UNKNOWN, "repository '" + repo + "' has no snapshot '" + id + "'");
                    }
                    return null;
                }));
    }

    private static Snapshot snapshot(Row r, List<StoredObject> objects) {
        return new Snapshot(r.getString("id"), r.getString("name"), r.getOffsetDateTime("taken_at").toInstant(), r.getInteger("object_count"),
                r.getLong("bytes"), objects);
    }
}
