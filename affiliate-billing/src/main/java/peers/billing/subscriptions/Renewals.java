package peers.billing.subscriptions;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import peers.billing.BillingConfig;
import peers.billing.entitlements.Entitlements;
import peers.billing.invoices.Invoice;
import peers.billing.invoices.InvoiceStore;
import peers.billing.payments.PaymentProvider;
import peers.billing.payments.Providers;

/**
 * Period ends and grace ends, processed in batches. Each batch is one transaction over rows taken with
 * {@code FOR UPDATE SKIP LOCKED}: any number of replicas may run this at once, each subscription is handled
 * by exactly one of them, and a crash rolls its batch back for the next run.
 *
 * <ul>
 *   <li>A subscription set to cancel ends at its period end (entitlements: free).
 *   <li>Otherwise the period advances and a renewal invoice is issued; until it is paid the subscription is
 *       {@code past_due} and keeps its plan to the grace end.
 *   <li>A subscription still unpaid at its grace end ends: a never-paid first invoice is voided, a renewal
 *       invoice becomes uncollectible, and the peer is back on free.
 * </ul>
 */
@ApplicationScoped
public class Renewals {

    private final Pool pool;
    private final InvoiceStore invoices;
    private final Entitlements entitlements;
    private final Providers providers;
    private final BillingConfig config;

    public Renewals(Pool pool, InvoiceStore invoices, Entitlements entitlements, Providers providers, BillingConfig config) {
        this.pool = pool;
        this.invoices = invoices;
        this.entitlements = entitlements;
        this.providers = providers;
        this.config = config;
    }

    /** What one run did. */
    public record Run(int renewed, int ended, int expired) {
        Run plus(Run o) {
            return new Run(renewed + o.renewed, ended + o.ended, expired + o.expired);
        }
    }

    /** Processes everything due at {@code now}, batch by batch, until nothing is left. */
    public Uni<Run> runDue(Instant now) {
        return expireBatch(now).chain(expired -> renewBatch(now).map(r -> new Run(r.renewed(), r.ended(), expired)))
                .chain(run -> run.renewed() + run.ended() + run.expired() == 0 ? Uni.createFrom().item(run) : runDue(now).map(run::plus));
    }

    private Uni<Integer> expireBatch(Instant now) {
        return pool.withTransaction(conn -> conn
                .preparedQuery("SELECT * FROM subscriptions WHERE status IN ('incomplete', 'past_due') AND grace_until <= $1 "
                        + "ORDER BY grace_until LIMIT $2 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), config.renewalBatchSize()))
                .chain(rows -> {
                    List<Subscription> due = all(rows);
                    return pipelined(due.stream().map(s -> expire(conn, s, now)).toList()).replaceWith(due.size());
                }));
    }

    private Uni<Void> expire(SqlConnection conn, Subscription s, Instant now) {
        String closeAs = "incomplete".equals(s.status()) ? "void" : "uncollectible";
        return conn.preparedQuery("UPDATE invoices SET status = $2, closed_at = $3, next_attempt_at = NULL WHERE subscription_id = $1 AND status = 'open'")
                .execute(Tuple.of(s.id(), closeAs, now.atOffset(ZoneOffset.UTC)))
                .chain(() -> end(conn, s, now));
    }

    private Uni<Void> end(SqlConnection conn, Subscription s, Instant now) {
        return conn.preparedQuery("UPDATE subscriptions SET status = 'ended', ended_at = $2, updated_at = $2 WHERE id = $1")
                .execute(Tuple.of(s.id(), now.atOffset(ZoneOffset.UTC)))
                .chain(() -> entitlements.publish(conn, s.peer()));
    }

    private Uni<Run> renewBatch(Instant now) {
        return pool.withTransaction(conn -> conn
                .preparedQuery("SELECT * FROM subscriptions WHERE status = 'active' AND period_end <= $1 ORDER BY period_end LIMIT $2 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), config.renewalBatchSize()))
                .chain(rows -> {
                    List<Subscription> due = all(rows);
                    int ended = (int) due.stream().filter(Subscription::cancelAtPeriodEnd).count();
                    return pipelined(due.stream().map(s -> s.cancelAtPeriodEnd() ? end(conn, s, now) : renew(conn, s, now)).toList())
                            .map(v -> new Run(due.size() - ended, ended, 0));
                }));
    }

    private Uni<Void> renew(SqlConnection conn, Subscription s, Instant now) {
        Instant start = s.periodEnd();
        Instant end = start.atOffset(ZoneOffset.UTC).plusMonths(s.periodMonths()).toInstant();
        PaymentProvider provider = providers.of(s.provider());
        return Credits.take(conn, s.peer(), s.currency(), s.priceMinor())
                .chain(credit -> {
                    List<Invoice.Line> lines = new ArrayList<>(2);
                    lines.add(new Invoice.Line("Plan " + s.plan() + ", " + s.periodMonths() + " month(s)", s.plan(), s.priceMinor(), start, end));
                    if (credit > 0) {
                        lines.add(new Invoice.Line("Credit applied", null, -credit, null, null));
                    }
                    return invoices.issue(conn, s.peer(), s.id(), "renewal", s.currency(), s.provider(), lines, now, provider.automatic() ? now : null);
                })
                .chain(inv -> {
                    boolean unpaid = "open".equals(inv.status());
                    return conn.preparedQuery("UPDATE subscriptions SET period_start = $2, period_end = $3, updated_at = $4, "
                                    + "status = CASE WHEN $5::boolean THEN 'past_due' ELSE 'active' END, grace_until = CASE WHEN $5::boolean THEN $6::timestamptz END WHERE id = $1")
                            .execute(Tuple.from(new Object[] {s.id(), start.atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC),
                                    unpaid, start.plus(config.gracePeriod()).atOffset(ZoneOffset.UTC)}));
                })
                .chain(() -> entitlements.publish(conn, s.peer()));
    }

    /**
     * Runs the subscriptions' steps side by side on the batch's one connection: the PostgreSQL client pipelines
     * their statements instead of waiting for each answer, inside the one transaction. The rows are distinct
     * (each subscription, its credit row and its new invoice), so the order between them does not matter.
     */
    static Uni<Void> pipelined(List<Uni<Void>> steps) {
        return steps.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(steps).andFailFast().replaceWithVoid();
    }

    private static List<Subscription> all(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Subscription> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(Subscription.of(r));
        }
        return out;
    }
}
