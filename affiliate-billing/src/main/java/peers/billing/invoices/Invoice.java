package peers.billing.invoices;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** An invoice as stored, with its lines when loaded. */
public record Invoice(UUID id, long number, String peer, UUID subscriptionId, String kind, String status, String currency, long totalMinor,
        long reversedMinor, String provider, String providerRef, String appId, int shareBps, int attempts, Instant nextAttemptAt,
        String lastError, Instant createdAt, Instant finalizedAt, Instant paidAt, Instant closedAt, List<Line> lines) {

    /** One line: a description and a signed amount (credits are negative). */
    public record Line(String description, String plan, long amountMinor, Instant periodStart, Instant periodEnd) {
    }

    public static Invoice of(Row r) {
        return new Invoice(r.getUUID("id"), r.getLong("number"), r.getString("peer_key"), r.getUUID("subscription_id"), r.getString("kind"),
                r.getString("status"), r.getString("currency"), r.getLong("total_minor"), r.getLong("reversed_minor"), r.getString("provider"),
                r.getString("provider_ref"), r.getString("app_id"), r.getInteger("share_bps"), r.getInteger("attempts"), instant(r, "next_attempt_at"),
                r.getString("last_error"), instant(r, "created_at"), instant(r, "finalized_at"), instant(r, "paid_at"), instant(r, "closed_at"), List.of());
    }

    public Invoice withLines(List<Line> l) {
        return new Invoice(id, number, peer, subscriptionId, kind, status, currency, totalMinor, reversedMinor, provider, providerRef, appId, shareBps,
                attempts, nextAttemptAt, lastError, createdAt, finalizedAt, paidAt, closedAt, l);
    }

    static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
