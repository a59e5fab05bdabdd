package peers.billing.subscriptions;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import peers.billing.BillingConfig;
import peers.billing.BillingProblems;
import peers.billing.attribution.Attributions;
import peers.billing.entitlements.Entitlements;
import peers.billing.invoices.Invoice;
import peers.billing.invoices.InvoiceStore;
import peers.billing.invoices.Settlement;
import peers.billing.payments.PaymentProvider;
import peers.billing.payments.Providers;
import peers.billing.plans.Plan;
import peers.billing.plans.PlanCatalog;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

/**
 * A peer's subscription: subscribe, change plan (prorated), cancel at period end, resume. Each change runs
 * in the caller's transaction with the subscription row locked, issues its invoice and enqueues the peer's
 * entitlements. Renewals and grace expiry are in {@link Renewals}.
 */
@ApplicationScoped
public class SubscriptionService {

    private final Pool pool;
    private final PlanCatalog plans;
    private final Providers providers;
    private final InvoiceStore invoices;
    private final Settlement settlement;
    private final Entitlements entitlements;
    private final Attributions attributions;
    private final BillingConfig config;
    private final Clock clock;

    public SubscriptionService(Pool pool, PlanCatalog plans, Providers providers, InvoiceStore invoices, Settlement settlement,
            Entitlements entitlements, Attributions attributions, BillingConfig config, Clock clock) {
        this.pool = pool;
        this.plans = plans;
        this.providers = providers;
        this.invoices = invoices;
        this.settlement = settlement;
        this.entitlements = entitlements;
        this.attributions = attributions;
        this.config = config;
        this.clock = clock;
    }

    /** A subscription with the invoice a change produced (or null). */
    public record Changed(Subscription subscription, Invoice invoice) {
    }

    public Uni<Changed> subscribe(SqlConnection conn, PeerKey caller, String planName, String providerName) {
        Plan plan = paidPlan(planName);
        PaymentProvider provider = providers.forNew(providerName);
        Instant now = clock.instant();
        String peer = caller.toString();
        UUID id = UUID.randomUUID();
        Instant end = now.atOffset(ZoneOffset.UTC).plusMonths(plan.periodMonths()).toInstant();
        return attributions.seen(conn, peer, now)
                .chain(() -> current(conn, peer, true))
                .chain(existing -> {
                    if (existing != null) {
                        throw new ProblemException(BillingProblems.SUBSCRIPTION_EXISTS, "this key already has a " + existing.status() + " subscription to '"
                                + existing.plan() + "'; change its plan or cancel it instead").with("subscription", existing.id().toString());
                    }
                    return conn.preparedQuery("INSERT INTO subscriptions (id, peer_key, plan, status, currency, price_minor, period_months, provider, "
                                    + "period_start, period_end, grace_until, created_at, updated_at) VALUES ($1, $2, $3, 'incomplete', $4, $5, $6, $7, $8, $9, $10, $8, $8)")
                            .execute(Tuple.from(new Object[] {id, peer, plan.name(), plan.currency(), plan.priceMinor(), plan.periodMonths(), provider.name(),
                                    now.atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC), now.plus(config.gracePeriod()).atOffset(ZoneOffset.UTC)}));
                })
                .chain(() -> Credits.take(conn, peer, plan.currency(), plan.priceMinor()))
                .chain(credit -> {
                    List<Invoice.Line> lines = new ArrayList<>();
                    lines.add(new Invoice.Line("Plan " + plan.name() + ", " + plan.periodMonths() + " month(s)", plan.name(), plan.priceMinor(), now, end));
                    if (credit > 0) {
                        lines.add(new Invoice.Line("Credit applied", null, -credit, null, null));
                    }
                    return invoices.issue(conn, peer, id, "subscription", plan.currency(), provider.name(), lines, now, provider.automatic() ? now : null);
                })
                .call(inv -> "paid".equals(inv.status()) ? settlement.activate(conn, id, peer, now) : entitlements.publish(conn, peer))
                .chain(inv -> load(conn, id).map(s -> new Changed(s, inv)));
    }

    public Uni<Changed> change(SqlConnection conn, PeerKey caller, String planName) {
        Plan plan = plans.require(planName);
        if (plan.isFree()) {
            throw ProblemException.invalid("plan", "to return to the free plan, cancel the subscription: it ends at the end of the paid period");
        }
        Instant now = clock.instant();
        String peer = caller.toString();
        return requireCurrent(conn, peer).chain(s -> {
            if (!"active".equals(s.status())) {
                throw new ProblemException(BillingProblems.SUBSCRIPTION_STATE, "the subscription is " + s.status() + "; its open invoice must be paid before the plan changes")
                        .with("status", s.status());
            }
            if (s.plan().equals(plan.name())) {
                throw new ProblemException(BillingProblems.SAME_PLAN, "the subscription is already on '" + plan.name() + "'").with("field", "plan");
            }
            if (!s.currency().equals(plan.currency())) {
                throw new ProblemException(BillingProblems.CURRENCY_MISMATCH, "the subscription is billed in " + s.currency() + " and plan '" + plan.name()
                        + "' in " + plan.currency() + "; a subscription keeps its currency").with("field", "plan");
            }
            if (s.periodMonths() != plan.periodMonths()) {
                throw ProblemException.invalid("plan", "plan '" + plan.name() + "' has a period of " + plan.periodMonths() + " month(s), the subscription "
                        + s.periodMonths() + "; cancel and subscribe again to change the period length");
            }
            long credit = Proration.remaining(s.priceMinor(), s.periodStart(), s.periodEnd(), now);
            long charge = Proration.remaining(plan.priceMinor(), s.periodStart(), s.periodEnd(), now);
            long net = charge - credit;
            List<Invoice.Line> lines = new ArrayList<>();
            lines.add(new Invoice.Line("Unused time on " + s.plan(), s.plan(), -credit, now, s.periodEnd()));
            lines.add(new Invoice.Line("Remaining time on " + plan.name(), plan.name(), charge, now, s.periodEnd()));
            Uni<Void> balance;
            if (net < 0) {
                lines.add(new Invoice.Line("Credit kept for later invoices", null, -net, null, null));
                balance = Credits.add(conn, peer, s.currency(), -net);
            } else {
                balance = Credits.take(conn, peer, s.currency(), net).invoke(taken -> {
                    if (taken > 0) {
                        lines.add(new Invoice.Line("Credit applied", null, -taken, null, null));
                    }
                }).replaceWithVoid();
            }
            PaymentProvider provider = providers.of(s.provider());
            return balance
                    .chain(() -> invoices.issue(conn, peer, s.id(), "proration", s.currency(), s.provider(), lines, now, provider.automatic() ? now : null))
                    .call(inv -> conn.preparedQuery("UPDATE subscriptions SET plan = $2, price_minor = $3, cancel_at_period_end = false, updated_at = $4, "
                                    + "status = CASE WHEN $5::boolean THEN 'past_due' ELSE status END, grace_until = CASE WHEN $5::boolean THEN $6::timestamptz ELSE grace_until END WHERE id = $1")
                            .execute(Tuple.from(new Object[] {s.id(), plan.name(), plan.priceMinor(), now.atOffset(ZoneOffset.UTC), "open".equals(inv.status()),
                                    now.plus(config.gracePeriod()).atOffset(ZoneOffset.UTC)})))
                    .call(inv -> entitlements.publish(conn, peer))
                    .chain(inv -> load(conn, s.id()).map(x -> new Changed(x, inv)));
        });
    }

    /** Ends the subscription at the end of its period; one never paid ends now, its invoice voided. */
    public Uni<Changed> cancel(SqlConnection conn, PeerKey caller) {
        Instant now = clock.instant();
        String peer = caller.toString();
        return requireCurrent(conn, peer).chain(s -> {
            if ("incomplete".equals(s.status())) {
                return conn.preparedQuery("UPDATE invoices SET status = 'void', closed_at = $2, next_attempt_at = NULL WHERE subscription_id = $1 AND status = 'open'")
                        .execute(Tuple.of(s.id(), now.atOffset(ZoneOffset.UTC)))
                        .chain(() -> conn.preparedQuery("UPDATE subscriptions SET status = 'ended', ended_at = $2, updated_at = $2 WHERE id = $1")
                                .execute(Tuple.of(s.id(), now.atOffset(ZoneOffset.UTC))))
                        .chain(() -> entitlements.publish(conn, peer))
                        .chain(() -> load(conn, s.id())).map(x -> new Changed(x, null));
            }
            return conn.preparedQuery("UPDATE subscriptions SET cancel_at_period_end = true, updated_at = $2 WHERE id = $1")
                    .execute(Tuple.of(s.id(), now.atOffset(ZoneOffset.UTC)))
                    .chain(() -> entitlements.publish(conn, peer))
                    .chain(() -> load(conn, s.id())).map(x -> new Changed(x, null));
        });
    }

    /** Takes back a cancellation before the period ends. */
    public Uni<Changed> resume(SqlConnection conn, PeerKey caller) {
        Instant now = clock.instant();
        String peer = caller.toString();
        return requireCurrent(conn, peer).chain(s -> {
            if (!s.cancelAtPeriodEnd()) {
                throw new ProblemException(BillingProblems.SUBSCRIPTION_STATE, "the subscription is not canceled; nothing to resume").with("status", s.status());
            }
            return conn.preparedQuery("UPDATE subscriptions SET cancel_at_period_end = false, updated_at = $2 WHERE id = $1")
                    .execute(Tuple.of(s.id(), now.atOffset(ZoneOffset.UTC)))
                    .chain(() -> entitlements.publish(conn, peer))
                    .chain(() -> load(conn, s.id())).map(x -> new Changed(x, null));
        });
    }

    /** The caller's current subscription, or null. */
    public Uni<Subscription> mine(PeerKey caller) {
        return current(pool, caller.toString(), false);
    }

    public Uni<Long> credit(PeerKey caller, String currency) {
        return Credits.balance(pool, caller.toString(), currency);
    }

    private Plan paidPlan(String name) {
        Plan plan = plans.require(name);
        if (plan.isFree()) {
            throw ProblemException.invalid("plan", "the free plan needs no subscription; choose a paid plan");
        }
        return plan;
    }

    private Uni<Subscription> requireCurrent(SqlConnection conn, String peer) {
        return current(conn, peer, true).map(s -> {
            if (s == null) {
                throw new ProblemException(BillingProblems.NO_SUBSCRIPTION, "this key has no current subscription; subscribe first");
            }
            return s;
        });
    }

    private static Uni<Subscription> current(SqlClient sql, String peer, boolean lock) {
        return sql.preparedQuery("SELECT * FROM subscriptions WHERE peer_key = $1 AND status <> 'ended'" + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(peer)).map(rows -> rows.rowCount() == 0 ? null : Subscription.of(rows.iterator().next()));
    }

    private static Uni<Subscription> load(SqlClient sql, UUID id) {
        return sql.preparedQuery("SELECT * FROM subscriptions WHERE id = $1").execute(Tuple.of(id)).map(rows -> Subscription.of(rows.iterator().next()));
    }
}
