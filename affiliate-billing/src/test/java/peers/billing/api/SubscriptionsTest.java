package peers.billing.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.billing.BillingJobs;
import peers.billing.testsupport.BillingTestResource;
import peers.billing.testsupport.TestClock;
import peers.common.outbox.EventEnvelope;
import peers.testing.infra.PeersInfra;
import peers.testing.kafka.KafkaTestConsumer;
import peers.testing.peers.TestPeer;

/** Subscribe, pay, change plans with proration, cancel, renew, lapse into grace and back to free; entitlements leave through the outbox. */
@QuarkusTest
@WithTestResource(value = BillingTestResource.class, scope = TestResourceScope.GLOBAL)
class SubscriptionsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TestClock clock;
    @Inject
    BillingJobs jobs;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** Runs the renewal job as if {@code ahead} had passed, then puts the clock back (signatures are checked against it). */
    void runJobsAfter(Duration ahead) {
        clock.advance(ahead);
        try {
            jobs.run().await().atMost(Duration.ofSeconds(60));
        } finally {
            clock.reset();
        }
    }

    static JsonNode entitlementsOf(KafkaTestConsumer events, TestPeer peer, int count) throws Exception {
        List<ConsumerRecord<String, String>> records = events.awaitRecords(r -> r.key().equals(peer.id()), count, Duration.ofSeconds(30));
        var event = EventEnvelope.parse(records.get(count - 1).value());
        assertEquals("peers.billing.entitlements.v1", event.getType());
        assertEquals("urn:peers:affiliate-billing", event.getSource().toString());
        assertEquals(peer.id(), event.getSubject());
        return JSON.readTree(EventEnvelope.data(event));
    }

    @Test
    void subscribeThenPayActivatesThePlanAndPublishesEntitlements() throws Exception {
        TestPeer user = TestPeer.create();
        try (var events = new KafkaTestConsumer(PeersInfra.get().kafka().bootstrapServers(), "peers.entitlements")) {
            JsonPath created = Billing.post(user, "/subscription", Map.of("plan", "personal")).statusCode(201)
                    .body("subscription.status", equalTo("incomplete"))
                    .body("subscription.plan", equalTo("personal"))
                    .body("invoice.status", equalTo("open"))
                    .body("invoice.totalMinor", equalTo(300))
                    .body("invoice.currency", equalTo("EUR"))
                    .body("invoice.lines", hasSize(1))
                    .extract().jsonPath();
            Billing.get(user, "/entitlements").statusCode(200).body("plan", equalTo("free"));
            JsonNode first = entitlementsOf(events, user, 1);
            assertEquals("free", first.get("plan").asText(), "unpaid: still free");

            Billing.pay(created.getString("invoice.id"), 300, "EUR").statusCode(200).body("status", equalTo("paid"));
            Billing.get(user, "/subscription").statusCode(200).body("subscription.status", equalTo("active")).body("plan", equalTo("personal"));
            JsonNode paid = entitlementsOf(events, user, 2);
            assertEquals("personal", paid.get("plan").asText());
            assertEquals(30, paid.get("syncRetentionDays").asInt());
            assertEquals(5368709120L, paid.get("syncBytes").asLong());
            assertEquals(10000000L, paid.get("syncRecords").asLong());
            assertEquals(53687091200L, paid.get("backupBytes").asLong());
            assertEquals(10737418240L, paid.get("turnBytesPerMonth").asLong());
            Instant validUntil = Instant.parse(paid.get("validUntil").asText());
            Instant periodEnd = Instant.parse(created.getString("subscription.periodEnd"));
            assertEquals(periodEnd.plus(Duration.ofDays(7)), validUntil, "period end plus grace");
        }
        // Ledger: cash in, revenue out, no app (unattributed).
        assertEquals(300, Billing.scalar("SELECT sum(amount_minor) FROM billing.ledger_entries e JOIN billing.ledger_transactions t ON t.id = e.transaction_id "
                + "JOIN billing.invoices i ON i.id = t.invoice_id WHERE i.peer_key = '" + user.id() + "' AND e.account = 'cash:manual'"));
        Billing.problem(Billing.post(user, "/subscription", Map.of("plan", "family")), 409, "subscription-exists");
    }

    @Test
    void upgradeIsProratedAndDowngradeLeavesCredit() {
        TestPeer user = TestPeer.create();
        Billing.pay(Billing.subscribe(user, "personal"), 300, "EUR").statusCode(200);
        JsonPath up = Billing.post(user, "/subscription/change", Map.of("plan", "family")).statusCode(200)
                .body("subscription.plan", equalTo("family"))
                .body("subscription.status", equalTo("past_due"))
                .body("invoice.kind", equalTo("proration"))
                .body("invoice.lines", hasSize(2)).extract().jsonPath();
        long credit = up.getLong("invoice.lines[0].amountMinor");
        long charge = up.getLong("invoice.lines[1].amountMinor");
        // Changed seconds after the period began: almost the whole of both prices.
        assertTrue(-credit >= 299 && -credit <= 300, "unused personal: " + credit);
        assertTrue(charge >= 799 && charge <= 800, "remaining family: " + charge);
        assertEquals(charge + credit, up.getLong("invoice.totalMinor"));
        Billing.get(user, "/entitlements").statusCode(200).body("plan", equalTo("family")).body("subscriptionStatus", equalTo("past_due"));
        Billing.pay(up.getString("invoice.id"), up.getLong("invoice.totalMinor"), "EUR").statusCode(200);
        Billing.get(user, "/subscription").statusCode(200).body("subscription.status", equalTo("active"));

        JsonPath down = Billing.post(user, "/subscription/change", Map.of("plan", "personal")).statusCode(200)
                .body("subscription.plan", equalTo("personal"))
                .body("subscription.status", equalTo("active"))
                .body("invoice.status", equalTo("paid"))
                .body("invoice.totalMinor", equalTo(0)).extract().jsonPath();
        long kept = down.getLong("invoice.lines[2].amountMinor");
        assertTrue(kept >= 499 && kept <= 501, "family minus personal is kept as credit: " + kept);
        Billing.get(user, "/subscription").statusCode(200).body("creditMinor", equalTo((int) kept));
        Billing.problem(Billing.post(user, "/subscription/change", Map.of("plan", "personal")), 422, "same-plan");
        Billing.problem(Billing.post(user, "/subscription/change", Map.of("plan", "team-usd")), 422, "currency-mismatch");
    }

    @Test
    void renewalIssuesAnInvoiceAndPaymentKeepsThePlan() {
        TestPeer user = TestPeer.create();
        Billing.pay(Billing.subscribe(user, "personal"), 300, "EUR").statusCode(200);
        runJobsAfter(Duration.ofDays(32));
        JsonPath sub = Billing.get(user, "/subscription").statusCode(200).body("subscription.status", equalTo("past_due")).extract().jsonPath();
        JsonPath invoices = Billing.get(user, "/invoices").statusCode(200).body("invoices", hasSize(2)).extract().jsonPath();
        assertEquals("renewal", invoices.getString("invoices[0].kind"));
        assertEquals("open", invoices.getString("invoices[0].status"));
        Billing.get(user, "/entitlements").statusCode(200).body("plan", equalTo("personal"));
        Billing.pay(invoices.getString("invoices[0].id"), 300, "EUR").statusCode(200);
        Billing.get(user, "/subscription").statusCode(200).body("subscription.status", equalTo("active"))
                .body("subscription.periodStart", equalTo(sub.getString("subscription.periodStart")));
    }

    @Test
    void unpaidRenewalEndsAfterGraceAndTheInvoiceIsUncollectible() {
        TestPeer user = TestPeer.create();
        Billing.pay(Billing.subscribe(user, "personal"), 300, "EUR").statusCode(200);
        runJobsAfter(Duration.ofDays(32));
        runJobsAfter(Duration.ofDays(32 + 8));
        Billing.get(user, "/subscription").statusCode(200).body("subscription", nullValue()).body("plan", equalTo("free"));
        Billing.get(user, "/invoices").statusCode(200).body("invoices[0].status", equalTo("uncollectible"));
        Billing.get(user, "/entitlements").statusCode(200).body("plan", equalTo("free")).body("validUntil", nullValue());
    }

    @Test
    void cancelAtPeriodEndKeepsThePlanUntilThenAndResumeTakesItBack() {
        TestPeer user = TestPeer.create();
        Billing.pay(Billing.subscribe(user, "personal"), 300, "EUR").statusCode(200);
        Billing.post(user, "/subscription/cancel", null).statusCode(200).body("subscription.cancelAtPeriodEnd", equalTo(true));
        Billing.post(user, "/subscription/resume", null).statusCode(200).body("subscription.cancelAtPeriodEnd", equalTo(false));
        Billing.problem(Billing.post(user, "/subscription/resume", null), 409, "subscription-state");
        Billing.post(user, "/subscription/cancel", null).statusCode(200);
        Billing.get(user, "/entitlements").statusCode(200).body("plan", equalTo("personal"));
        runJobsAfter(Duration.ofDays(32));
        Billing.get(user, "/subscription").statusCode(200).body("subscription", nullValue());
        Billing.get(user, "/invoices").statusCode(200).body("invoices", hasSize(1));
        // A new subscription is possible afterwards.
        Billing.subscribe(user, "family");
    }

    @Test
    void anUnpaidFirstInvoiceIsVoidedWhenCanceledOrAfterGrace() {
        TestPeer quitter = TestPeer.create();
        Billing.subscribe(quitter, "personal");
        Billing.post(quitter, "/subscription/cancel", null).statusCode(200).body("subscription.status", equalTo("ended"));
        Billing.get(quitter, "/invoices").statusCode(200).body("invoices[0].status", equalTo("void"));

        TestPeer silent = TestPeer.create();
        Billing.subscribe(silent, "personal");
        runJobsAfter(Duration.ofDays(8));
        Billing.get(silent, "/subscription").statusCode(200).body("subscription", nullValue());
        Billing.get(silent, "/invoices").statusCode(200).body("invoices[0].status", equalTo("void"));
        assertNull(null);
    }

    @Test
    void idempotentRetriesReplayTheFirstAnswer() {
        TestPeer user = TestPeer.create();
        String key = "sub-" + java.util.UUID.randomUUID();
        String first = Billing.post(user, "/subscription", Map.of("plan", "personal"), key).statusCode(201).extract().asString();
        var again = Billing.post(user, "/subscription", Map.of("plan", "personal"), key).statusCode(201).header("Idempotent-Replayed", "true");
        assertEquals(first, again.extract().asString());
        Billing.get(user, "/invoices").statusCode(200).body("invoices", hasSize(1));
        Billing.problem(Billing.post(user, "/subscription", Map.of("plan", "family"), key), 422, "idempotency-key-reused");
    }

    @Test
    void plansArePublic() {
        io.restassured.RestAssured.given().get(Billing.BASE + "/plans").then().statusCode(200)
                .body("plans[0].name", equalTo("free")).body("plans[0].priceMinor", equalTo(0))
                .body("plans.find { it.name == 'family' }.entitlements.syncRetentionDays", equalTo(60));
    }
}
