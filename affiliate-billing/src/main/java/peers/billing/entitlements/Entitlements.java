package peers.billing.entitlements;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import peers.common.events.EntitlementEvent;
import peers.common.outbox.Outbox;
import peers.billing.BillingConfig;
import peers.billing.plans.Plan;
import peers.billing.plans.PlanCatalog;

/**
 * A peer's entitlements, derived from their current subscription, and their publication: every change of a
 * subscription enqueues the peer's entitlements (topic {@code peers.entitlements}, keyed by peer key,
 * compacted, so the latest per peer is what a new consumer reads) in the same transaction.
 *
 * <p>{@code validUntil}: an active subscription's entitlement lasts to the end of its period plus the grace
 * period (so consumers fall back to free on their own if billing went silent); a past-due or canceling one
 * to its grace end or period end; free has none.
 */
@ApplicationScoped
public class Entitlements {

    public static final String TOPIC = EntitlementEvent.TOPIC;
    public static final String TYPE = EntitlementEvent.TYPE;

    private final PlanCatalog plans;
    private final BillingConfig config;
    private final Outbox events;
    private final Clock clock;

    public Entitlements(PlanCatalog plans, BillingConfig config, Outbox events, Clock clock) {
        this.plans = plans;
        this.config = config;
        this.events = events;
        this.clock = clock;
    }

    /** What a peer may use now. */
    public record Current(String peer, Plan plan, Instant validUntil, String subscriptionStatus) {
        public Map<String, Object> data() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("peer", peer);
            d.put("plan", plan.name());
            d.put("syncRetentionDays", plan.entitlement().syncRetentionDays());
            d.put("syncBytes", plan.entitlement().syncBytes());
            d.put("syncRecords", plan.entitlement().syncRecords());
            d.put("backupBytes", plan.entitlement().backupBytes());
            d.put("turnBytesPerMonth", plan.entitlement().turnBytesPerMonth());
            d.put("validUntil", validUntil == null ? null : validUntil.toString());
            return d;
        }
    }

    public Uni<Current> current(SqlClient sql, String peer) {
        return sql.preparedQuery("SELECT plan, status, period_end, cancel_at_period_end, grace_until FROM subscriptions WHERE peer_key = $1 AND status <> 'ended'")
                .execute(Tuple.of(peer))
                .map(rows -> rows.rowCount() == 0 ? free(peer) : of(peer, rows.iterator().next()));
    }

    private Current free(String peer) {
        return new Current(peer, plans.free(), null, null);
    }

    private Current of(String peer, Row r) {
        String status = r.getString("status");
        Instant end = r.getOffsetDateTime("period_end").toInstant();
        return switch (status) {
            case "active" -> new Current(peer, plans.orFree(r.getString("plan")),
                    r.getBoolean("cancel_at_period_end") ? end : end.plus(config.gracePeriod()), status);
            case "past_due" -> new Current(peer, plans.orFree(r.getString("plan")), r.getOffsetDateTime("grace_until").toInstant(), status);
            default -> new Current(peer, plans.free(), null, status); // incomplete: nothing paid yet
        };
    }

    /** Enqueues the peer's current entitlements in the caller's transaction. */
    public Uni<Void> publish(SqlConnection conn, String peer) {
        Instant now = clock.instant();
        return current(conn, peer).chain(c -> events.enqueue(conn, TOPIC, TYPE, peer, c.data(), now).replaceWithVoid());
    }
}
