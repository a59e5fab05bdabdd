package peers.backup.repos;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import peers.backup.BackupProblems;
import peers.common.identity.PeerKey;

/**
 * Authorization of the native API, in one place: a repository is its owner's alone. Another key gets the
 * same 404 as for a repository that does not exist, so ids reveal nothing.
 */
@ApplicationScoped
public class Access {

    /**
     * Checks that {@code caller} owns {@code repo}.
     *
     * @param lock also lock the repository row until the transaction ends (writes that must not race with
     *     pruning or deletion take it)
     */
    public Uni<Void> requireOwner(SqlClient conn, String repo, PeerKey caller, boolean lock) {
        // Never throw from here: callers run this inside pool.withConnection / withTransaction, and a function that
        // throws there, instead of failing its Uni, never gives its connection back (a few malformed repository ids
        // exhausted the pool: found by the security module's RepeatedOperationsIT).
        try {
            Ids.checkRandom("repo", repo);
        } catch (RuntimeException refused) {
            return Uni.createFrom().failure(refused);
        }
        return conn.preparedQuery("SELECT 1 FROM repositories WHERE id = $1 AND owner_key = $2" + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(repo, caller.toString()))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw BackupProblems.unknownRepo(repo);
                    }
                    return null;
                });
    }
}
