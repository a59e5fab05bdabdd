package peers.billing.apps;

import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;

/** A registered app: its owner (the developer's key) and revenue share. */
public record App(String id, String owner, String name, String contact, String payoutRef, Integer shareBps, int effectiveShareBps, Instant createdAt) {

    static App of(Row r, int defaultBps) {
        Integer bps = r.getInteger("share_bps");
        return new App(r.getString("id"), r.getString("owner_key"), r.getString("name"), r.getString("contact"), r.getString("payout_ref"),
                bps, bps == null ? defaultBps : bps, r.getOffsetDateTime("created_at").toInstant());
    }
}
