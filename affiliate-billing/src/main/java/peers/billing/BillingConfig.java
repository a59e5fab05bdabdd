package peers.billing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Settings of affiliate-billing. */
@ConfigMapping(prefix = "peers.billing")
public interface BillingConfig {

    /** The plan catalog by plan name; must contain {@link #freePlan()}, whose price is 0. */
    Map<String, PlanConfig> plans();

    /** The plan of peers without a subscription. */
    @WithDefault("free")
    String freePlan();

    /** Revenue share of an app's attributed revenue, in basis points (1/100 of a percent), unless an operator set one for the app. */
    @WithDefault("2000")
    int defaultShareBps();

    /** An app id may be attributed to a peer only within this time after billing first saw the peer. */
    @WithDefault("30d")
    Duration attributionWindow();

    /** How long a subscription with an unpaid invoice keeps its plan before it is downgraded to free. */
    @WithDefault("7d")
    Duration gracePeriod();

    /** Wait between payment attempts of an unpaid invoice (Stripe). */
    @WithDefault("1d")
    Duration retryInterval();

    /**
     * Operator keys (peer keys, unpadded base64url): RFC 9421 requests signed by one of them may use
     * {@code /billing/v1/operator/...}. Empty: the operator API refuses everyone.
     */
    Optional<Set<String>> operatorKeys();

    /** Payment providers new subscriptions may use ({@code manual}, {@code stripe}); the first is the default. */
    @WithDefault("manual")
    List<String> providers();

    /**
     * How often renewals, grace expiries and payment retries are processed (a duration such as {@code 30s}, or
     * {@code off} where only {@code POST /billing/v1/operator/renewals} runs them); read by {@code BillingJobs}.
     */
    @WithDefault("30s")
    String renewalInterval();

    /** Subscriptions renewed per database transaction of the renewal job. */
    @WithDefault("500")
    int renewalBatchSize();

    /** How long idempotency keys (and the responses they replay) are kept. */
    @WithDefault("24h")
    Duration idempotencyRetention();

    /** Largest price of a plan or amount of a payment, in minor units: a bound against absurd amounts. */
    @WithDefault("100000000")
    long maxAmountMinor();

    /** Apps one developer key may register. */
    @WithDefault("50")
    int maxAppsPerOwner();

    /** Whether the service makes {@code peers.entitlements} a compacted topic at start (false: the deployment does). */
    @WithDefault("true")
    boolean createTopics();

    /** Stripe settings (used when {@code stripe} is among {@link #providers()}). */
    Stripe stripe();

    interface PlanConfig {
        /** Price per period in minor units of {@link #currency()} (0 for the free plan). */
        long price();

        /** ISO 4217 currency code. */
        @WithDefault("EUR")
        String currency();

        /** Length of a billing period in months. */
        @WithDefault("1")
        int periodMonths();

        /** Days sync-buffer keeps records. */
        int syncRetentionDays();

        /** Bytes of ciphertext in sync-buffer. */
        long syncBytes();

        /** Records in sync-buffer. */
        long syncRecords();

        /** Bytes of backups. */
        long backupBytes();

        /** TURN relay bytes per month. */
        @WithName("turn-bytes-per-month")
        long turnBytesPerMonth();
    }

    interface Stripe {
        /** Secret API key ({@code sk_...}). */
        Optional<String> apiKey();

        /** Webhook endpoint signing secret ({@code whsec_...}). */
        Optional<String> webhookSecret();

        /** Base URL of Stripe's API (tests point it at a stand-in). */
        @WithDefault("https://api.stripe.com")
        String apiBase();

        /** Oldest accepted webhook signature timestamp, relative to now. */
        @WithDefault("300s")
        Duration webhookTolerance();

        /** Network retries of one Stripe call (Stripe's client retries idempotently). */
        @WithDefault("2")
        int maxNetworkRetries();
    }
}
