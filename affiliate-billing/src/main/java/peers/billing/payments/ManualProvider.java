package peers.billing.payments;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import peers.billing.invoices.Invoice;

/**
 * For self-hosted operators without a card processor: invoices stay open until an operator records their
 * payment ({@code POST /billing/v1/operator/invoices/{id}/payments}); refunds are paid out by the operator
 * and recorded through the operator API.
 */
@ApplicationScoped
public class ManualProvider implements PaymentProvider {

    public static final String NAME = "manual";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean automatic() {
        return false;
    }

    @Override
    public Uni<Attempt> collect(Invoice invoice) {
        return Uni.createFrom().item(new Attempt(Attempt.Outcome.PENDING, null, null));
    }

    @Override
    public Uni<String> refund(Invoice invoice, long amountMinor, String idempotencyKey) {
        return Uni.createFrom().nullItem();
    }
}
