package peers.backup.quota;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import peers.backup.BackupConfig;
import peers.backup.BackupProblems;

/**
 * Per-owner storage quotas: the owner's entitlement from affiliate-billing while valid, the free plan
 * otherwise. Usage is kept in {@code owner_usage} by every change, in the change's transaction;
 * presigned uploads not yet completed reserve their bytes until they expire.
 */
@ApplicationScoped
public class Quotas {

    private final BackupConfig config;
    private final Clock clock;

    public Quotas(BackupConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** The owner's byte limit. */
    public Uni<Long> limit(SqlClient conn, String owner) {
        return conn.preparedQuery("SELECT max_bytes, valid_until FROM entitlements WHERE peer_key = $1").execute(Tuple.of(owner)).map(rows -> {
            if (rows.rowCount() == 0) {
                return config.free().bytes();
            }
            Row r = rows.iterator().next();
            OffsetDateTime until = r.getOffsetDateTime("valid_until");
            if (until != null && !until.toInstant().isAfter(clock.instant())) {
                return config.free().bytes();
            }
            return r.getLong("max_bytes");
        });
    }

    /**
     * Refuses (413 quota-exceeded, naming the limit) when storing {@code wanted} more bytes would exceed the
     * owner's quota. Counts stored bytes and unexpired reservations, except {@code exceptUpload}'s own.
     */
    public Uni<Void> check(SqlClient conn, String owner, long wanted, String exceptUpload) {
        return limit(conn, owner).chain(limit -> conn.preparedQuery(
                "SELECT coalesce((SELECT bytes FROM owner_usage WHERE owner_key = $1), 0) "
                        + "+ coalesce((SELECT sum(size) FROM uploads WHERE owner_key = $1 AND expires_at > $2 AND id <> $3), 0) AS used")
                .execute(Tuple.of(owner, clock.instant().atOffset(ZoneOffset.UTC), exceptUpload == null ? "" : exceptUpload))
                .map(rows -> {
                    long used = rows.iterator().next().getLong("used");
                    if (used + wanted > limit) {
                        throw BackupProblems.quota(limit, used, wanted);
                    }
                    return null;
                }));
    }

    /** Adds to (or, negative, subtracts from) the owner's usage; takes the owner's usage row lock until commit. */
    public static Uni<Void> add(SqlClient conn, String owner, long bytes, long objects) {
        return conn.preparedQuery("INSERT INTO owner_usage (owner_key, bytes, objects) VALUES ($1, greatest($2, 0), greatest($3, 0)) "
                + "ON CONFLICT (owner_key) DO UPDATE SET bytes = greatest(owner_usage.bytes + $2, 0), objects = greatest(owner_usage.objects + $3, 0)")
                .execute(Tuple.of(owner, bytes, objects)).replaceWithVoid();
    }
}
