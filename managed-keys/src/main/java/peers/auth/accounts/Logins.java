package peers.auth.accounts;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import peers.auth.AuthConfig;
import peers.auth.sessions.Sessions;
import peers.auth.webauthn.Ceremonies;
import peers.auth.webauthn.LoginChallenges;
import peers.common.identity.Base64Url;

/**
 * The storage side of a login, in plain SQL on the reactive client because every login takes it.
 *
 * <p>A passkey's login view (its public key and flags, its account's keys and mode) never changes once
 * registered, so each replica keeps it per credential id after the first read: a login usually verifies
 * without reading the database. Then <em>one</em> statement does every write and check that must be
 * atomic: it records the challenge's nonce (single use), advances the signature counter only if it
 * increased (or both are 0) and only while the very passkey that was verified is still registered
 * (same id, account and credential data: a removed passkey, or an id registered again with another key,
 * matches nothing), creates the session, and reads the passkey's current wrap. Nothing but the nonce is
 * written when any condition fails; {@link #explain} then tells which.
 */
@ApplicationScoped
public class Logins {

    private static final int CACHE_MAX = 100_000;

    private final Pool pool;
    private final Clock clock;
    private final AuthConfig config;
    private final ConcurrentHashMap<String, View> views = new ConcurrentHashMap<>();

    public Logins(Pool pool, Clock clock, AuthConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.config = config;
    }

    /** A passkey with its account: the parts a login needs, none of which change after registration. */
    public record View(Account account, Credential credential) {
    }

    /**
     * What a login's commit did: whether the challenge was fresh (its nonce recorded now), and when the
     * login went through, the session and the passkey's wrap (null when none); session null otherwise.
     */
    public record Committed(boolean challengeWasFresh, Sessions.Issued session, KeyWrap wrap) {
    }

    /** The passkey with this id and its account; null when there is none. */
    public Uni<View> load(String credentialId) {
        View v = views.get(credentialId);
        if (v != null) {
            return Uni.createFrom().item(v);
        }
        return pool.preparedQuery("SELECT c.account_id, c.attested_credential_data, c.attestation_format, c.uv_initialized, c.backup_eligible, "
                + "c.prf_salt_id, c.created_at AS c_created, a.user_handle, a.identity_key, a.encryption_key, a.mode, a.app_id, a.created_at AS a_created "
                + "FROM credentials c JOIN accounts a ON a.id = c.account_id WHERE c.id = $1")
                .execute(Tuple.of(credentialId)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        return null;
                    }
                    View loaded = view(credentialId, rows.iterator().next());
                    if (views.size() >= CACHE_MAX) {
                        views.clear();
                    }
                    views.put(credentialId, loaded);
                    return loaded;
                });
    }

    /** Forgets a passkey this replica kept (after it was found removed, or when it is removed here). */
    public void forget(String credentialId) {
        views.remove(credentialId);
    }

    /**
     * Spends the challenge, advances the counter and issues a session, in one statement. When the
     * session is null nothing but the nonce was written (challenge already used, passkey gone, counter
     * not increased).
     */
    public Uni<Committed> commit(LoginChallenges.Parsed challenge, View v, long signCount, boolean backupState) {
        String token = Base64Url.encode(Ceremonies.random(32));
        Instant now = clock.instant();
        Instant expires = now.plus(config.sessionTtl());
        Credential c = v.credential();
        return pool.preparedQuery("WITH n AS (INSERT INTO login_challenges (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING RETURNING 1), "
                + "u AS (UPDATE credentials SET sign_count = $5, backup_state = $6, last_used_at = $7 "
                + "WHERE id = $3 AND account_id = $4 AND attested_credential_data = $8 AND (sign_count < $5 OR ($5 = 0 AND sign_count = 0)) "
                + "AND EXISTS (SELECT 1 FROM n) RETURNING id), "
                + "s AS (INSERT INTO sessions (token_hash, account_id, credential_id, created_at, expires_at) SELECT $9, $4, id, $7, $10 FROM u RETURNING credential_id) "
                + "SELECT (SELECT count(*) FROM n) AS fresh, s.credential_id AS issued, w.algorithm, w.ciphertext, w.nonce, w.salt_id, w.identity_key, "
                + "w.encryption_key, w.updated_at FROM (SELECT 1) one LEFT JOIN s ON true LEFT JOIN key_wraps w ON w.credential_id = s.credential_id")
                .execute(Tuple.from(new Object[] {Buffer.buffer(challenge.nonce()), Ceremonies.utc(challenge.expiresAt()), c.id, c.accountId, signCount,
                        backupState, Ceremonies.utc(now), Buffer.buffer(c.attestedCredentialData), Sessions.hash(token), Ceremonies.utc(expires)}))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    if (r.getString("issued") == null) {
                        return new Committed(r.getLong("fresh") > 0, null, null);
                    }
                    return new Committed(true, new Sessions.Issued(token, expires), wrap(c, r));
                });
    }

    /** Why a commit wrote nothing. */
    public enum Refusal {
        CHALLENGE_USED, CREDENTIAL_GONE, COUNTER
    }

    /** After {@link #commit} issued no session: which of its conditions failed (the nonce is spent by now either way). */
    public Uni<Refusal> explain(boolean nonceWasFresh, View v) {
        if (!nonceWasFresh) {
            return Uni.createFrom().item(Refusal.CHALLENGE_USED);
        }
        Credential c = v.credential();
        return pool.preparedQuery("SELECT sign_count FROM credentials WHERE id = $1 AND account_id = $2 AND attested_credential_data = $3")
                .execute(Tuple.of(c.id, c.accountId, Buffer.buffer(c.attestedCredentialData))).map(rows -> {
                    if (rows.rowCount() == 0) {
                        forget(c.id);
                        return Refusal.CREDENTIAL_GONE;
                    }
                    return Refusal.COUNTER;
                });
    }

    private static View view(String credentialId, Row r) {
        Account a = new Account();
        a.id = r.getString("account_id");
        a.userHandle = Ceremonies.bytes(r.getValue("user_handle"));
        a.identityKey = r.getString("identity_key");
        a.encryptionKey = r.getString("encryption_key");
        a.mode = r.getString("mode");
        a.appId = r.getString("app_id");
        a.createdAt = r.getOffsetDateTime("a_created").toInstant();
        Credential c = new Credential();
        c.id = credentialId;
        c.accountId = a.id;
        c.attestedCredentialData = Ceremonies.bytes(r.getValue("attested_credential_data"));
        c.attestationFormat = r.getString("attestation_format");
        c.uvInitialized = r.getBoolean("uv_initialized");
        c.backupEligible = r.getBoolean("backup_eligible");
        c.prfSaltId = r.getString("prf_salt_id");
        c.createdAt = r.getOffsetDateTime("c_created").toInstant();
        return new View(a, c);
    }

    private static KeyWrap wrap(Credential c, Row r) {
        if (r.getString("algorithm") == null) {
            return null;
        }
        KeyWrap w = new KeyWrap();
        w.credentialId = c.id;
        w.accountId = c.accountId;
        w.algorithm = r.getString("algorithm");
        w.ciphertext = Ceremonies.bytes(r.getValue("ciphertext"));
        w.nonce = Ceremonies.bytes(r.getValue("nonce"));
        w.saltId = r.getString("salt_id");
        w.identityKey = r.getString("identity_key");
        w.encryptionKey = r.getString("encryption_key");
        w.updatedAt = r.getOffsetDateTime("updated_at").toInstant();
        return w;
    }
}
