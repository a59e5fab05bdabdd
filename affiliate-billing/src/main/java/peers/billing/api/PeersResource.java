package peers.billing.api;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.billing.BillingProblems;
import peers.billing.attribution.Attributions;
import peers.billing.entitlements.Entitlements;
import peers.billing.idempotency.Idempotency;
import peers.billing.invoices.InvoiceStore;
import peers.billing.payments.Providers;
import peers.billing.payments.StripeProvider;
import peers.billing.subscriptions.SubscriptionService;
import peers.common.limits.RateLimiter;
import peers.common.problems.Params;
import peers.common.problems.Problem;
import peers.common.problems.ProblemException;
import peers.common.signatures.Caller;
import peers.common.signatures.Signed;

/** A user's side: attribution, subscription, invoices, entitlements and usage. Every operation is signed by the user's key. */
@Path("/billing/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "subscriptions")
@Signed
public class PeersResource {

    private final SubscriptionService subscriptions;
    private final Attributions attributions;
    private final InvoiceStore invoices;
    private final Entitlements entitlements;
    private final Providers providers;
    private final StripeProvider stripe;
    private final Idempotency idempotency;
    private final RateLimiter limiter;
    private final Caller caller;
    private final Pool pool;
    private final Clock clock;

    public PeersResource(SubscriptionService subscriptions, Attributions attributions, InvoiceStore invoices, Entitlements entitlements, Providers providers,
            StripeProvider stripe, Idempotency idempotency, RateLimiter limiter, Caller caller, Pool pool, Clock clock) {
        this.subscriptions = subscriptions;
        this.attributions = attributions;
        this.invoices = invoices;
        this.entitlements = entitlements;
        this.providers = providers;
        this.stripe = stripe;
        this.idempotency = idempotency;
        this.limiter = limiter;
        this.caller = caller;
        this.pool = pool;
        this.clock = clock;
    }

    private String me() {
        return caller.key().toString();
    }

    @POST
    @Path("/attributions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Attribute the caller to an app", description = "Sent by the user's client, signed by the user's key: the first app seen for a key wins "
            + "(also from managed-keys' sign-up events) and is never overwritten; accepted within the attribution window after billing first saw the key." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "The attribution that stands (created tells whether this request made it)",
            content = @Content(schema = @Schema(implementation = Dtos.AttributionOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN_APP, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.MEDIA, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (appId; attribution-window-closed)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> attribute(@HeaderParam(Idempotency.HEADER) String key, @NotNull Dtos.AttributionIn body) {
        limiter.check("billing.write", me());
        Instant now = clock.instant();
        return idempotency.run(me(), key, "POST", "/billing/v1/attributions", body,
                conn -> attributions.attribute(conn, me(), body.appId(), "client", now, now, true).map(r -> new Idempotency.Outcome(200, Dtos.AttributionOut.of(r))));
    }

    @GET
    @Path("/subscription")
    @Operation(summary = "The caller's subscription", description = "subscription is null on the free plan.")
    @APIResponse(responseCode = "200", description = "The subscription", content = @Content(schema = @Schema(implementation = Dtos.MySubscription.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.MySubscription> subscription() {
        limiter.check("billing.read", me());
        return subscriptions.mine(caller.key()).chain(s -> entitlements.current(pool, me())
                .chain(c -> subscriptions.credit(caller.key(), s == null ? c.plan().currency() : s.currency())
                        .map(credit -> new Dtos.MySubscription(Dtos.SubscriptionOut.of(s), c.plan().name(), credit))));
    }

    @POST
    @Path("/subscription")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Subscribe to a paid plan", description = "Issues the first invoice; the subscription is incomplete (the peer keeps the free plan) "
            + "until it is paid, and ends if it is not paid within the grace period. A Peers-App header attributes the caller to that app "
            + "if nothing did before (first touch)." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "201", description = "Subscribed; the first invoice is open", content = @Content(schema = @Schema(implementation = Dtos.ChangedOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "subscription-exists: the caller already has a subscription", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.MEDIA, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (plan-unknown, a free plan; provider-unavailable)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> subscribe(@HeaderParam(Idempotency.HEADER) String key, @HeaderParam("Peers-App") String app, @NotNull Dtos.SubscribeIn body) {
        limiter.check("billing.write", me());
        Instant now = clock.instant();
        return idempotency.run(me(), key, "POST", "/billing/v1/subscription", body,
                conn -> attributeFromHeader(conn, app, now)
                        .chain(() -> subscriptions.subscribe(conn, caller.key(), body.plan(), body.provider()))
                        .map(c -> new Idempotency.Outcome(201, Dtos.ChangedOut.of(c))));
    }

    /**
     * A {@code Peers-App} header names the app the client belongs to: like an explicit attribution (first touch,
     * within the window), but advisory: an unknown or malformed app id, or a closed window, is ignored.
     */
    private Uni<Void> attributeFromHeader(io.vertx.mutiny.sqlclient.SqlConnection conn, String app, Instant now) {
        if (app == null || !peers.billing.apps.AppService.ID.matcher(app).matches()) {
            return Uni.createFrom().voidItem();
        }
        return attributions.attribute(conn, me(), app, "client", now, now, false).replaceWithVoid()
                .onFailure(ProblemException.class).recoverWithNull();
    }

    @POST
    @Path("/subscription/change")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Upgrade or downgrade now, prorated", description = "Credits the unused time of the old plan and charges the remaining time of the new one "
            + "in one proration invoice; a net credit is kept for later invoices. The new plan applies at once; an unpaid upgrade makes the subscription past_due." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "Changed", content = @Content(schema = @Schema(implementation = Dtos.ChangedOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = "no-subscription: the caller has none", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "subscription-state: an invoice is unpaid", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.MEDIA, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (plan-unknown, same-plan, currency-mismatch, free plan, other period length)",
            content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> change(@HeaderParam(Idempotency.HEADER) String key, @NotNull Dtos.ChangeIn body) {
        limiter.check("billing.write", me());
        return idempotency.run(me(), key, "POST", "/billing/v1/subscription/change", body,
                conn -> subscriptions.change(conn, caller.key(), body.plan()).map(c -> new Idempotency.Outcome(200, Dtos.ChangedOut.of(c))));
    }

    @POST
    @Path("/subscription/cancel")
    @Operation(summary = "Cancel at the end of the period", description = "The plan stays until the period ends, then the peer is on free; a never-paid "
            + "subscription ends now. Body: none or {}." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "Canceled", content = @Content(schema = @Schema(implementation = Dtos.ChangedOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = "no-subscription: the caller has none", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> cancel(@HeaderParam(Idempotency.HEADER) String key) {
        limiter.check("billing.write", me());
        return idempotency.run(me(), key, "POST", "/billing/v1/subscription/cancel", new Dtos.Empty(),
                conn -> subscriptions.cancel(conn, caller.key()).map(c -> new Idempotency.Outcome(200, Dtos.ChangedOut.of(c))));
    }

    @POST
    @Path("/subscription/resume")
    @Operation(summary = "Take back a cancellation", description = "Before the period ends. Body: none or {}." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "Resumed", content = @Content(schema = @Schema(implementation = Dtos.ChangedOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = "no-subscription: the caller has none", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "subscription-state: not canceled", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> resume(@HeaderParam(Idempotency.HEADER) String key) {
        limiter.check("billing.write", me());
        return idempotency.run(me(), key, "POST", "/billing/v1/subscription/resume", new Dtos.Empty(),
                conn -> subscriptions.resume(conn, caller.key()).map(c -> new Idempotency.Outcome(200, Dtos.ChangedOut.of(c))));
    }

    @GET
    @Path("/invoices")
    @Operation(summary = "The caller's invoices", description = "Newest first, without lines.")
    @APIResponse(responseCode = "200", description = "The invoices", content = @Content(schema = @Schema(implementation = Dtos.InvoiceList.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "limit out of range (1-500)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.InvoiceList> invoices(@QueryParam("limit") String limit) {
        limiter.check("billing.read", me());
        int n = Params.intParam("limit", limit, 100, 1, 500);
        return invoices.list(caller.key(), n).map(l -> new Dtos.InvoiceList(l.stream().map(Dtos.InvoiceOut::of).toList()));
    }

    @GET
    @Path("/invoices/{invoice}")
    @Operation(summary = "One of the caller's invoices, with its lines")
    @APIResponse(responseCode = "200", description = "The invoice", content = @Content(schema = @Schema(implementation = Dtos.InvoiceOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN_INVOICE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "The invoice id is not a UUID", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.InvoiceOut> invoice(@PathParam("invoice") String id) {
        limiter.check("billing.read", me());
        return invoices.mine(caller.key(), id).map(Dtos.InvoiceOut::of);
    }

    @GET
    @Path("/entitlements")
    @Operation(summary = "The caller's entitlements", description = "Exactly what is published on peers.entitlements for this key.")
    @APIResponse(responseCode = "200", description = "The entitlements", content = @Content(schema = @Schema(implementation = Dtos.EntitlementsOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.EntitlementsOut> entitlements() {
        limiter.check("billing.read", me());
        return entitlements.current(pool, me()).map(Dtos.EntitlementsOut::of);
    }

    @GET
    @Path("/usage")
    @Operation(summary = "The caller's usage against the plan's limits", description = "Latest totals reported by sync-buffer and backup-service.")
    @APIResponse(responseCode = "200", description = "Usage", content = @Content(schema = @Schema(implementation = Dtos.UsageOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.UsageOut> usage() {
        limiter.check("billing.read", me());
        return entitlements.current(pool, me()).chain(c -> pool.preparedQuery("SELECT service, bytes, items, reported_at FROM usage WHERE peer_key = $1")
                .execute(Tuple.of(me())).map(rows -> {
                    long syncBytes = 0, syncRecords = 0, backupBytes = 0, backupObjects = 0;
                    Instant syncAt = null, backupAt = null;
                    for (Row r : rows) {
                        if ("sync-buffer".equals(r.getString("service"))) {
                            syncBytes = r.getLong("bytes");
                            syncRecords = r.getLong("items");
                            syncAt = r.getOffsetDateTime("reported_at").toInstant();
                        } else {
                            backupBytes = r.getLong("bytes");
                            backupObjects = r.getLong("items");
                            backupAt = r.getOffsetDateTime("reported_at").toInstant();
                        }
                    }
                    var e = c.plan().entitlement();
                    return new Dtos.UsageOut(me(), c.plan().name(), Dtos.Meter.of(syncBytes, e.syncBytes(), syncAt), Dtos.Meter.of(syncRecords, e.syncRecords(), syncAt),
                            Dtos.Meter.of(backupBytes, e.backupBytes(), backupAt), backupObjects, e.turnBytesPerMonth());
                }));
    }

    @POST
    @Path("/payment-methods/stripe")
    @Operation(summary = "Start saving a card with Stripe", description = "Returns a SetupIntent client secret for Stripe.js (confirmCardSetup); when Stripe "
            + "confirms, open invoices are charged with the saved card. Body: none or {}." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "200", description = "The client secret", content = @Content(schema = @Schema(implementation = Dtos.StripeSetupOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (provider-unavailable: Stripe is not enabled)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "502", description = "provider-failed: Stripe refused or failed", content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> stripeSetup(@HeaderParam(Idempotency.HEADER) String key) {
        limiter.check("billing.write", me());
        Idempotency.checkKey(key);
        if (!providers.enabled(StripeProvider.NAME)) {
            throw new ProblemException(BillingProblems.PROVIDER_UNAVAILABLE, "Stripe is not enabled on this service");
        }
        // The Stripe call happens before the idempotent transaction (no database transaction is held open across a remote call);
        // Stripe's own idempotency makes the customer creation repeatable.
        return stripe.setup(me()).chain(secret -> idempotency.run(me(), key, "POST", "/billing/v1/payment-methods/stripe", new Dtos.Empty(),
                conn -> Uni.createFrom().item(new Idempotency.Outcome(200, new Dtos.StripeSetupOut(secret)))));
    }
}
