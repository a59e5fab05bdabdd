package peers.backup.restic;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import peers.backup.quota.Quotas;

/** The rows of restic files: what exists in a repository and what it counts against the owner's quota. */
@ApplicationScoped
public class ResticStore {

    public record Entry(String name, long size) {
    }

    private final Pool pool;
    private final Quotas quotas;
    private final Clock clock;

    public ResticStore(Pool pool, Quotas quotas, Clock clock) {
        this.pool = pool;
        this.quotas = quotas;
        this.clock = clock;
    }

    /** The size of a file, or null when absent. */
    public Uni<Long> size(String repo, String kind, String name) {
        return pool.preparedQuery("SELECT size FROM objects WHERE repo_id = $1 AND kind = $2 AND name = $3").execute(Tuple.of(repo, kind, name))
                .map(rows -> rows.rowCount() == 0 ? null : rows.iterator().next().getLong("size"));
    }

    public Uni<List<Entry>> list(String repo, String kind) {
        return pool.preparedQuery("SELECT name, size FROM objects WHERE repo_id = $1 AND kind = $2 ORDER BY name").execute(Tuple.of(repo, kind))
                .map(rows -> {
                    List<Entry> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Entry(r.getString("name"), r.getLong("size")));
                    }
                    return out;
                });
    }

    public Uni<Void> checkQuota(String owner, long bytes) {
        return pool.withConnection(conn -> quotas.check(conn, owner, bytes, null));
    }

    /** Records a stored file (replacing the size of an overwritten config) and counts it. */
    public Uni<Void> saved(String repo, String owner, String kind, String name, long size) {
        return pool.withTransaction(conn -> conn.preparedQuery("WITH old AS (SELECT size FROM objects WHERE repo_id = $1 AND kind = $2 AND name = $3 FOR UPDATE), "
                        + "up AS (INSERT INTO objects (repo_id, kind, name, size, created_at) VALUES ($1, $2, $3, $4, $5) "
                        + "ON CONFLICT (repo_id, kind, name) DO UPDATE SET size = EXCLUDED.size) "
                        + "SELECT (SELECT size FROM old) AS old_size")
                .execute(Tuple.of(repo, kind, name, size, clock.instant().atOffset(ZoneOffset.UTC)))
                .chain(rows -> {
                    Long old = rows.iterator().next().getLong("old_size");
                    return Quotas.add(conn, owner, size - (old == null ? 0 : old), old == null ? 1 : 0);
                }));
    }

    /** Forgets a deleted file and uncounts it; false when there was none. */
    public Uni<Boolean> deleted(String repo, String owner, String kind, String name) {
        return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM objects WHERE repo_id = $1 AND kind = $2 AND name = $3 RETURNING size")
                .execute(Tuple.of(repo, kind, name))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : Quotas.add(conn, owner, -rows.iterator().next().getLong("size"), -1).replaceWith(true)));
    }
}
