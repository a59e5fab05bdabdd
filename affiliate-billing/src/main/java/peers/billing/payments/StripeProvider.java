package peers.billing.payments;

import com.stripe.StripeClient;
import com.stripe.exception.CardException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.SetupIntent;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.SetupIntentCreateParams;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jboss.logging.Logger;
import peers.billing.BillingConfig;
import peers.billing.BillingProblems;
import peers.billing.invoices.Invoice;
import peers.common.config.Secret;
import peers.common.problems.ProblemException;

/**
 * Stripe through Stripe's own Java client: one Stripe customer per peer key, a payment method saved with a
 * SetupIntent (confirmed by the user's client with Stripe.js), invoices charged off-session with a
 * PaymentIntent per attempt (Stripe idempotency key {@code invoice-<id>-<attempt>}), refunds with Refunds.
 * Outcomes that arrive later (3-D Secure, disputes, refunds made in Stripe's dashboard) come through
 * {@link StripeWebhooks}. Calls block, so they run on worker threads.
 */
@ApplicationScoped
public class StripeProvider implements PaymentProvider {

    public static final String NAME = "stripe";
    private static final Logger LOG = Logger.getLogger(StripeProvider.class);

    private final StripeClient client;
    private final Pool pool;
    private final Clock clock;

    public StripeProvider(BillingConfig config, Pool pool, Clock clock) {
        Secret<String> key = Secret.of(config.stripe().apiKey().orElse("sk_unset"));
        this.client = StripeClient.builder().setApiKey(key.reveal()).setApiBase(config.stripe().apiBase())
                .setMaxNetworkRetries(config.stripe().maxNetworkRetries()).setConnectTimeout(10_000).setReadTimeout(30_000).build();
        this.pool = pool;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean automatic() {
        return true;
    }

    /** Starts saving a payment method for the peer: returns the SetupIntent's client secret for Stripe.js. */
    public Uni<String> setup(String peer) {
        return customer(peer).chain(customer -> blocking(() -> {
            SetupIntent si = client.setupIntents().create(SetupIntentCreateParams.builder().setCustomer(customer)
                    .setUsage(SetupIntentCreateParams.Usage.OFF_SESSION).putMetadata("peer", peer).build());
            return si.getClientSecret();
        }));
    }

    @Override
    public Uni<Attempt> collect(Invoice inv) {
        return pool.preparedQuery("SELECT customer_id, payment_method FROM stripe_customers WHERE peer_key = $1").execute(Tuple.of(inv.peer()))
                .chain(rows -> {
                    if (rows.rowCount() == 0 || rows.iterator().next().getString("payment_method") == null) {
                        return Uni.createFrom().item(new Attempt(Attempt.Outcome.FAILED, null, "no payment method saved; set one up with POST /billing/v1/payment-methods/stripe"));
                    }
                    String customer = rows.iterator().next().getString("customer_id");
                    String method = rows.iterator().next().getString("payment_method");
                    return blocking(() -> {
                        try {
                            PaymentIntent pi = client.paymentIntents().create(PaymentIntentCreateParams.builder()
                                            .setAmount(inv.totalMinor()).setCurrency(inv.currency().toLowerCase(Locale.ROOT))
                                            .setCustomer(customer).setPaymentMethod(method).setConfirm(true).setOffSession(true)
                                            .setDescription("Peers invoice " + inv.number())
                                            .putMetadata("invoice", inv.id().toString()).putMetadata("peer", inv.peer()).build(),
                                    RequestOptions.builder().setIdempotencyKey("invoice-" + inv.id() + "-" + inv.attempts()).build());
                            return switch (pi.getStatus()) {
                                case "succeeded" -> new Attempt(Attempt.Outcome.PAID, pi.getId(), null);
                                case "processing", "requires_action", "requires_confirmation" -> new Attempt(Attempt.Outcome.PENDING, pi.getId(), null);
                                default -> new Attempt(Attempt.Outcome.FAILED, pi.getId(), "payment " + pi.getStatus());
                            };
                        } catch (CardException e) {
                            return new Attempt(Attempt.Outcome.FAILED, null, "card declined: " + e.getCode());
                        }
                    });
                });
    }

    @Override
    public Uni<String> refund(Invoice inv, long amountMinor, String idempotencyKey) {
        if (inv.providerRef() == null) {
            return Uni.createFrom().failure(new ProblemException(BillingProblems.PROVIDER_FAILED, "invoice " + inv.id() + " has no Stripe payment to refund"));
        }
        return blocking(() -> {
            Refund r = client.refunds().create(RefundCreateParams.builder().setPaymentIntent(inv.providerRef()).setAmount(amountMinor)
                    .putMetadata("invoice", inv.id().toString()).build(), RequestOptions.builder().setIdempotencyKey("refund-" + idempotencyKey).build());
            return r.getId();
        });
    }

    private Uni<String> customer(String peer) {
        return pool.preparedQuery("SELECT customer_id FROM stripe_customers WHERE peer_key = $1").execute(Tuple.of(peer)).chain(rows -> {
            if (rows.rowCount() > 0) {
                return Uni.createFrom().item(rows.iterator().next().getString("customer_id"));
            }
            return blocking(() -> {
                Customer c = client.customers().create(CustomerCreateParams.builder().putMetadata("peer", peer).build(),
                        RequestOptions.builder().setIdempotencyKey("customer-" + peer).build());
                return c.getId();
            }).chain(id -> pool.preparedQuery("INSERT INTO stripe_customers (peer_key, customer_id, updated_at) VALUES ($1, $2, $3) "
                            + "ON CONFLICT (peer_key) DO UPDATE SET updated_at = EXCLUDED.updated_at RETURNING customer_id")
                    .execute(Tuple.of(peer, id, clock.instant().atOffset(ZoneOffset.UTC)))
                    .map(r -> r.iterator().next().getString("customer_id")));
        });
    }

    private <T> Uni<T> blocking(Callable<T> call) {
        return Uni.createFrom().item(() -> {
            try {
                return call.call();
            } catch (StripeException e) {
                LOG.warnf("Stripe call failed: %s (request %s)", e.getMessage(), e.getRequestId());
                throw new ProblemException(BillingProblems.PROVIDER_FAILED, "Stripe refused or failed the request: " + e.getMessage());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
