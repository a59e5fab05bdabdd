package peers.sync.quota;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import peers.sync.SyncConfig;

/**
 * The plan in force for an owner: their entitlement from affiliate-billing while it is valid, the
 * free plan otherwise. Retention is capped at {@code peers.sync.max-retention-days}, the horizon up
 * to which partitions exist.
 */
@ApplicationScoped
public class Plans {

    private final SyncConfig config;

    public Plans(SyncConfig config) {
        this.config = config;
    }

    public Plan free() {
        return new Plan("free", Math.min(config.free().retentionDays(), config.maxRetentionDays()), config.free().bytes(), config.free().records());
    }

    public Uni<Plan> of(SqlConnection conn, String owner, Instant now) {
        return conn.preparedQuery("SELECT plan, retention_days, max_bytes, max_records, valid_until FROM entitlements WHERE peer_key = $1")
                .execute(Tuple.of(owner)).map(rows -> rows.rowCount() == 0 ? free() : of(rows.iterator().next(), now));
    }

    /**
     * The plan from a row with the columns of {@code entitlements} ({@code plan}, {@code retention_days},
     * {@code max_bytes}, {@code max_records}, {@code valid_until}), e.g. of an outer join: a null {@code plan}
     * (no entitlement) or one no longer valid at {@code now} is the free plan.
     */
    public Plan of(Row r, Instant now) {
        if (r.getString("plan") == null) {
            return free();
        }
        OffsetDateTime until = r.getOffsetDateTime("valid_until");
        if (until != null && !until.toInstant().isAfter(now)) {
            return free();
        }
        return new Plan(r.getString("plan"), Math.max(1, Math.min(r.getInteger("retention_days"), config.maxRetentionDays())),
                r.getLong("max_bytes"), r.getLong("max_records"));
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
