package peers.billing.invoices;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import peers.billing.BillingConfig;
import peers.billing.BillingProblems;
import peers.billing.entitlements.Entitlements;
import peers.billing.ledger.Ledger;
import peers.billing.ledger.Postings;
import peers.common.problems.ProblemException;

/**
 * Money arriving and leaving for an invoice, each in the caller's transaction with its ledger transaction
 * and its consequences: a payment activates the subscription (and publishes its entitlements); a refund or
 * chargeback posts the reversing entries. Checks come first, so refused input leaves the ledger untouched.
 */
@ApplicationScoped
public class Settlement {

    private final InvoiceStore invoices;
    private final Ledger ledger;
    private final Entitlements entitlements;
    private final BillingConfig config;

    public Settlement(InvoiceStore invoices, Ledger ledger, Entitlements entitlements, BillingConfig config) {
        this.invoices = invoices;
        this.ledger = ledger;
        this.entitlements = entitlements;
        this.config = config;
    }

    /** Records the payment of an open invoice in full. */
    public Uni<Invoice> paid(SqlConnection conn, UUID invoiceId, long amount, String currency, String providerRef, Instant now) {
        return invoices.lock(conn, invoiceId).chain(inv -> {
            if (!"open".equals(inv.status())) {
                throw new ProblemException(BillingProblems.INVOICE_STATE, "invoice " + inv.id() + " is " + inv.status() + "; only an open invoice can be paid")
                        .with("status", inv.status());
            }
            checkCurrency(inv, currency);
            if (amount != inv.totalMinor()) {
                throw new ProblemException(BillingProblems.AMOUNT_INVALID, "invoice " + inv.id() + " is paid in full: amount must be "
                        + inv.totalMinor() + " " + inv.currency() + "; got " + amount).with("field", "amount");
            }
            return conn.preparedQuery("SELECT a.app_id, coalesce(p.share_bps, $2) AS bps FROM attributions a JOIN apps p ON p.id = a.app_id WHERE a.peer_key = $1")
                    .execute(Tuple.of(inv.peer(), config.defaultShareBps()))
                    .chain(rows -> {
                        String app = rows.rowCount() == 0 ? null : rows.iterator().next().getString("app_id");
                        int bps = rows.rowCount() == 0 ? 0 : rows.iterator().next().getInteger("bps");
                        return conn.preparedQuery("UPDATE invoices SET status = 'paid', paid_at = $2, app_id = $3, share_bps = $4, next_attempt_at = NULL, "
                                        + "provider_ref = coalesce($5, provider_ref) WHERE id = $1 RETURNING *")
                                .execute(Tuple.of(inv.id(), now.atOffset(ZoneOffset.UTC), app, bps, providerRef))
                                .map(r -> Invoice.of(r.iterator().next()));
                    })
                    .call(p -> ledger.post(conn, Ledger.Kind.PAYMENT, p.id(), providerRef, "payment of invoice " + p.number(),
                            Postings.payment(p.provider(), p.currency(), p.totalMinor(), p.appId(), p.shareBps()), now))
                    .call(p -> activate(conn, p.subscriptionId(), p.peer(), now));
        });
    }

    /** A subscription whose invoices are all settled is active again and keeps its plan. */
    public Uni<Void> activate(SqlConnection conn, UUID subscriptionId, String peer, Instant now) {
        return conn.preparedQuery("UPDATE subscriptions s SET status = 'active', grace_until = NULL, updated_at = $2 WHERE s.id = $1 "
                        + "AND s.status IN ('incomplete', 'past_due') AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.subscription_id = s.id AND i.status = 'open')")
                .execute(Tuple.of(subscriptionId, now.atOffset(ZoneOffset.UTC)))
                .chain(() -> entitlements.publish(conn, peer));
    }

    /**
     * Records a refund or chargeback of {@code amount} of a paid invoice. With an {@code externalRef} (the
     * provider's refund or dispute id) a repeated report of the same reversal is recognized and changes nothing.
     */
    public Uni<Invoice> reverse(SqlConnection conn, UUID invoiceId, Ledger.Kind kind, long amount, String currency, String externalRef, Instant now) {
        return invoices.lock(conn, invoiceId).chain(inv -> {
            if (!"paid".equals(inv.status())) {
                throw new ProblemException(BillingProblems.INVOICE_STATE, "invoice " + inv.id() + " is " + inv.status() + "; only a paid invoice can be refunded or charged back")
                        .with("status", inv.status());
            }
            checkCurrency(inv, currency);
            long net = inv.totalMinor() - inv.reversedMinor();
            if (amount <= 0 || amount > net) {
                throw new ProblemException(BillingProblems.AMOUNT_INVALID, "amount must be between 1 and " + net + " " + inv.currency()
                        + " (what was paid and not yet given back); got " + amount).with("field", "amount");
            }
            Uni<Boolean> known = externalRef == null ? Uni.createFrom().item(false)
                    : conn.preparedQuery("SELECT 1 FROM ledger_transactions WHERE kind = $1 AND external_ref = $2").execute(Tuple.of(kind.text(), externalRef))
                            .map(rows -> rows.rowCount() > 0);
            return known.chain(seen -> {
                if (seen) {
                    return Uni.createFrom().item(inv);
                }
                return ledger.post(conn, kind, inv.id(), externalRef, kind.text() + " of invoice " + inv.number(),
                                Postings.reversal(inv.provider(), inv.currency(), net, amount, inv.appId(), inv.shareBps()), now)
                        .chain(() -> conn.preparedQuery("UPDATE invoices SET reversed_minor = reversed_minor + $2 WHERE id = $1 RETURNING *")
                                .execute(Tuple.of(inv.id(), amount)))
                        .map(rows -> Invoice.of(rows.iterator().next()));
            });
        });
    }

    /** Voids an open invoice (an operator's decision); an unpaid first invoice ends its subscription. */
    public Uni<Invoice> voidOpen(SqlConnection conn, UUID invoiceId, Instant now) {
        return invoices.lock(conn, invoiceId).chain(inv -> {
            if (!"open".equals(inv.status())) {
                throw new ProblemException(BillingProblems.INVOICE_STATE, "invoice " + inv.id() + " is " + inv.status() + "; only an open invoice can be voided")
                        .with("status", inv.status());
            }
            return close(conn, inv, "void", now)
                    .call(v -> conn.preparedQuery("UPDATE subscriptions SET status = 'ended', ended_at = $2, updated_at = $2 WHERE id = $1 AND status = 'incomplete'")
                            .execute(Tuple.of(inv.subscriptionId(), now.atOffset(ZoneOffset.UTC))))
                    .call(v -> activate(conn, v.subscriptionId(), v.peer(), now));
        });
    }

    /** Closes an open invoice as {@code void} or {@code uncollectible}. */
    public Uni<Invoice> close(SqlConnection conn, Invoice inv, String status, Instant now) {
        return conn.preparedQuery("UPDATE invoices SET status = $2, closed_at = $3, next_attempt_at = NULL WHERE id = $1 AND status = 'open' RETURNING *")
                .execute(Tuple.of(inv.id(), status, now.atOffset(ZoneOffset.UTC)))
                .map(rows -> Invoice.of(rows.iterator().next()));
    }

    private static void checkCurrency(Invoice inv, String currency) {
        if (currency == null || !currency.equals(inv.currency())) {
            throw new ProblemException(BillingProblems.CURRENCY_MISMATCH, "invoice " + inv.id() + " is in " + inv.currency() + "; got " + currency)
                    .with("field", "currency");
        }
    }
}
