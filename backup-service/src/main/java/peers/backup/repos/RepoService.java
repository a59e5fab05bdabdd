package peers.backup.repos;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import peers.backup.BackupConfig;
import peers.backup.BackupProblems;
import peers.backup.quota.Quotas;
import peers.backup.storage.ObjectStore;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

/** Repositories: created, listed and deleted by their owner. */
@ApplicationScoped
public class RepoService {

    private static final String SELECT = "SELECT r.id, r.owner_key, r.name, r.created_at, r.keep_last, r.keep_daily, r.keep_weekly, r.keep_monthly, "
            + "coalesce(o.bytes, 0) AS bytes, coalesce(o.n, 0) AS n FROM repositories r "
            + "LEFT JOIN LATERAL (SELECT sum(size) AS bytes, count(*) AS n FROM objects WHERE repo_id = r.id) o ON true ";

    private final Pool pool;
    private final Access access;
    private final ObjectStore store;
    private final BackupConfig config;
    private final Clock clock;

    public RepoService(Pool pool, Access access, ObjectStore store, BackupConfig config, Clock clock) {
        this.pool = pool;
        this.access = access;
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    public Uni<Repo> create(PeerKey owner, String name) {
        Ids.checkName("name", name);
        String id = Ids.random();
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT count(*) AS n FROM repositories WHERE owner_key = $1")
                .execute(Tuple.of(owner.toString()))
                .chain(rows -> {
                    if (rows.iterator().next().getLong("n") >= config.maxRepositories()) {
                        throw new ProblemException(BackupProblems.REPO_LIMIT, "an owner has at most " + config.maxRepositories() + " repositories")
                                .with("limit", "backup.max-repositories");
                    }
                    return conn.preparedQuery("INSERT INTO repositories (id, owner_key, name, created_at) VALUES ($1, $2, $3, $4) "
                            + "ON CONFLICT (owner_key, name) DO NOTHING")
                            .execute(Tuple.of(id, owner.toString(), name, clock.instant().atOffset(ZoneOffset.UTC)));
                })
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new ProblemException(BackupProblems.REPO_EXISTS, "you have a repository named '" + name + "'; choose another name")
                                .with("name", name);
                    }
                    return null;
                }))
                .chain(() -> get(owner, id));
    }

    public Uni<List<Repo>> mine(PeerKey owner) {
        return pool.preparedQuery(SELECT + "WHERE r.owner_key = $1 ORDER BY r.created_at, r.id").execute(Tuple.of(owner.toString())).map(rows -> {
            List<Repo> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(repo(r));
            }
            return out;
        });
    }

    public Uni<Repo> get(PeerKey owner, String id) {
        Ids.checkRandom("repo", id);
        return pool.preparedQuery(SELECT + "WHERE r.id = $1 AND r.owner_key = $2").execute(Tuple.of(id, owner.toString())).map(rows -> {
            if (rows.rowCount() == 0) {
                throw BackupProblems.unknownRepo(id);
            }
            return repo(rows.iterator().next());
        });
    }

    public Uni<Repo> setRetention(PeerKey owner, String id, Repo.Retention policy) {
        for (Integer n : new Integer[] {policy.keepLast(), policy.keepDaily(), policy.keepWeekly(), policy.keepMonthly()}) {
            if (n != null && (n < 0 || n > 10000)) {
                throw ProblemException.invalid("retention", "each keep count is between 0 and 10000");
            }
        }
        return pool.withTransaction(conn -> access.requireOwner(conn, id, owner, true)
                .chain(() -> conn.preparedQuery("UPDATE repositories SET keep_last = $2, keep_daily = $3, keep_weekly = $4, keep_monthly = $5 WHERE id = $1")
                        .execute(Tuple.from(new Object[] {id, policy.keepLast(), policy.keepDaily(), policy.keepWeekly(), policy.keepMonthly()}))))
                .chain(() -> get(owner, id));
    }

    /**
     * Deletes the repository with every object. S3 first: if the store is unreachable the answer is 503 and
     * the repository is still recorded (a retry finishes the job); then the rows and the owner's usage.
     */
    public Uni<Void> delete(PeerKey owner, String id) {
        return pool.withConnection(conn -> access.requireOwner(conn, id, owner, false))
                .chain(() -> store.removePrefix(id + "/"))
                .chain(() -> pool.withTransaction(conn -> access.requireOwner(conn, id, owner, true)
                        .chain(() -> conn.preparedQuery("SELECT coalesce(sum(size), 0) AS b, count(*) AS n FROM objects WHERE repo_id = $1").execute(Tuple.of(id)))
                        .chain(rows -> {
                            Row r = rows.iterator().next();
                            return Quotas.add(conn, owner.toString(), -r.getLong("b"), -r.getLong("n"));
                        })
                        .chain(() -> conn.preparedQuery("DELETE FROM repositories WHERE id = $1").execute(Tuple.of(id)))
                        .replaceWithVoid()));
    }

    private static Repo repo(Row r) {
        Repo.Retention retention = new Repo.Retention(r.getInteger("keep_last"), r.getInteger("keep_daily"), r.getInteger("keep_weekly"),
                r.getInteger("keep_monthly"));
        return new Repo(r.getString("id"), r.getString("owner_key"), r.getString("name"), r.getOffsetDateTime("created_at").toInstant(),
                r.getLong("bytes"), r.getLong("n"), retention.isEmpty() ? null : retention);
    }
}
