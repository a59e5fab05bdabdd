package peers.auth.webauthn;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import peers.auth.AuthConfig;
import peers.auth.AuthProblems;
import peers.common.identity.Base64Url;
import peers.common.problems.ProblemException;

/**
 * Pending ceremonies in PostgreSQL: any replica can finish a ceremony another one started. A
 * challenge is consumed before the response is verified, in its own transaction, so it is used at
 * most once even when the verification fails or two replicas race on it.
 */
@ApplicationScoped
public class Ceremonies {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final AuthConfig config;

    public Ceremonies(Clock clock, AuthConfig config) {
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
        return Panache.withTransaction(() -> c.<Ceremony>persist());
    }

    /**
     * Marks the ceremony used and returns it; refuses an unknown one (or one of another kind), a used
     * one and an expired one. Runs in its own transaction: the challenge is spent whatever follows.
     */
    public Uni<Ceremony> consume(String id, String kind) {
        if (id == null || !id.matches("[A-Za-z0-9_-]{22}")) {
            throw ProblemException.invalid("ceremonyId", "ceremonyId is the 22-character id returned with the options");
        }
        Instant now = clock.instant();
        return Panache.withTransaction(() -> Ceremony.<Ceremony>findById(id).chain(c -> {
            if (c == null || !c.kind.equals(kind)) {
                throw new ProblemException(AuthProblems.CEREMONY_UNKNOWN, "no " + kind + " ceremony has the id '" + id + "'; request new options");
            }
            return Ceremony.update("usedAt = ?1 where id = ?2 and usedAt is null", now, id).map(n -> {
                if (n == 0) {
                    throw new ProblemException(AuthProblems.CEREMONY_USED, "the challenge of ceremony '" + id
                            + "' was already used; each challenge is good for one response: request new options");
                }
                if (!now.isBefore(c.expiresAt)) {
                    throw new ProblemException(AuthProblems.CEREMONY_EXPIRED, "the challenge of ceremony '" + id + "' expired at " + c.expiresAt
                            + " (it lasts " + config.ceremonyTtl().toSeconds() + " s); request new options");
                }
                return c;
            });
        }));
    }

    /** Forgets ceremonies an hour after they expired (used or not). */
    @Scheduled(every = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        Instant cutoff = clock.instant().minus(Duration.ofHours(1));
        return Panache.withTransaction(() -> Ceremony.delete("expiresAt < ?1", cutoff)).replaceWithVoid();
    }
}
