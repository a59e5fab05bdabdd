package peers.auth.accounts;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import peers.auth.AuthConfig;
import peers.auth.sessions.Sessions;
import peers.auth.webauthn.Ceremonies;
import peers.auth.webauthn.Ceremony;
import peers.common.identity.Base64Url;

/**
 * The storage side of a login, in plain SQL on the reactive client because every login takes it:
 * one statement that spends the challenge and reads the passkey with its account and wrap, and one
 * statement that advances the signature
 * counter and creates the session together (atomic; nothing is written when the counter did not
 * increase, so two replicas verifying assertions of one passkey at once cannot both win).
 */
@ApplicationScoped
public class Logins {

    private final Pool pool;
    private final Ceremonies ceremonies;
    private final Clock clock;
    private final AuthConfig config;

    public Logins(Pool pool, Ceremonies ceremonies, Clock clock, AuthConfig config) {
        this.pool = pool;
        this.ceremonies = ceremonies;
        this.clock = clock;
        this.config = config;
    }

    /** A passkey with its account and its wrap (null when none). */
    public record View(Account account, Credential credential, KeyWrap wrap) {
    }

    /** A consumed login ceremony, and the passkey the response names (null when no such passkey). */
    public record Started(Ceremony ceremony, View view) {
    }

    /**
     * Spends the login ceremony's challenge and reads the passkey with its account and wrap, in one
     * statement; the ceremony is spent whatever the passkey. Fails like {@link Ceremonies#consume}.
     */
    public Uni<Started> consumeAndLoad(String ceremonyId, String credentialId) {
        Ceremonies.checkId(ceremonyId);
        Instant now = clock.instant();
        return pool.preparedQuery("WITH k AS (UPDATE ceremonies SET used_at = $1 WHERE id = $2 AND kind = 'authentication' AND used_at IS NULL "
                + "RETURNING challenge, account_id AS k_account, created_at AS k_created, expires_at) "
                + "SELECT k.challenge, k.k_account, k.k_created, k.expires_at, c.account_id, c.attested_credential_data, c.attestation_format, c.sign_count, "
                + "c.uv_initialized, c.backup_eligible, c.backup_state, c.prf_salt_id, c.created_at AS c_created, "
                + "a.user_handle, a.identity_key, a.encryption_key, a.mode, a.app_id, a.created_at AS a_created, "
                + "w.algorithm, w.ciphertext, w.nonce, w.salt_id, w.identity_key AS w_identity, w.encryption_key AS w_encryption, w.updated_at AS w_updated "
                + "FROM k LEFT JOIN credentials c ON c.id = $3 LEFT JOIN accounts a ON a.id = c.account_id LEFT JOIN key_wraps w ON w.credential_id = c.id")
                .execute(Tuple.of(Ceremonies.utc(now), ceremonyId, credentialId)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return ceremonies.notConsumed(ceremonyId, "authentication");
                    }
                    Row r = rows.iterator().next();
                    Ceremony k = new Ceremony();
                    k.id = ceremonyId;
                    k.kind = "authentication";
                    k.challenge = Ceremonies.bytes(r.getValue("challenge"));
                    k.accountId = r.getString("k_account");
                    k.createdAt = r.getOffsetDateTime("k_created").toInstant();
                    k.expiresAt = r.getOffsetDateTime("expires_at").toInstant();
                    k.usedAt = now;
                    ceremonies.requireUnexpired(k, now);
                    return Uni.createFrom().item(new Started(k, r.getString("account_id") == null ? null : view(credentialId, r)));
                });
    }

    /** Advances the counter and issues a session at once; null when the counter did not increase. */
    public Uni<Sessions.Issued> commit(Credential credential, long signCount, boolean backupState) {
        String token = Base64Url.encode(Ceremonies.random(32));
        Instant now = clock.instant();
        Instant expires = now.plus(config.sessionTtl());
        return pool.preparedQuery("WITH u AS (UPDATE credentials SET sign_count = $2, backup_state = $3, last_used_at = $4 "
                + "WHERE id = $1 AND (sign_count < $2 OR $2 = 0) RETURNING account_id) "
                + "INSERT INTO sessions (token_hash, account_id, credential_id, created_at, expires_at) SELECT $5, account_id, $1, $4, $6 FROM u")
                .execute(Tuple.of(credential.id, signCount, backupState, Ceremonies.utc(now), Sessions.hash(token), Ceremonies.utc(expires)))
                .map((RowSet<Row> rows) -> rows.rowCount() == 0 ? null : new Sessions.Issued(token, expires));
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
        c.signCount = r.getLong("sign_count");
        c.uvInitialized = r.getBoolean("uv_initialized");
        c.backupEligible = r.getBoolean("backup_eligible");
        c.backupState = r.getBoolean("backup_state");
        c.prfSaltId = r.getString("prf_salt_id");
        c.createdAt = r.getOffsetDateTime("c_created").toInstant();
        KeyWrap w = null;
        if (r.getString("algorithm") != null) {
            w = new KeyWrap();
            w.credentialId = credentialId;
            w.accountId = a.id;
            w.algorithm = r.getString("algorithm");
            w.ciphertext = Ceremonies.bytes(r.getValue("ciphertext"));
            w.nonce = Ceremonies.bytes(r.getValue("nonce"));
            w.saltId = r.getString("salt_id");
            w.identityKey = r.getString("w_identity");
            w.encryptionKey = r.getString("w_encryption");
            w.updatedAt = r.getOffsetDateTime("w_updated").toInstant();
        }
        return new View(a, c, w);
    }
}
