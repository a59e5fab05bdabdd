package peers.common.signatures;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jboss.logging.Logger;
import peers.common.identity.PeerKey;

/**
 * Remembers signature nonces in PostgreSQL, so a replayed request is refused by every replica.
 * A nonce is kept only while a signature carrying it could still pass the time checks.
 */
@ApplicationScoped
public class NonceStore {

    private static final Logger LOG = Logger.getLogger(NonceStore.class);

    private final Pool pool;
    private final Clock clock;

    public NonceStore(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    /** True when the nonce was unseen for this key (and is now recorded); false for a replay. */
    public Uni<Boolean> claim(PeerKey key, String nonce, java.time.Instant keepUntil) {
        return pool.preparedQuery("INSERT INTO peers_nonces (key_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(key.toString(), nonce, OffsetDateTime.ofInstant(keepUntil, ZoneOffset.UTC)))
                .map(rows -> rows.rowCount() == 1);
    }

    @Scheduled(every = "${peers.signatures.nonce-cleanup-interval:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purgeExpired() {
        return pool.preparedQuery("DELETE FROM peers_nonces WHERE expires_at < $1")
                .execute(Tuple.of(OffsetDateTime.now(clock)))
                .onItem().invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        LOG.debugf("purged %d expired nonces", rows.rowCount());
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("nonce purge failed: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
