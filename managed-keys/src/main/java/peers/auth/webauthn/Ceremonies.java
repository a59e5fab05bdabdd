package peers.auth.webauthn;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import peers.auth.AuthConfig;
import peers.auth.AuthProblems;
import peers.common.identity.Base64Url;
import peers.common.problems.ProblemException;

/**
 * Pending ceremonies in PostgreSQL: any replica can finish a ceremony another one started. A
 * challenge is consumed by one conditional UPDATE before the response is verified, on its own, so it
 * is used at most once even when the verification fails or two replicas race on it. (Plain SQL on
 * the reactive client: this is on every login's path.)
 */
@ApplicationScoped
public class Ceremonies {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pool pool;
    private final Clock clock;
    private final AuthConfig config;

    public Ceremonies(Pool pool, Clock clock, AuthConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.config = config;
    }

    public static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Starts a ceremony with a fresh 32-byte challenge. */
    public Uni<Ceremony> start(String kind, String accountId, byte[] userHandle, byte[] prfSalt, String appId) {
        Ceremony c = new Ceremony();
        c.id = Base64Url.encode(random(16));
        c.kind = kind;
        c.challenge = random(32);
        c.accountId = accountId;
        c.userHandle = userHandle;
        c.prfSalt = prfSalt;
        c.appId = appId;
        c.createdAt = clock.instant();
        c.expiresAt = c.createdAt.plus(config.ceremonyTtl());
        return pool.preparedQuery("INSERT INTO ceremonies (id, kind, challenge, account_id, user_handle, prf_salt, app_id, created_at, expires_at) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .execute(Tuple.from(new Object[] {c.id, kind, Buffer.buffer(c.challenge), accountId, userHandle == null ? null : Buffer.buffer(userHandle),
                        prfSalt == null ? null : Buffer.buffer(prfSalt), appId, utc(c.createdAt), utc(c.expiresAt)}))
                .replaceWith(c);
    }

    /**
     * Marks the ceremony used and returns it; refuses an unknown one (or one of another kind), a used
     * one and an expired one. The challenge is spent whatever follows.
     */
    public Uni<Ceremony> consume(String id, String kind) {
        checkId(id);
        Instant now = clock.instant();
        return pool.preparedQuery("UPDATE ceremonies SET used_at = $1 WHERE id = $2 AND kind = $3 AND used_at IS NULL "
                + "RETURNING challenge, account_id, user_handle, prf_salt, app_id, created_at, expires_at")
                .execute(Tuple.of(utc(now), id, kind))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return notConsumed(id, kind);
                    }
                    Row r = rows.iterator().next();
                    Ceremony c = new Ceremony();
                    c.id = id;
                    c.kind = kind;
                    c.challenge = bytes(r.getValue("challenge"));
                    c.accountId = r.getString("account_id");
                    c.userHandle = bytes(r.getValue("user_handle"));
                    c.prfSalt = bytes(r.getValue("prf_salt"));
                    c.appId = r.getString("app_id");
                    c.createdAt = r.getOffsetDateTime("created_at").toInstant();
                    c.expiresAt = r.getOffsetDateTime("expires_at").toInstant();
                    c.usedAt = now;
                    requireUnexpired(c, now);
                    return Uni.createFrom().item(c);
                });
    }

    /** Why a ceremony could not be consumed: unknown (or of another kind), or already used. Always fails. */
    public <T> Uni<T> notConsumed(String id, String kind) {
        return pool.preparedQuery("SELECT 1 FROM ceremonies WHERE id = $1 AND kind = $2").execute(Tuple.of(id, kind)).map(r -> {
            if (r.rowCount() == 0) {
                throw new ProblemException(AuthProblems.CEREMONY_UNKNOWN, "no " + kind + " ceremony has the id '" + id + "'; request new options");
            }
            throw new ProblemException(AuthProblems.CEREMONY_USED, "the challenge of ceremony '" + id
                    + "' was already used; each challenge is good for one response: request new options");
        });
    }

    /** Refuses a consumed ceremony whose challenge expired before it was used. */
    public void requireUnexpired(Ceremony c, Instant now) {
        if (!now.isBefore(c.expiresAt)) {
            throw new ProblemException(AuthProblems.CEREMONY_EXPIRED, "the challenge of ceremony '" + c.id + "' expired at " + c.expiresAt
                    + " (it lasts " + config.ceremonyTtl().toSeconds() + " s); request new options");
        }
    }

    public static void checkId(String id) {
        if (id == null || !id.matches("[A-Za-z0-9_-]{22}")) {
            throw ProblemException.invalid("ceremonyId", "ceremonyId is the 22-character id returned with the options");
        }
    }

    /** Forgets ceremonies an hour after they expired (used or not). */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        return pool.preparedQuery("DELETE FROM ceremonies WHERE expires_at < $1").execute(Tuple.of(utc(clock.instant().minus(Duration.ofHours(1)))))
                .replaceWithVoid();
    }

    public static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    /** The bytes of a bytea column value (null stays null). */
    public static byte[] bytes(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof io.vertx.mutiny.core.buffer.Buffer b) {
            return b.getBytes();
        }
        if (value instanceof Buffer b) {
            return b.getBytes();
        }
        throw new IllegalStateException("not a bytea value: " + value.getClass());
    }
}
