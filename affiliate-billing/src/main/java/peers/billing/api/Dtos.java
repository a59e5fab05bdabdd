package peers.billing.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import peers.billing.apps.App;
import peers.billing.attribution.Attributions;
import peers.billing.entitlements.Entitlements;
import peers.billing.invoices.Invoice;
import peers.billing.plans.Plan;
import peers.billing.subscriptions.Subscription;
import peers.billing.subscriptions.SubscriptionService;

/** Request and response bodies of the affiliate-billing API. Money is always {@code *Minor} (integer minor units) with a {@code currency}. */
public final class Dtos {

    private Dtos() {
    }

    @Schema(description = "Registers an app; the signing key becomes its owner")
    public record AppIn(@Schema(description = "Display name, 1-100 characters", examples = "Notes") String name,
            @Schema(description = "How the platform reaches the developer (e-mail or URL), 1-254 characters") String contact,
            @Schema(description = "Optional reference to payout details held elsewhere (e.g. a bank account id in the operator's books), at most 200 characters") String payoutRef) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(description = "An app")
    public record AppOut(String id, String owner, String name, String contact, String payoutRef,
            @Schema(description = "The revenue share in basis points (1/100 %) that applies: the app's own or the platform default") int shareBps,
            @Schema(description = "True when an operator set this app's share") boolean customShare, Instant createdAt) {
        static AppOut of(App a) {
            return new AppOut(a.id(), a.owner(), a.name(), a.contact(), a.payoutRef(), a.effectiveShareBps(), a.shareBps() != null, a.createdAt());
        }
    }

    public record AppList(List<AppOut> apps) {
    }

    @Schema(description = "Attributes the signing key (a user's) to the app that brought it")
    public record AttributionIn(@Schema(description = "The app id") String appId) {
    }

    @Schema(description = "A peer's attribution: the first app seen for it")
    public record AttributionOut(String peer, String appId, String source, Instant attributedAt,
            @Schema(description = "True when this request made the attribution; false when an earlier one stands") boolean created) {
        static AttributionOut of(Attributions.Result r) {
            return new AttributionOut(r.peer(), r.appId(), r.source(), r.attributedAt(), r.created());
        }
    }

    public record EntitlementOut(int syncRetentionDays, long syncBytes, long syncRecords, long backupBytes, long turnBytesPerMonth) {
        static EntitlementOut of(Plan.Entitlement e) {
            return new EntitlementOut(e.syncRetentionDays(), e.syncBytes(), e.syncRecords(), e.backupBytes(), e.turnBytesPerMonth());
        }
    }

    @Schema(description = "A plan of the catalog")
    public record PlanOut(String name, long priceMinor, String currency, int periodMonths, EntitlementOut entitlements) {
        static PlanOut of(Plan p) {
            return new PlanOut(p.name(), p.priceMinor(), p.currency(), p.periodMonths(), EntitlementOut.of(p.entitlement()));
        }
    }

    public record PlanList(List<PlanOut> plans) {
    }

    @Schema(description = "Subscribes the signing key to a paid plan")
    public record SubscribeIn(@Schema(description = "A paid plan's name", examples = "personal") String plan,
            @Schema(description = "Optional payment provider (manual, stripe); the service's default when absent") String provider) {
    }

    @Schema(description = "Changes the subscription's plan now, prorated")
    public record ChangeIn(@Schema(description = "The new paid plan", examples = "family") String plan) {
    }

    @Schema(description = "No fields; an empty object")
    public record Empty() {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(description = "A subscription")
    public record SubscriptionOut(String id, String plan,
            @Schema(description = "incomplete (first invoice unpaid), active, past_due (an invoice unpaid: plan kept until graceUntil), ended") String status,
            String currency, long priceMinor, int periodMonths, String provider, Instant periodStart, Instant periodEnd, boolean cancelAtPeriodEnd,
            Instant graceUntil, Instant createdAt, Instant endedAt) {
        static SubscriptionOut of(Subscription s) {
            return s == null ? null : new SubscriptionOut(s.id().toString(), s.plan(), s.status(), s.currency(), s.priceMinor(), s.periodMonths(), s.provider(),
                    s.periodStart(), s.periodEnd(), s.cancelAtPeriodEnd(), s.graceUntil(), s.createdAt(), s.endedAt());
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LineOut(String description, String plan, long amountMinor, Instant periodStart, Instant periodEnd) {
        static LineOut of(Invoice.Line l) {
            return new LineOut(l.description(), l.plan(), l.amountMinor(), l.periodStart(), l.periodEnd());
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(description = "An invoice")
    public record InvoiceOut(String id, long number, String subscriptionId, @Schema(description = "subscription, renewal or proration") String kind,
            @Schema(description = "draft, open, paid, void or uncollectible") String status, String currency, long totalMinor,
            @Schema(description = "Refunded and charged back so far") long reversedMinor, String provider, int attempts, String lastError,
            Instant createdAt, Instant finalizedAt, Instant paidAt, Instant closedAt, List<LineOut> lines) {
        static InvoiceOut of(Invoice i) {
            return i == null ? null : new InvoiceOut(i.id().toString(), i.number(), i.subscriptionId().toString(), i.kind(), i.status(), i.currency(),
                    i.totalMinor(), i.reversedMinor(), i.provider(), i.attempts(), i.lastError(), i.createdAt(), i.finalizedAt(), i.paidAt(), i.closedAt(),
                    i.lines().stream().map(LineOut::of).toList());
        }
    }

    public record InvoiceList(List<InvoiceOut> invoices) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(description = "The subscription after a change, with the invoice the change produced (null when none)")
    public record ChangedOut(SubscriptionOut subscription, InvoiceOut invoice) {
        static ChangedOut of(SubscriptionService.Changed c) {
            return new ChangedOut(SubscriptionOut.of(c.subscription()), InvoiceOut.of(c.invoice()));
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(description = "The caller's subscription (null when on the free plan) and credit balance")
    public record MySubscription(SubscriptionOut subscription, String plan, long creditMinor) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(description = "What the peer may use now, as published on peers.entitlements")
    public record EntitlementsOut(String peer, String plan, EntitlementOut entitlements, Instant validUntil, String subscriptionStatus) {
        static EntitlementsOut of(Entitlements.Current c) {
            return new EntitlementsOut(c.peer(), c.plan().name(), EntitlementOut.of(c.plan().entitlement()), c.validUntil(), c.subscriptionStatus());
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(description = "Usage against a limit")
    public record Meter(long used, long limit, @Schema(description = "used / limit in per mille, 0-1000+; above 1000 means over the limit") long perMille,
            Instant reportedAt) {
        static Meter of(long used, long limit, Instant at) {
            return new Meter(used, limit, limit == 0 ? (used == 0 ? 0 : 1001) : used > Long.MAX_VALUE / 1000 ? 1001 : used * 1000 / limit, at);
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(description = "Usage reported by sync-buffer and backup-service against the plan's limits")
    public record UsageOut(String peer, String plan, Meter syncBytes, Meter syncRecords, Meter backupBytes, long backupObjects, long turnBytesPerMonth) {
    }

    @Schema(description = "Sets an app's revenue share (operators)")
    public record ShareIn(@Schema(description = "Basis points 0-10000, or null for the platform default") Integer shareBps) {
    }

    @Schema(description = "Money given as an amount in minor units and its currency")
    public record MoneyIn(@Schema(description = "Integer minor units (cents), positive") Long amountMinor,
            @Schema(description = "ISO 4217 code; must be the invoice's", examples = "EUR") String currency,
            @Schema(description = "Optional reference: bank transfer id, refund or dispute id") String reference) {
    }

    public record PaymentIn(@Schema(description = "The invoice id") String invoiceId, Long amountMinor, String currency, String reference) {
    }

    @Schema(description = "Payments received outside any provider (e.g. a bank statement), recorded in one transaction; at most 1000")
    public record PaymentBatchIn(List<PaymentIn> payments) {
    }

    public record PaymentBatchOut(int recorded) {
    }

    @Schema(description = "Secret for Stripe.js to save a card for off-session payments (a SetupIntent's client_secret)")
    public record StripeSetupOut(String clientSecret) {
    }

    public record RenewalRunOut(int renewed, int ended, int expired) {
    }

    public record Balance(String account, String currency, long balanceMinor) {
    }

    public record BalancesOut(List<Balance> balances) {
    }

    public record WebhookOut(String id, String type, boolean duplicate) {
    }
}
