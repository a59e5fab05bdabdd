package peers.billing.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;
import peers.billing.BillingConfig;
import peers.billing.BillingProblems;
import peers.billing.invoices.Invoice;
import peers.billing.invoices.Settlement;
import peers.billing.ledger.Ledger;
import peers.common.problems.ProblemException;

/**
 * Stripe's webhook events. The {@code Stripe-Signature} header is verified by Stripe's client (HMAC-SHA256
 * with the endpoint secret over {@code <t>.<payload>}, at most {@code webhook-tolerance} old) before anything
 * is parsed; each event is applied once, in one transaction with its effect, keyed by Stripe's event id.
 *
 * <p>Handled: {@code payment_intent.succeeded} (invoice paid), {@code payment_intent.payment_failed}
 * (retry later), {@code charge.refunded} (refunds made anywhere, e.g. Stripe's dashboard: the ledger
 * catches up to the charge's refunded total), {@code charge.dispute.created} (chargeback), {@code
 * setup_intent.succeeded} (saved payment method; open invoices are retried now). Others are acknowledged.
 */
@ApplicationScoped
public class StripeWebhooks {

    private static final Logger LOG = Logger.getLogger(StripeWebhooks.class);

    private final Pool pool;
    private final ObjectMapper json;
    private final Settlement settlement;
    private final BillingConfig config;
    private final Clock clock;

    public StripeWebhooks(Pool pool, ObjectMapper json, Settlement settlement, BillingConfig config, Clock clock) {
        this.pool = pool;
        this.json = json;
        this.settlement = settlement;
        this.config = config;
        this.clock = clock;
    }

    /** The answer to Stripe: whether the event was applied now or had been already. */
    public record Receipt(String id, String type, boolean duplicate) {
    }

    public Uni<Receipt> handle(String payload, String signatureHeader) {
        String secret = config.stripe().webhookSecret().orElseThrow(() -> new ProblemException(BillingProblems.PROVIDER_UNAVAILABLE, "Stripe is not configured here"));
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new ProblemException(BillingProblems.WEBHOOK_SIGNATURE, "the Stripe-Signature header is missing");
        }
        try {
            Webhook.Signature.verifyHeader(payload, signatureHeader, secret, config.stripe().webhookTolerance().toSeconds(), clock);
        } catch (SignatureVerificationException e) {
            throw new ProblemException(BillingProblems.WEBHOOK_SIGNATURE, "Stripe-Signature does not verify: " + e.getMessage());
        }
        JsonNode event;
        try {
            event = json.readTree(payload);
        } catch (Exception e) {
            throw new ProblemException(peers.common.problems.ProblemType.MALFORMED_REQUEST, "the event is not JSON");
        }
        String id = event.path("id").asText("");
        String type = event.path("type").asText("");
        JsonNode object = event.path("data").path("object");
        if (id.isEmpty() || type.isEmpty() || !object.isObject()) {
            throw ProblemException.invalid("event", "a Stripe event has an id, a type and data.object");
        }
        Instant now = clock.instant();
        return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(id, type, now.atOffset(ZoneOffset.UTC)))
                .chain(rows -> rows.rowCount() == 0
                        ? Uni.createFrom().item(new Receipt(id, type, true))
                        : apply(conn, type, object, now).replaceWith(new Receipt(id, type, false))));
    }

    private Uni<Void> apply(SqlConnection conn, String type, JsonNode o, Instant now) {
        return switch (type) {
            case "payment_intent.succeeded" -> invoiceOf(conn, o.path("id").asText(), o.path("metadata").path("invoice").asText(null)).chain(inv -> {
                if (inv == null || !"open".equals(inv.status())) {
                    return Uni.createFrom().voidItem(); // settled already (synchronously) or not ours
                }
                return settlement.paid(conn, inv.id(), o.path("amount_received").asLong(), o.path("currency").asText("").toUpperCase(Locale.ROOT),
                        o.path("id").asText(), now).replaceWithVoid();
            });
            case "payment_intent.payment_failed" -> invoiceOf(conn, o.path("id").asText(), o.path("metadata").path("invoice").asText(null)).chain(inv -> {
                if (inv == null || !"open".equals(inv.status())) {
                    return Uni.createFrom().voidItem();
                }
                String reason = o.path("last_payment_error").path("message").asText("payment failed");
                return conn.preparedQuery("UPDATE invoices SET last_error = $2, next_attempt_at = $3 WHERE id = $1 AND status = 'open'")
                        .execute(Tuple.of(inv.id(), reason.length() > 500 ? reason.substring(0, 500) : reason,
                                now.plus(config.retryInterval()).atOffset(ZoneOffset.UTC))).replaceWithVoid();
            });
            case "charge.refunded" -> invoiceOf(conn, o.path("payment_intent").asText(null), null).chain(inv -> {
                if (inv == null || !"paid".equals(inv.status())) {
                    return Uni.createFrom().voidItem();
                }
                long refundedAtStripe = o.path("amount_refunded").asLong();
                long missing = refundedAtStripe - inv.reversedMinor();
                if (missing <= 0) {
                    return Uni.createFrom().voidItem(); // already recorded (e.g. an operator refund through this service)
                }
                return settlement.reverse(conn, inv.id(), Ledger.Kind.REFUND, Math.min(missing, inv.totalMinor() - inv.reversedMinor()),
                        inv.currency(), "charge:" + o.path("id").asText() + ":" + refundedAtStripe, now).replaceWithVoid();
            });
            case "charge.dispute.created" -> invoiceOf(conn, o.path("payment_intent").asText(null), null).chain(inv -> {
                if (inv == null || !"paid".equals(inv.status()) || inv.reversedMinor() >= inv.totalMinor()) {
                    return Uni.createFrom().voidItem();
                }
                long amount = Math.min(o.path("amount").asLong(), inv.totalMinor() - inv.reversedMinor());
                return settlement.reverse(conn, inv.id(), Ledger.Kind.CHARGEBACK, amount, o.path("currency").asText("").toUpperCase(Locale.ROOT),
                        o.path("id").asText(), now).replaceWithVoid();
            });
            case "setup_intent.succeeded" -> conn.preparedQuery("UPDATE stripe_customers SET payment_method = $2, updated_at = $3 WHERE customer_id = $1 RETURNING peer_key")
                    .execute(Tuple.of(o.path("customer").asText(), o.path("payment_method").asText(null), now.atOffset(ZoneOffset.UTC)))
                    .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().voidItem()
                            : conn.preparedQuery("UPDATE invoices SET next_attempt_at = $2 WHERE peer_key = $1 AND status = 'open' AND provider = 'stripe'")
                                    .execute(Tuple.of(rows.iterator().next().getString("peer_key"), now.atOffset(ZoneOffset.UTC))).replaceWithVoid());
            default -> {
                LOG.debugf("Stripe event type %s is not used", type);
                yield Uni.createFrom().voidItem();
            }
        };
    }

    /** The invoice a payment intent belongs to: by our stored reference, else by the invoice id in its metadata. */
    private Uni<Invoice> invoiceOf(SqlConnection conn, String paymentIntent, String invoiceMeta) {
        UUID meta = null;
        try {
            meta = invoiceMeta == null ? null : UUID.fromString(invoiceMeta);
        } catch (IllegalArgumentException e) {
            meta = null;
        }
        return conn.preparedQuery("SELECT * FROM invoices WHERE provider = 'stripe' AND (provider_ref = $1 OR id = $2) ORDER BY provider_ref = $1 DESC LIMIT 1 FOR UPDATE")
                .execute(Tuple.of(paymentIntent, meta))
                .map(rows -> rows.rowCount() == 0 ? null : Invoice.of(rows.iterator().next()));
    }
}
