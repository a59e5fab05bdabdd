package peers.billing.payments;

import io.smallrye.mutiny.Uni;
import peers.billing.invoices.Invoice;

/**
 * How money is collected for invoices and given back. Implementations: {@link ManualProvider} (an operator
 * records payments, e.g. bank transfers, through the operator API) and {@link StripeProvider}.
 */
public interface PaymentProvider {

    /** The name stored with subscriptions, invoices and ledger accounts ({@code cash:<name>}). */
    String name();

    /** Whether the provider collects open invoices by itself; when not, invoices wait for an operator. */
    boolean automatic();

    /** The outcome of one collection attempt. */
    record Attempt(Outcome outcome, String reference, String error) {
        public enum Outcome { PAID, PENDING, FAILED }
    }

    /** Tries to collect an open invoice (called outside database transactions; may block, runs on a worker thread). */
    Uni<Attempt> collect(Invoice invoice);

    /** Gives back {@code amountMinor} of a paid invoice; returns the provider's reference of the refund (or null). */
    Uni<String> refund(Invoice invoice, long amountMinor, String idempotencyKey);
}
