package peers.backup.repos;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import peers.backup.BackupConfig;
import peers.backup.BackupProblems;
import peers.common.config.Secret;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

/**
 * restic tokens: HTTP Basic credentials for one repository, issued and revoked by its owner with signed
 * requests. The user name is the token id; the password is 256 random bits, shown once and stored as its
 * SHA-256 (a slow password hash buys nothing for a secret that cannot be guessed, and would cost a hash
 * per restic request).
 */
@ApplicationScoped
public class TokenService {

    /** How a token may be used. */
    public enum Mode {
        READ_WRITE("read-write"), APPEND_ONLY("append-only");

        public final String text;

        Mode(String text) {
            this.text = text;
        }

        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.text.equals(s)) {
                    return m;
                }
            }
            return null;
        }
    }

    public record Token(String id, String repo, Mode mode, String label, Instant createdAt, Instant revokedAt) {
    }

    public record Issued(Token token, Secret<String> secret) {
    }

    /** What an authenticated restic request may do, and whose quota it uses. */
    public record Grant(String repo, String owner, Mode mode, String tokenId) {
    }

    private final Pool pool;
    private final Access access;
    private final BackupConfig config;
    private final Clock clock;

    public TokenService(Pool pool, Access access, BackupConfig config, Clock clock) {
        this.pool = pool;
        this.access = access;
        this.config = config;
        this.clock = clock;
    }

    public Uni<Issued> issue(PeerKey owner, String repo, String modeText, String label) {
        Mode mode = Mode.parse(modeText == null ? "read-write" : modeText);
        if (mode == null) {
            throw ProblemException.invalid("mode", "mode must be 'read-write' or 'append-only'");
        }
        if (label != null && label.length() > 128) {
            throw ProblemException.invalid("label", "label is at most 128 characters");
        }
        String id = Ids.random();
        String secret = Base64Url.encode(Ids.randomBytes(32));
        Instant now = clock.instant();
        return pool.withTransaction(conn -> access.requireOwner(conn, repo, owner, true)
                .chain(() -> conn.preparedQuery("SELECT count(*) AS n FROM tokens WHERE repo_id = $1 AND revoked_at IS NULL").execute(Tuple.of(repo)))
                .chain(rows -> {
                    if (rows.iterator().next().getLong("n") >= config.maxTokens()) {
                        throw new ProblemException(BackupProblems.TOKEN_LIMIT, "a repository has at most " + config.maxTokens() + " live tokens; revoke one")
                                .with("limit", "backup.max-tokens");
                    }
                    return conn.preparedQuery("INSERT INTO tokens (id, repo_id, secret_hash, mode, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                            .execute(Tuple.from(new Object[] {id, repo, Buffer.buffer(hash(secret)), mode.text, label, now.atOffset(ZoneOffset.UTC)}));
                }))
                .map(x -> new Issued(new Token(id, repo, mode, label, now, null), Secret.of(secret)));
    }

    public Uni<List<Token>> list(PeerKey owner, String repo) {
        return pool.withConnection(conn -> access.requireOwner(conn, repo, owner, false)
                .chain(() -> conn.preparedQuery("SELECT id, mode, label, created_at, revoked_at FROM tokens WHERE repo_id = $1 ORDER BY created_at, id")
                        .execute(Tuple.of(repo)))
                .map(rows -> {
                    List<Token> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Token(r.getString("id"), repo, Mode.parse(r.getString("mode")), r.getString("label"),
                                r.getOffsetDateTime("created_at").toInstant(),
                                r.getOffsetDateTime("revoked_at") == null ? null : r.getOffsetDateTime("revoked_at").toInstant()));
                    }
                    return out;
                }));
    }

    /** Revokes a token: the next restic request with it is refused, on every replica. */
    public Uni<Void> revoke(PeerKey owner, String repo, String tokenId) {
        Ids.checkRandom("token", tokenId);
        return pool.withTransaction(conn -> access.requireOwner(conn, repo, owner, false)
                .chain(() -> conn.preparedQuery("UPDATE tokens SET revoked_at = coalesce(revoked_at, $3) WHERE id = $1 AND repo_id = $2")
                        .execute(Tuple.of(tokenId, repo, clock.instant().atOffset(ZoneOffset.UTC))))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new ProblemException(BackupProblems.TOKEN_UNKNOWN, "repository '" + repo + "' has no token '" + tokenId + "'");
                    }
                    return null;
                }));
    }

    /** The grant of valid credentials for {@code repo}, or null (unknown, revoked, wrong secret, other repository). */
    public Uni<Grant> authenticate(String repo, String tokenId, String secret) {
        if (tokenId == null || secret == null || tokenId.length() != 22 || secret.length() > 128) {
            return Uni.createFrom().nullItem();
        }
        return pool.preparedQuery("SELECT t.secret_hash, t.mode, r.owner_key FROM tokens t JOIN repositories r ON r.id = t.repo_id "
                        + "WHERE t.id = $1 AND t.repo_id = $2 AND t.revoked_at IS NULL")
                .execute(Tuple.of(tokenId, repo))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    byte[] stored = r.getBuffer("secret_hash").getBytes();
                    if (!MessageDigest.isEqual(stored, hash(secret))) {
                        return null;
                    }
                    return new Grant(repo, r.getString("owner_key"), Mode.parse(r.getString("mode")), tokenId);
                });
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
