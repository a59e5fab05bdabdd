package peers.billing.subscriptions;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A subscription as stored. */
public record Subscription(UUID id, String peer, String plan, String status, String currency, long priceMinor, int periodMonths, String provider,
        Instant periodStart, Instant periodEnd, boolean cancelAtPeriodEnd, Instant graceUntil, Instant createdAt, Instant endedAt) {

    public static Subscription of(Row r) {
        return new Subscription(r.getUUID("id"), r.getString("peer_key"), r.getString("plan"), r.getString("status"), r.getString("currency"),
                r.getLong("price_minor"), r.getInteger("period_months"), r.getString("provider"), t(r, "period_start"), t(r, "period_end"),
                r.getBoolean("cancel_at_period_end"), t(r, "grace_until"), t(r, "created_at"), t(r, "ended_at"));
    }

    private static Instant t(Row r, String c) {
        OffsetDateTime v = r.getOffsetDateTime(c);
        return v == null ? null : v.toInstant();
    }
}
