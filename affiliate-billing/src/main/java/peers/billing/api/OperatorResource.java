package peers.billing.api;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.billing.BillingConfig;
import peers.billing.BillingJobs;
import peers.billing.BillingProblems;
import peers.billing.apps.AppService;
import peers.billing.idempotency.Idempotency;
import peers.billing.invoices.InvoiceStore;
import peers.billing.invoices.Settlement;
import peers.billing.ledger.Ledger;
import peers.billing.payments.Providers;
import peers.common.limits.RateLimiter;
import peers.common.problems.Problem;
import peers.common.problems.ProblemException;
import peers.common.signatures.Caller;
import peers.common.signatures.Signed;

/**
 * The operator API: requests signed by a key in {@code peers.billing.operator-keys} ({@link Operators}). Revenue
 * shares, manual payments (one or a batch, e.g. from a bank statement), refunds, chargebacks, voiding, a renewal
 * run on demand, and the ledger's balances.
 */
@Path("/billing/v1/operator")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "operator")
@Signed
public class OperatorResource {

    private final Operators operators;
    private final AppService apps;
    private final Settlement settlement;
    private final InvoiceStore invoices;
    private final Providers providers;
    private final BillingJobs jobs;
    private final Idempotency idempotency;
    private final RateLimiter limiter;
    private final Caller caller;
    private final Pool pool;
    private final Clock clock;
    private final BillingConfig config;

    public OperatorResource(Operators operators, AppService apps, Settlement settlement, InvoiceStore invoices, Providers providers, BillingJobs jobs,
            Idempotency idempotency, RateLimiter limiter, Caller caller, Pool pool, Clock clock, BillingConfig config) {
        this.operators = operators;
        this.apps = apps;
        this.settlement = settlement;
        this.invoices = invoices;
        this.providers = providers;
        this.jobs = jobs;
        this.idempotency = idempotency;
        this.limiter = limiter;
        this.caller = caller;
        this.pool = pool;
        this.clock = clock;
        this.config = config;
    }

    private String operator() {
        operators.require(caller.key());
        limiter.check("billing.write", caller.key().toString());
        return caller.key().toString();
    }

    @POST
    @Path("/apps/{app}/share")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set an app's revenue share", description = "Basis points for invoices paid from now on; null returns to the platform default." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "The app", content = @Content(schema = @Schema(implementation = Dtos.AppOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.NOT_OPERATOR, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN_APP, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (shareBps 0-10000)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> share(@HeaderParam(Idempotency.HEADER) String key, @PathParam("app") String app, @NotNull Dtos.ShareIn body) {
        String op = operator();
        AppService.checkId(app);
        return idempotency.run(op, key, "POST", "/billing/v1/operator/apps/" + app + "/share", body,
                conn -> apps.setShare(conn, app, body.shareBps()).map(a -> new Idempotency.Outcome(200, Dtos.AppOut.of(a))));
    }

    @POST
    @Path("/invoices/{invoice}/payments")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record an invoice's payment (manual provider)", description = "The full amount in the invoice's currency; posts the payment to the ledger "
            + "and reactivates the subscription." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "The paid invoice", content = @Content(schema = @Schema(implementation = Dtos.InvoiceOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.NOT_OPERATOR, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN_INVOICE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.INVOICE_STATE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (amount-invalid, currency-mismatch)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> pay(@HeaderParam(Idempotency.HEADER) String key, @PathParam("invoice") String invoice, @NotNull Dtos.MoneyIn body) {
        String op = operator();
        UUID id = InvoiceStore.parseId(invoice);
        long amount = amount(body.amountMinor());
        Instant now = clock.instant();
        return idempotency.run(op, key, "POST", "/billing/v1/operator/invoices/" + id + "/payments", body,
                conn -> settlement.paid(conn, id, amount, body.currency(), reference(body.reference()), now)
                        .chain(i -> invoices.withLines(conn, i.id())).map(i -> new Idempotency.Outcome(200, Dtos.InvoiceOut.of(i))));
    }

    @POST
    @Path("/payments")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record many payments at once", description = "Up to 1000 invoices paid in full, all or none (e.g. one bank statement)." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "All recorded", content = @Content(schema = @Schema(implementation = Dtos.PaymentBatchOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.NOT_OPERATOR, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN_INVOICE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.INVOICE_STATE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (1-1000 payments, each invoice once; amount-invalid, currency-mismatch)",
            content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> payMany(@HeaderParam(Idempotency.HEADER) String key, @NotNull Dtos.PaymentBatchIn body) {
        String op = operator();
        if (body.payments() == null || body.payments().isEmpty() || body.payments().size() > 1000) {
            throw ProblemException.invalid("payments", "payments lists 1 to 1000 payments");
        }
        List<UUID> ids = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        for (Dtos.PaymentIn p : body.payments()) {
            if (p == null) {
                throw ProblemException.invalid("payments", "a payment is an object");
            }
            UUID id = InvoiceStore.parseId(p.invoiceId());
            if (!seen.add(id)) {
                throw ProblemException.invalid("payments", "invoice " + id + " is listed twice");
            }
            amount(p.amountMinor());
            ids.add(id);
        }
        Instant now = clock.instant();
        return idempotency.run(op, key, "POST", "/billing/v1/operator/payments", body, conn -> {
            // Side by side on the one connection (pipelined), in the one transaction: distinct invoices; a subscription's two invoices
            // in one batch serialize on its row lock.
            List<Uni<Void>> steps = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                Dtos.PaymentIn p = body.payments().get(i);
                UUID id = ids.get(i);
                steps.add(settlement.paid(conn, id, p.amountMinor(), p.currency(), reference(p.reference()), now).replaceWithVoid());
            }
            return Uni.join().all(steps).andFailFast().replaceWith(new Idempotency.Outcome(200, new Dtos.PaymentBatchOut(ids.size())));
        });
    }

    @POST
    @Path("/invoices/{invoice}/refunds")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Refund part or all of a paid invoice", description = "Through the invoice's provider (Stripe refunds the card; manual: the operator paid "
            + "it back), then posts the reversing ledger transaction." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "The invoice after the refund", content = @Content(schema = @Schema(implementation = Dtos.InvoiceOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.NOT_OPERATOR, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN_INVOICE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.INVOICE_STATE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (amount-invalid, currency-mismatch)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "502", description = "provider-failed: the provider refused the refund", content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> refund(@HeaderParam(Idempotency.HEADER) String key, @PathParam("invoice") String invoice, @NotNull Dtos.MoneyIn body) {
        return reverse(key, invoice, body, Ledger.Kind.REFUND);
    }

    @POST
    @Path("/invoices/{invoice}/chargebacks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record a chargeback of a paid invoice", description = "For the manual provider (Stripe disputes arrive by webhook): posts the reversal." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "The invoice after the chargeback", content = @Content(schema = @Schema(implementation = Dtos.InvoiceOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.NOT_OPERATOR, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN_INVOICE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.INVOICE_STATE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (amount-invalid, currency-mismatch)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> chargeback(@HeaderParam(Idempotency.HEADER) String key, @PathParam("invoice") String invoice, @NotNull Dtos.MoneyIn body) {
        return reverse(key, invoice, body, Ledger.Kind.CHARGEBACK);
    }

    private Uni<Response> reverse(String key, String invoice, Dtos.MoneyIn body, Ledger.Kind kind) {
        String op = operator();
        UUID id = InvoiceStore.parseId(invoice);
        long amount = amount(body.amountMinor());
        reference(body.reference());
        Idempotency.checkKey(key);
        Instant now = clock.instant();
        String path = "/billing/v1/operator/invoices/" + id + "/" + (kind == Ledger.Kind.REFUND ? "refunds" : "chargebacks");
        // Check everything that can be checked before money moves at a provider; the transaction checks again under the row lock.
        return invoices.withLines(pool, id).chain(inv -> {
            if (!"paid".equals(inv.status())) {
                throw new ProblemException(BillingProblems.INVOICE_STATE, "invoice " + id + " is " + inv.status() + "; only a paid invoice can be refunded").with("status", inv.status());
            }
            if (!inv.currency().equals(body.currency())) {
                throw new ProblemException(BillingProblems.CURRENCY_MISMATCH, "invoice " + id + " is in " + inv.currency() + "; got " + body.currency()).with("field", "currency");
            }
            if (amount > inv.totalMinor() - inv.reversedMinor()) {
                throw new ProblemException(BillingProblems.AMOUNT_INVALID, "at most " + (inv.totalMinor() - inv.reversedMinor()) + " " + inv.currency()
                        + " of invoice " + id + " can still be given back").with("field", "amount");
            }
            // A provider's refund id makes the reversal recognizable when the provider reports it again (charge.refunded);
            // an operator's free-text reference does not identify a reversal (Idempotency-Key guards retries).
            Uni<String> external = kind == Ledger.Kind.REFUND ? providers.of(inv.provider()).refund(inv, amount, op + ":" + key) : Uni.createFrom().nullItem();
            return external.chain(extRef -> idempotency.run(op, key, "POST", path, body,
                    conn -> settlement.reverse(conn, id, kind, amount, body.currency(), extRef, now)
                            .chain(i -> invoices.withLines(conn, i.id())).map(i -> new Idempotency.Outcome(200, Dtos.InvoiceOut.of(i)))));
        });
    }

    @POST
    @Path("/invoices/{invoice}/void")
    @Operation(summary = "Void an open invoice", description = "Nothing is owed any more; a never-paid first invoice ends its subscription. Body: none or {}." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "The void invoice", content = @Content(schema = @Schema(implementation = Dtos.InvoiceOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.NOT_OPERATOR, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN_INVOICE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = ApiResponses.INVOICE_STATE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> voidInvoice(@HeaderParam(Idempotency.HEADER) String key, @PathParam("invoice") String invoice) {
        String op = operator();
        UUID id = InvoiceStore.parseId(invoice);
        Instant now = clock.instant();
        return idempotency.run(op, key, "POST", "/billing/v1/operator/invoices/" + id + "/void", new Dtos.Empty(),
                conn -> settlement.voidOpen(conn, id, now).chain(i -> invoices.withLines(conn, i.id())).map(i -> new Idempotency.Outcome(200, Dtos.InvoiceOut.of(i))));
    }

    @POST
    @Path("/renewals")
    @Operation(summary = "Run renewals now", description = "What the scheduled job does every peers.billing.renewal-interval: renew due subscriptions, end "
            + "canceled ones and expired grace periods, attempt due payments. Safe beside the job and on several replicas. Body: none or {}." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "What was done", content = @Content(schema = @Schema(implementation = Dtos.RenewalRunOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.NOT_OPERATOR, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> renewals(@HeaderParam(Idempotency.HEADER) String key) {
        String op = operator();
        Idempotency.checkKey(key);
        // The run spans many transactions of its own; the key only guards against running it twice for one request.
        return jobs.run().chain(r -> idempotency.run(op, key, "POST", "/billing/v1/operator/renewals", new Dtos.Empty(),
                conn -> Uni.createFrom().item(new Idempotency.Outcome(200, new Dtos.RenewalRunOut(r.renewed(), r.ended(), r.expired())))));
    }

    @GET
    @Path("/ledger/balances")
    @Operation(summary = "The ledger's balances", description = "Per account and currency (debits positive, credits negative); every currency sums to zero.")
    @APIResponse(responseCode = "200", description = "Balances", content = @Content(schema = @Schema(implementation = Dtos.BalancesOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.NOT_OPERATOR, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.BalancesOut> balances() {
        operators.require(caller.key());
        limiter.check("billing.read", caller.key().toString());
        return pool.query("SELECT account, currency, sum(amount_minor) AS b FROM ledger_entries GROUP BY 1, 2 ORDER BY 1, 2").execute().map(rows -> {
            List<Dtos.Balance> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new Dtos.Balance(r.getString("account"), r.getString("currency"), r.getLong("b")));
            }
            return new Dtos.BalancesOut(out);
        });
    }

    private long amount(Long amount) {
        if (amount == null) {
            throw ProblemException.invalid("amountMinor", "amountMinor is required: an integer number of minor units (cents)");
        }
        if (amount <= 0 || amount > config.maxAmountMinor()) {
            throw new ProblemException(BillingProblems.AMOUNT_INVALID, "amountMinor must be between 1 and " + config.maxAmountMinor() + "; got " + amount)
                    .with("field", "amountMinor");
        }
        return amount;
    }

    private static String reference(String ref) {
        if (ref == null || ref.isBlank()) {
            return null;
        }
        if (ref.length() > 200 || ref.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.invalid("reference", "reference is at most 200 characters without control characters");
        }
        return ref.strip();
    }
}
