package peers.billing.attribution;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import peers.billing.BillingConfig;
import peers.billing.BillingProblems;
import peers.billing.apps.AppService;
import peers.common.problems.ProblemException;

/**
 * First-touch attribution of peers to apps. A peer is attributed at most once ({@code INSERT … ON CONFLICT
 * DO NOTHING}; the table refuses updates), and only within the attribution window after billing first saw
 * the peer (its account's creation, or its first attribution or subscription request).
 */
@ApplicationScoped
public class Attributions {

    /** The peer's attribution after the call, and whether this call made it. */
    public record Result(String peer, String appId, String source, Instant attributedAt, boolean created) {
    }

    private final BillingConfig config;
    private final AppService apps;

    public Attributions(BillingConfig config, AppService apps) {
        this.config = config;
        this.apps = apps;
    }

    /** Records that billing saw the peer at {@code at} (keeps the earliest) and returns the first sighting. */
    public Uni<Instant> seen(SqlConnection conn, String peer, Instant at) {
        return conn.preparedQuery("INSERT INTO peers_seen (peer_key, first_seen_at) VALUES ($1, $2) "
                        + "ON CONFLICT (peer_key) DO UPDATE SET first_seen_at = least(peers_seen.first_seen_at, EXCLUDED.first_seen_at) RETURNING first_seen_at")
                .execute(Tuple.of(peer, at.atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.iterator().next().getOffsetDateTime("first_seen_at").toInstant());
    }

    /**
     * Attributes {@code peer} to {@code appId} unless it already is attributed. From a client call
     * ({@code strict}), an unknown app is a 404 and a closed window a 422; from an event they are skipped.
     */
    public Uni<Result> attribute(SqlConnection conn, String peer, String appId, String source, Instant firstSeen, Instant now, boolean strict) {
        return apps.find(conn, appId)
                .chain(app -> seen(conn, peer, firstSeen))
                .chain(first -> existing(conn, peer).chain(prior -> {
                    if (prior != null) {
                        return Uni.createFrom().item(prior);
                    }
                    if (now.isAfter(first.plus(config.attributionWindow()))) {
                        if (strict) {
                            throw new ProblemException(BillingProblems.ATTRIBUTION_WINDOW_CLOSED, "this key was first seen at " + first
                                    + "; attributions are accepted only within " + config.attributionWindow().toDays() + " days of that");
                        }
                        return Uni.createFrom().item(new Result(peer, null, null, null, false));
                    }
                    return conn.preparedQuery("INSERT INTO attributions (peer_key, app_id, source, attributed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                            .execute(Tuple.of(peer, appId, source, now.atOffset(ZoneOffset.UTC)))
                            .chain(() -> existing(conn, peer))
                            .map(r -> new Result(r.peer(), r.appId(), r.source(), r.attributedAt(), r.appId().equals(appId) && r.source().equals(source)));
                }));
    }

    public Uni<Result> existing(SqlConnection conn, String peer) {
        return conn.preparedQuery("SELECT app_id, source, attributed_at FROM attributions WHERE peer_key = $1").execute(Tuple.of(peer))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    OffsetDateTime at = r.getOffsetDateTime("attributed_at");
                    return new Result(peer, r.getString("app_id"), r.getString("source"), at.toInstant(), false);
                });
    }
}
