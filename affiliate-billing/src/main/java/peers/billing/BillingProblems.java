package peers.billing;

import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/** The problem types affiliate-billing adds to the common ones (documented in docs/api/affiliate-billing.md). */
public final class BillingProblems {

    public static final ProblemType APP_UNKNOWN = ProblemType.of("app-unknown", 404, "No such app");
    public static final ProblemType NOT_APP_OWNER = ProblemType.of("not-app-owner", 403, "The signing key does not own this app");
    public static final ProblemType APP_LIMIT = ProblemType.of("app-limit", 422, "Too many apps for one key");
    public static final ProblemType NOT_OPERATOR = ProblemType.of("not-operator", 403, "The signing key is not an operator key");
    public static final ProblemType PLAN_UNKNOWN = ProblemType.of("plan-unknown", 422, "No such plan");
    public static final ProblemType CURRENCY_MISMATCH = ProblemType.of("currency-mismatch", 422, "The currency does not match");
    public static final ProblemType AMOUNT_INVALID = ProblemType.of("amount-invalid", 422, "The amount is not acceptable");
    public static final ProblemType SUBSCRIPTION_EXISTS = ProblemType.of("subscription-exists", 409, "The peer already has a subscription");
    public static final ProblemType NO_SUBSCRIPTION = ProblemType.of("no-subscription", 404, "The peer has no current subscription");
    public static final ProblemType SUBSCRIPTION_STATE = ProblemType.of("subscription-state", 409, "The subscription's state does not allow this");
    public static final ProblemType SAME_PLAN = ProblemType.of("same-plan", 422, "The subscription is already on this plan");
    public static final ProblemType INVOICE_UNKNOWN = ProblemType.of("invoice-unknown", 404, "No such invoice");
    public static final ProblemType INVOICE_STATE = ProblemType.of("invoice-state", 409, "The invoice's state does not allow this");
    public static final ProblemType PROVIDER_UNAVAILABLE = ProblemType.of("provider-unavailable", 422, "This payment provider is not enabled");
    public static final ProblemType PROVIDER_FAILED = ProblemType.of("provider-failed", 502, "The payment provider refused or failed");
    public static final ProblemType IDEMPOTENCY_KEY_REQUIRED = ProblemType.of("idempotency-key-required", 400, "An Idempotency-Key header is required");
    public static final ProblemType IDEMPOTENCY_KEY_REUSED = ProblemType.of("idempotency-key-reused", 422, "The Idempotency-Key was used with another request");
    public static final ProblemType ATTRIBUTION_WINDOW_CLOSED = ProblemType.of("attribution-window-closed", 422, "The attribution window has closed");
    public static final ProblemType WEBHOOK_SIGNATURE = ProblemType.of("webhook-signature-invalid", 400, "The Stripe-Signature is missing, invalid or stale");

    private BillingProblems() {
    }

    public static ProblemException unknownApp(String id) {
        return new ProblemException(APP_UNKNOWN, "no app has the id '" + id + "'").with("app", id);
    }

    public static ProblemException unknownInvoice(String id) {
        return new ProblemException(INVOICE_UNKNOWN, "no invoice has the id '" + id + "'").with("invoice", id);
    }
}
