package peers.billing.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.stripe.net.Webhook;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import peers.billing.BillingJobs;
import peers.billing.testsupport.BillingTestResource;
import peers.testing.peers.TestPeer;

/**
 * The Stripe provider against a stand-in for Stripe's remote HTTP API (WireMock): customers, SetupIntents,
 * off-session PaymentIntents, refunds; and signed webhooks, verified and applied once each. Our storage and
 * Kafka are real.
 */
@QuarkusTest
@WithTestResource(value = BillingTestResource.class, scope = TestResourceScope.GLOBAL)
class StripeTest {

    static final String SECRET = "whsec_test_peers";

    @Inject
    BillingJobs jobs;

    WireMock stripe;

    @BeforeEach
    void stripe() {
        stripe = new WireMock("127.0.0.1", Integer.getInteger("billing.test.stripe.port"));
    }

    static String sign(String payload, long t) throws Exception {
        return "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256(SECRET, t + "." + payload);
    }

    static ValidatableResponse webhook(String payload, String signature) {
        var req = given().contentType("application/json; charset=utf-8").body(payload);
        if (signature != null) {
            req = req.header("Stripe-Signature", signature);
        }
        return req.post(Billing.BASE + "/webhooks/stripe").then();
    }

    static ValidatableResponse webhook(String payload) throws Exception {
        return webhook(payload, sign(payload, Instant.now().getEpochSecond()));
    }

    static String event(String type, String object) {
        return "{\"id\":\"evt_" + UUID.randomUUID().toString().replace("-", "") + "\",\"object\":\"event\",\"type\":\"" + type
                + "\",\"data\":{\"object\":" + object + "}}";
    }

    /** A peer with a Stripe customer and a saved card: setup through the API, confirmed by Stripe's webhook. */
    String customerWithCard(TestPeer peer) throws Exception {
        String customer = "cus_" + UUID.randomUUID().toString().substring(0, 12);
        stripe.register(post(urlEqualTo("/v1/customers")).withRequestBody(containing(peer.id()))
                .willReturn(okJson("{\"id\":\"" + customer + "\",\"object\":\"customer\"}")));
        stripe.register(post(urlEqualTo("/v1/setup_intents")).withRequestBody(containing(customer))
                .willReturn(okJson("{\"id\":\"seti_1\",\"object\":\"setup_intent\",\"client_secret\":\"seti_1_secret_abc\",\"status\":\"requires_payment_method\"}")));
        Billing.post(peer, "/payment-methods/stripe", null).statusCode(200).body("clientSecret", Matchers.equalTo("seti_1_secret_abc"));
        stripe.verifyThat(postRequestedFor(urlEqualTo("/v1/setup_intents")).withRequestBody(containing("usage=off_session")));
        webhook(event("setup_intent.succeeded", "{\"id\":\"seti_1\",\"object\":\"setup_intent\",\"customer\":\"" + customer
                + "\",\"payment_method\":\"pm_card_" + customer + "\",\"status\":\"succeeded\"}")).statusCode(200).body("duplicate", Matchers.equalTo(false));
        return customer;
    }

    void collect() {
        jobs.run().await().atMost(Duration.ofSeconds(60));
    }

    @Test
    void aSavedCardPaysTheFirstInvoiceOffSession() throws Exception {
        TestPeer user = TestPeer.create();
        String customer = customerWithCard(user);
        String pi = "pi_" + UUID.randomUUID().toString().replace("-", "");
        stripe.register(post(urlEqualTo("/v1/payment_intents")).withRequestBody(containing(user.id()))
                .willReturn(okJson("{\"id\":\"" + pi + "\",\"object\":\"payment_intent\",\"status\":\"succeeded\",\"amount\":300,\"currency\":\"eur\"}")));
        String invoice = Billing.post(user, "/subscription", Map.of("plan", "personal", "provider", "stripe")).statusCode(201)
                .body("subscription.provider", Matchers.equalTo("stripe")).extract().jsonPath().getString("invoice.id");
        collect();
        stripe.verifyThat(postRequestedFor(urlEqualTo("/v1/payment_intents"))
                .withRequestBody(containing("amount=300")).withRequestBody(containing("currency=eur")).withRequestBody(containing("off_session=true"))
                .withRequestBody(containing("customer=" + customer)).withRequestBody(containing(invoice))
                .withHeader("Idempotency-Key", matching("invoice-" + invoice + "-1")));
        Billing.get(user, "/invoices/" + invoice).statusCode(200).body("status", Matchers.equalTo("paid"));
        Billing.get(user, "/subscription").statusCode(200).body("subscription.status", Matchers.equalTo("active"));
        assertEquals(300, Billing.scalar("SELECT sum(e.amount_minor) FROM billing.ledger_entries e JOIN billing.ledger_transactions t ON t.id = e.transaction_id "
                + "WHERE t.invoice_id = '" + invoice + "' AND e.account = 'cash:stripe'"));

        // The same success reported by webhook later changes nothing; a redelivery is recognized by its id.
        String ledger = Billing.ledgerState();
        String succeeded = event("payment_intent.succeeded", "{\"id\":\"" + pi + "\",\"object\":\"payment_intent\",\"amount_received\":300,\"currency\":\"eur\","
                + "\"metadata\":{\"invoice\":\"" + invoice + "\"}}");
        webhook(succeeded).statusCode(200).body("duplicate", Matchers.equalTo(false));
        webhook(succeeded).statusCode(200).body("duplicate", Matchers.equalTo(true));
        assertEquals(ledger, Billing.ledgerState());

        // Refunds made through the operator API go to Stripe and reach the ledger once, even when Stripe reports them too.
        stripe.register(post(urlEqualTo("/v1/refunds")).withRequestBody(containing(pi))
                .willReturn(okJson("{\"id\":\"re_1\",\"object\":\"refund\",\"amount\":100,\"status\":\"succeeded\",\"payment_intent\":\"" + pi + "\"}")));
        Billing.post(Billing.OPERATOR, "/operator/invoices/" + invoice + "/refunds", Map.of("amountMinor", 100, "currency", "EUR")).statusCode(200)
                .body("reversedMinor", Matchers.equalTo(100));
        stripe.verifyThat(postRequestedFor(urlEqualTo("/v1/refunds")).withRequestBody(containing("amount=100")).withRequestBody(containing("payment_intent=" + pi)));
        String afterRefund = Billing.ledgerState();
        webhook(event("charge.refunded", "{\"id\":\"ch_1\",\"object\":\"charge\",\"payment_intent\":\"" + pi + "\",\"amount_refunded\":100,\"currency\":\"eur\"}"))
                .statusCode(200);
        assertEquals(afterRefund, Billing.ledgerState(), "a refund already recorded is not posted twice");
        // A refund made in Stripe's dashboard (cumulative 250) brings the ledger up to date; a dispute posts a chargeback.
        webhook(event("charge.refunded", "{\"id\":\"ch_1\",\"object\":\"charge\",\"payment_intent\":\"" + pi + "\",\"amount_refunded\":250,\"currency\":\"eur\"}"))
                .statusCode(200);
        Billing.get(user, "/invoices/" + invoice).statusCode(200).body("reversedMinor", Matchers.equalTo(250));
        webhook(event("charge.dispute.created", "{\"id\":\"dp_1\",\"object\":\"dispute\",\"payment_intent\":\"" + pi + "\",\"amount\":300,\"currency\":\"eur\"}"))
                .statusCode(200);
        Billing.get(user, "/invoices/" + invoice).statusCode(200).body("reversedMinor", Matchers.equalTo(300));
        assertEquals(0, Billing.scalar("SELECT coalesce(sum(e.amount_minor), 0) FROM billing.ledger_entries e JOIN billing.ledger_transactions t ON t.id = e.transaction_id "
                + "WHERE t.invoice_id = '" + invoice + "' AND e.account = 'cash:stripe'"), "all of it went back");
    }

    @Test
    void aPaymentThatNeedsTheUserIsSettledByTheWebhookAndAFailureIsRetried() throws Exception {
        TestPeer user = TestPeer.create();
        customerWithCard(user);
        String pi = "pi_" + UUID.randomUUID().toString().replace("-", "");
        stripe.register(post(urlEqualTo("/v1/payment_intents")).withRequestBody(containing(user.id()))
                .willReturn(okJson("{\"id\":\"" + pi + "\",\"object\":\"payment_intent\",\"status\":\"requires_action\",\"amount\":800,\"currency\":\"eur\"}")));
        String invoice = Billing.post(user, "/subscription", Map.of("plan", "family", "provider", "stripe")).statusCode(201).extract().jsonPath().getString("invoice.id");
        collect();
        Billing.get(user, "/invoices/" + invoice).statusCode(200).body("status", Matchers.equalTo("open"));
        webhook(event("payment_intent.payment_failed", "{\"id\":\"" + pi + "\",\"object\":\"payment_intent\",\"last_payment_error\":{\"message\":\"Your card was declined.\"},"
                + "\"metadata\":{\"invoice\":\"" + invoice + "\"}}")).statusCode(200);
        Billing.get(user, "/invoices/" + invoice).statusCode(200).body("status", Matchers.equalTo("open")).body("lastError", Matchers.equalTo("Your card was declined."));
        webhook(event("payment_intent.succeeded", "{\"id\":\"" + pi + "\",\"object\":\"payment_intent\",\"amount_received\":800,\"currency\":\"eur\","
                + "\"metadata\":{\"invoice\":\"" + invoice + "\"}}")).statusCode(200);
        Billing.get(user, "/invoices/" + invoice).statusCode(200).body("status", Matchers.equalTo("paid"));
        Billing.get(user, "/entitlements").statusCode(200).body("plan", Matchers.equalTo("family"));
    }

    @Test
    void aDeclinedCardLeavesTheInvoiceOpenWithTheReason() throws Exception {
        TestPeer user = TestPeer.create();
        customerWithCard(user);
        stripe.register(post(urlEqualTo("/v1/payment_intents")).withRequestBody(containing(user.id()))
                .willReturn(aResponse().withStatus(402).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\",\"message\":\"Your card was declined.\"}}")));
        String invoice = Billing.post(user, "/subscription", Map.of("plan", "personal", "provider", "stripe")).statusCode(201).extract().jsonPath().getString("invoice.id");
        String ledger = Billing.ledgerState();
        collect();
        Billing.get(user, "/invoices/" + invoice).statusCode(200).body("status", Matchers.equalTo("open"))
                .body("lastError", Matchers.containsString("card_declined")).body("attempts", Matchers.equalTo(1));
        assertEquals(ledger, Billing.ledgerState());
    }

    @Test
    void forgedStaleAndUnsignedWebhooksAreRefusedAndChangeNothing() throws Exception {
        String ledger = Billing.ledgerState();
        String payload = event("charge.dispute.created", "{\"id\":\"dp_x\",\"object\":\"dispute\",\"payment_intent\":\"pi_x\",\"amount\":300,\"currency\":\"eur\"}");
        long now = Instant.now().getEpochSecond();
        Billing.problem(webhook(payload, null), 400, "webhook-signature-invalid");
        Billing.problem(webhook(payload, "t=" + now + ",v1=" + Webhook.Util.computeHmacSha256("whsec_wrong", now + "." + payload)), 400, "webhook-signature-invalid");
        Billing.problem(webhook(payload, sign(payload, now - 301)), 400, "webhook-signature-invalid");
        Billing.problem(webhook(payload.replace("300", "900"), sign(payload, now)), 400, "webhook-signature-invalid");
        Billing.problem(webhook(payload, "garbage"), 400, "webhook-signature-invalid");
        Billing.problem(webhook("not json", sign("not json", now)), 400, "malformed-request");
        Billing.problem(webhook("{}", sign("{}", now)), 422, "invalid-field");
        assertEquals(ledger, Billing.ledgerState());
        assertEquals(0, Billing.scalar("SELECT count(*) FROM billing.stripe_events WHERE id = 'dp_x'"));
    }
}
