package peers.auth.webauthn;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import peers.auth.AuthConfig;
import peers.auth.AuthProblems;
import peers.common.identity.Base64Url;
import peers.common.problems.ProblemException;

/**
 * Stateless login challenges. The ceremony id of a login is {@code version ‖ expiry ‖ 16 random bytes
 * [‖ account id]} in base64url, and its challenge is {@code HMAC-SHA256(key, "peers-auth-login/v1" ‖ id)}
 * under a key kept in PostgreSQL (made by the migration, shared by every replica). Starting a login
 * writes nothing; the finish recomputes the challenge from the id, so a client can neither pick its own
 * challenge nor stretch the expiry or change the account (any change gives another challenge than the
 * one the authenticator signed). Single use is enforced by the finish: its nonce goes into
 * {@code login_challenges} in the same statement as the counter update and the session
 * ({@link peers.auth.accounts.Logins#commit}); a refused finish spends it too ({@link #spend}).
 */
@ApplicationScoped
public class LoginChallenges {

    static final byte VERSION = 1;
    private static final int FIXED = 1 + 8 + 16;
    /** 9999-12-31: later expiries are not ours (and would not fit a timestamptz comfortably). */
    private static final long MAX_EPOCH_MILLIS = 253_402_300_799_000L;
    private static final byte[] CONTEXT = "peers-auth-login/v1".getBytes(StandardCharsets.US_ASCII);

    private final Pool pool;
    private final Clock clock;
    private final AuthConfig config;
    private volatile SecretKeySpec key;
    private final ThreadLocal<Mac> macs = new ThreadLocal<>();

    public LoginChallenges(Pool pool, Clock clock, AuthConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.config = config;
    }

    /** A decoded login ceremony id: its nonce, expiry, the account it is for (or null) and its challenge. */
    public record Parsed(String id, byte[] nonce, Instant expiresAt, String accountId, byte[] challenge) {
    }

    /** A new login ceremony (nothing stored): for any discoverable passkey, or for one account's. */
    public Uni<Ceremony> issue(String accountId) {
        return key().map(k -> {
            Instant now = clock.instant();
            Instant expires = now.plus(config.ceremonyTtl());
            byte[] account = accountId == null ? new byte[0] : accountId.getBytes(StandardCharsets.US_ASCII);
            byte[] raw = ByteBuffer.allocate(FIXED + account.length).put(VERSION).putLong(expires.toEpochMilli()).put(Ceremonies.random(16)).put(account)
                    .array();
            Ceremony c = new Ceremony();
            c.id = Base64Url.encode(raw);
            c.kind = "authentication";
            c.challenge = challenge(k, raw);
            c.accountId = accountId;
            c.createdAt = now;
            c.expiresAt = expires;
            return c;
        });
    }

    /**
     * Decodes a login ceremony id: 422 when it is not even shaped like one, 404 when it is no login
     * ceremony of this service, 410 when it expired. Whether it was used is known only at the commit.
     */
    public Uni<Parsed> parse(String id) {
        Decoded d = decode(id);
        Instant now = clock.instant();
        if (!now.isBefore(d.expiresAt())) {
            throw new ProblemException(AuthProblems.CEREMONY_EXPIRED, "the challenge of ceremony '" + id + "' expired at " + d.expiresAt()
                    + " (it lasts " + config.ceremonyTtl().toSeconds() + " s); request new options");
        }
        return key().map(k -> new Parsed(id, d.nonce(), d.expiresAt(), d.accountId(), challenge(k, d.raw())));
    }

    /** A login ceremony id taken apart (not yet checked for expiry, nor authenticated: its challenge is). */
    public record Decoded(byte[] raw, Instant expiresAt, byte[] nonce, String accountId) {
    }

    /**
     * Takes a login ceremony id apart: 422 invalid-field when it is not base64url of a sensible length,
     * 404 ceremony-unknown when it is not shaped like a login ceremony id of this version.
     */
    public static Decoded decode(String id) {
        if (id == null || id.length() < 22 || id.length() > 120 || !id.chars().allMatch(LoginChallenges::base64url)) {
            throw ProblemException.invalid("ceremonyId", "ceremonyId is the id returned with the options");
        }
        byte[] raw;
        try {
            raw = Base64Url.decode(id, "ceremonyId");
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("ceremonyId", "ceremonyId is the id returned with the options");
        }
        if (raw.length < FIXED || raw[0] != VERSION || (raw.length != FIXED && raw.length != FIXED + 22) || !Base64Url.encode(raw).equals(id)) {
            // (the last test refuses ids with stray bits in their last character: one id, one spelling)
            throw unknown(id);
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        b.get();
        long millis = b.getLong();
        if (millis < 0 || millis > MAX_EPOCH_MILLIS) {
            throw unknown(id);
        }
        byte[] nonce = new byte[16];
        b.get(nonce);
        String accountId = null;
        if (raw.length > FIXED) {
            accountId = new String(raw, FIXED, raw.length - FIXED, StandardCharsets.ISO_8859_1);
            if (!accountId.chars().allMatch(LoginChallenges::base64url)) {
                throw unknown(id);
            }
        }
        return new Decoded(raw, Instant.ofEpochMilli(millis), nonce, accountId);
    }

    /** Spends a login ceremony that was refused after its id was read, so that it is used at most once whatever follows. */
    public Uni<Void> spend(Parsed p) {
        return pool.preparedQuery("INSERT INTO login_challenges (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING")
                .execute(Tuple.of(Buffer.buffer(p.nonce()), Ceremonies.utc(p.expiresAt()))).replaceWithVoid();
    }

    /** Whether the nonce was already recorded (to explain a refused commit). */
    public Uni<Boolean> used(Parsed p) {
        return pool.preparedQuery("SELECT 1 FROM login_challenges WHERE nonce = $1").execute(Tuple.of(Buffer.buffer(p.nonce())))
                .map(rows -> rows.rowCount() > 0);
    }

    public static ProblemException used(String id) {
        return new ProblemException(AuthProblems.CEREMONY_USED, "the challenge of ceremony '" + id
                + "' was already used; each challenge is good for one response: request new options");
    }

    private static ProblemException unknown(String id) {
        return new ProblemException(AuthProblems.CEREMONY_UNKNOWN, "no authentication ceremony has the id '" + id + "'; request new options");
    }

    /** Forgets spent login challenges an hour after they expired (the id's expiry keeps refusing them). */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public Uni<Void> purge() {
        return pool.preparedQuery("DELETE FROM login_challenges WHERE expires_at < $1").execute(Tuple.of(Ceremonies.utc(clock.instant().minus(Duration.ofHours(1)))))
                .replaceWithVoid();
    }

    private Uni<SecretKeySpec> key() {
        SecretKeySpec k = key;
        if (k != null) {
            return Uni.createFrom().item(k);
        }
        return pool.query("SELECT key FROM login_challenge_key WHERE id = 1").execute().map(rows -> {
            if (rows.rowCount() != 1) {
                throw new IllegalStateException("login_challenge_key has no key: the migration V2 did not run");
            }
            SecretKeySpec loaded = new SecretKeySpec(Ceremonies.bytes(rows.iterator().next().getValue("key")), "HmacSHA256");
            key = loaded;
            return loaded;
        });
    }

    private byte[] challenge(SecretKeySpec k, byte[] raw) {
        try {
            Mac mac = macs.get();
            if (mac == null) {
                mac = Mac.getInstance("HmacSHA256");
                macs.set(mac);
            }
            mac.init(k);
            mac.update(CONTEXT);
            return mac.doFinal(raw);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean base64url(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }
}
