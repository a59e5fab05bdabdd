package peers.auth.sessions;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import peers.auth.AuthConfig;
import peers.auth.AuthProblems;
import peers.auth.webauthn.Ceremonies;
import peers.common.identity.Base64Url;
import peers.common.problems.ProblemException;

/**
 * Login sessions: an opaque random bearer token (256 bits), of which only the SHA-256 is stored, so a
 * database copy yields no usable token. A session expires after {@code peers.auth.session-ttl} and is
 * revoked by logout, by removing its passkey and by deleting the account.
 */
@ApplicationScoped
public class Sessions {

    private final Clock clock;
    private final AuthConfig config;

    public Sessions(Clock clock, AuthConfig config) {
        this.clock = clock;
        this.config = config;
    }

    /** An issued session: the token is returned once and never stored. */
    public record Issued(String token, Instant expiresAt) {
    }

    /** Creates a session in the caller's transaction. */
    public Uni<Issued> issue(String accountId, String credentialId) {
        String token = Base64Url.encode(Ceremonies.random(32));
        Session s = new Session();
        s.tokenHash = hash(token);
        s.accountId = accountId;
        s.credentialId = credentialId;
        s.createdAt = clock.instant();
        s.expiresAt = s.createdAt.plus(config.sessionTtl());
        return s.persist().replaceWith(new Issued(token, s.expiresAt));
    }

    /** The live session of an {@code Authorization: Bearer} header; 401 otherwise. Call within a session scope. */
    public Uni<Session> require(String authorization) {
        String token = token(authorization);
        return Session.<Session>findById(hash(token)).map(s -> {
            if (s == null || s.revokedAt != null) {
                throw new ProblemException(AuthProblems.SESSION_INVALID, "the session token is unknown or was revoked; log in again");
            }
            if (!clock.instant().isBefore(s.expiresAt)) {
                throw new ProblemException(AuthProblems.SESSION_EXPIRED, "the session expired at " + s.expiresAt + "; log in again");
            }
            return s;
        });
    }

    public Uni<Void> revoke(Session s) {
        return Session.update("revokedAt = ?1 where tokenHash = ?2 and revokedAt is null", clock.instant(), s.tokenHash).replaceWithVoid();
    }

    public Uni<Void> revokeCredential(String credentialId) {
        return Session.update("revokedAt = ?1 where credentialId = ?2 and revokedAt is null", clock.instant(), credentialId).replaceWithVoid();
    }

    /** Forgets sessions a day after they expired. */
    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        Instant cutoff = clock.instant().minus(Duration.ofDays(1));
        return Panache.withTransaction(() -> Session.delete("expiresAt < ?1", cutoff)).replaceWithVoid();
    }

    public static String token(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new ProblemException(AuthProblems.SESSION_REQUIRED, "send the session token from the login as 'Authorization: Bearer <token>'");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || !authorization.substring(7).trim().matches("[A-Za-z0-9_-]{43}")) {
            throw new ProblemException(AuthProblems.SESSION_INVALID, "the Authorization header must be 'Bearer <43-character session token>'");
        }
        return authorization.substring(7).trim();
    }

    public static String hash(String token) {
        try {
            return Base64Url.encode(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
