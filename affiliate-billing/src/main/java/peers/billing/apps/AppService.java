package peers.billing.apps;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import peers.billing.BillingConfig;
import peers.billing.BillingProblems;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

/** Apps of developers. Authorization for app resources is here: {@link #owned}. */
@ApplicationScoped
public class AppService {

    /** App ids: {@code app_} and 22 base64url characters (128 random bits). */
    public static final Pattern ID = Pattern.compile("app_[A-Za-z0-9_-]{22}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pool pool;
    private final Clock clock;
    private final BillingConfig config;

    public AppService(Pool pool, Clock clock, BillingConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.config = config;
    }

    public Uni<App> register(SqlConnection conn, PeerKey owner, String name, String contact, String payoutRef) {
        String n = text("name", name, 100, true);
        String c = text("contact", contact, 254, true);
        String p = text("payoutRef", payoutRef, 200, false);
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        String id = "app_" + Base64Url.encode(raw);
        return conn.preparedQuery("SELECT count(*) AS n FROM apps WHERE owner_key = $1").execute(Tuple.of(owner.toString()))
                .chain(rows -> {
                    if (rows.iterator().next().getLong("n") >= config.maxAppsPerOwner()) {
                        throw new ProblemException(BillingProblems.APP_LIMIT, "one key registers at most " + config.maxAppsPerOwner() + " apps")
                                .with("limit", "billing.max-apps-per-owner");
                    }
                    return conn.preparedQuery("INSERT INTO apps (id, owner_key, name, contact, payout_ref, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *")
                            .execute(Tuple.of(id, owner.toString(), n, c, p, clock.instant().atOffset(ZoneOffset.UTC)));
                })
                .map(rows -> App.of(rows.iterator().next(), config.defaultShareBps()));
    }

    public Uni<List<App>> mine(PeerKey owner) {
        return pool.preparedQuery("SELECT * FROM apps WHERE owner_key = $1 ORDER BY created_at, id").execute(Tuple.of(owner.toString()))
                .map(rows -> {
                    List<App> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(App.of(r, config.defaultShareBps()));
                    }
                    return out;
                });
    }

    /** The app, if {@code caller} owns it: 404 for an unknown id, 403 for someone else's app. */
    public Uni<App> owned(SqlClient sql, PeerKey caller, String appId) {
        return find(sql, appId).map(app -> {
            if (!app.owner().equals(caller.toString())) {
                throw new ProblemException(BillingProblems.NOT_APP_OWNER, "app '" + appId + "' belongs to another key; sign with the key that registered it")
                        .with("app", appId);
            }
            return app;
        });
    }

    public Uni<App> find(SqlClient sql, String appId) {
        checkId(appId);
        return sql.preparedQuery("SELECT * FROM apps WHERE id = $1").execute(Tuple.of(appId)).map(rows -> {
            if (rows.rowCount() == 0) {
                throw BillingProblems.unknownApp(appId);
            }
            return App.of(rows.iterator().next(), config.defaultShareBps());
        });
    }

    /** Sets (or, with null, clears back to the platform default) an app's revenue share. Operators only. */
    public Uni<App> setShare(SqlConnection conn, String appId, Integer bps) {
        if (bps != null && (bps < 0 || bps > 10_000)) {
            throw ProblemException.invalid("shareBps", "shareBps is basis points between 0 and 10000 (100 %), or null for the platform default");
        }
        return find(conn, appId).chain(app -> conn.preparedQuery("UPDATE apps SET share_bps = $2 WHERE id = $1 RETURNING *").execute(Tuple.of(appId, bps)))
                .map(rows -> App.of(rows.iterator().next(), config.defaultShareBps()));
    }

    public static String checkId(String appId) {
        if (appId == null || !ID.matcher(appId).matches()) {
            throw ProblemException.invalid("appId", "an app id is 'app_' followed by 22 base64url characters");
        }
        return appId;
    }

    static String text(String field, String value, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw ProblemException.invalid(field, field + " is required");
            }
            return null;
        }
        String v = value.strip();
        if (v.length() > max) {
            throw ProblemException.invalid(field, field + " is at most " + max + " characters");
        }
        if (v.chars().anyMatch(ch -> Character.isISOControl(ch))) {
            throw ProblemException.invalid(field, field + " must not contain control characters");
        }
        return v;
    }
}
