package peers.billing.invoices;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import peers.billing.BillingConfig;
import peers.billing.payments.PaymentProvider;
import peers.billing.payments.Providers;
import peers.common.problems.ProblemException;

/**
 * Collects open invoices of automatic providers. An invoice is claimed with a lease ({@code next_attempt_at}
 * pushed ten minutes ahead, under {@code FOR UPDATE SKIP LOCKED}), so replicas never attempt the same invoice
 * at once; the provider is called outside any transaction with an idempotency key per attempt, so a crash
 * after the call repeats the same attempt at the provider, not a second charge. The outcome is recorded in
 * a transaction of its own: paid (ledger, subscription active), pending (the webhook settles it) or failed
 * (retried after {@code retry-interval} until the grace period ends it).
 */
@ApplicationScoped
public class Collections {

    private static final Logger LOG = Logger.getLogger(Collections.class);
    private static final Duration LEASE = Duration.ofMinutes(10);

    private final Pool pool;
    private final Providers providers;
    private final Settlement settlement;
    private final BillingConfig config;

    public Collections(Pool pool, Providers providers, Settlement settlement, BillingConfig config) {
        this.pool = pool;
        this.providers = providers;
        this.settlement = settlement;
        this.config = config;
    }

    /** Attempts every invoice due at {@code now}; returns how many were attempted. */
    public Uni<Integer> runDue(Instant now) {
        return pool.withTransaction(conn -> conn.preparedQuery("UPDATE invoices SET next_attempt_at = $2, attempts = attempts + 1 WHERE id IN ("
                        + "SELECT id FROM invoices WHERE status = 'open' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT 50 FOR UPDATE SKIP LOCKED) RETURNING *")
                        .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), now.plus(LEASE).atOffset(ZoneOffset.UTC))))
                .chain(rows -> {
                    List<Invoice> claimed = new ArrayList<>();
                    for (Row r : rows) {
                        claimed.add(Invoice.of(r));
                    }
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Invoice inv : claimed) {
                        chain = chain.chain(() -> attempt(inv, now));
                    }
                    return chain.chain(() -> claimed.isEmpty() ? Uni.createFrom().item(0) : runDue(now).map(n -> n + claimed.size()));
                });
    }

    private Uni<Void> attempt(Invoice inv, Instant now) {
        PaymentProvider provider = providers.of(inv.provider());
        return provider.collect(inv)
                .onFailure().recoverWithItem(e -> new PaymentProvider.Attempt(PaymentProvider.Attempt.Outcome.FAILED, null, e.getMessage()))
                .chain(a -> pool.withTransaction(conn -> switch (a.outcome()) {
                    case PAID -> settlement.paid(conn, inv.id(), inv.totalMinor(), inv.currency(), a.reference(), now).replaceWithVoid()
                            .onFailure(ProblemException.class).recoverWithNull();
                    case PENDING -> conn.preparedQuery("UPDATE invoices SET provider_ref = coalesce($2, provider_ref) WHERE id = $1 AND status = 'open'")
                            .execute(Tuple.of(inv.id(), a.reference())).replaceWithVoid();
                    case FAILED -> conn.preparedQuery("UPDATE invoices SET last_error = $2, next_attempt_at = $3 WHERE id = $1 AND status = 'open'")
                            .execute(Tuple.of(inv.id(), a.error() == null ? "payment failed" : truncate(a.error()),
                                    now.plus(config.retryInterval()).atOffset(ZoneOffset.UTC))).replaceWithVoid();
                }))
                .onFailure().invoke(e -> LOG.warnf("collection of invoice %s failed: %s", inv.id(), e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private static String truncate(String s) {
        return s.length() > 500 ? s.substring(0, 500) : s;
    }
}
