package peers.billing.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import peers.billing.testsupport.BillingTestResource;
import peers.testing.peers.TestPeer;

/**
 * The list of bad input, and the usual malformed requests: each gets a problem+json 4xx, never a
 * 5xx, and the ledger is exactly as before (transactions, entries and amounts), as are invoices.
 */
@QuarkusTest
@WithTestResource(value = BillingTestResource.class, scope = TestResourceScope.GLOBAL)
class BadInputTest {

    TestPeer user;
    String paidInvoice;
    String openInvoice;
    String ledger;
    long invoices;

    @BeforeEach
    void setUp() {
        user = TestPeer.create();
        paidInvoice = Billing.subscribe(user, "personal");
        Billing.pay(paidInvoice, 300, "EUR").statusCode(200);
        TestPeer other = TestPeer.create();
        openInvoice = Billing.subscribe(other, "family");
        ledger = Billing.ledgerState();
        invoices = Billing.scalar("SELECT count(*) FROM billing.invoices");
    }

    @AfterEach
    void untouched() {
        assertEquals(ledger, Billing.ledgerState(), "the ledger is untouched");
        assertEquals(invoices, Billing.scalar("SELECT count(*) FROM billing.invoices"), "no invoice was written");
    }

    ValidatableResponse raw(TestPeer who, String path, String body) {
        return given().filter(who.signed()).header("Idempotency-Key", UUID.randomUUID().toString()).contentType(ContentType.JSON).body(body)
                .post(Billing.BASE + path).then();
    }

    @Test
    void unknownPlans() {
        TestPeer p = TestPeer.create();
        Billing.problem(Billing.post(p, "/subscription", Map.of("plan", "platinum")), 422, "plan-unknown").body("field", equalTo("plan"));
        Billing.problem(Billing.post(p, "/subscription", Map.of("plan", "free")), 422, "invalid-field");
        Billing.problem(raw(p, "/subscription", "{}"), 422, "plan-unknown");
        Billing.problem(Billing.post(user, "/subscription/change", Map.of("plan", "platinum")), 422, "plan-unknown");
        Billing.problem(Billing.post(p, "/subscription", Map.of("plan", "personal", "provider", "paypal")), 422, "provider-unavailable");
    }

    @Test
    void negativeZeroAndAbsurdAmounts() {
        String path = "/operator/invoices/" + openInvoice + "/payments";
        Billing.problem(Billing.post(Billing.OPERATOR, path, Map.of("amountMinor", -800, "currency", "EUR")), 422, "amount-invalid");
        Billing.problem(Billing.post(Billing.OPERATOR, path, Map.of("amountMinor", 0, "currency", "EUR")), 422, "amount-invalid");
        Billing.problem(Billing.post(Billing.OPERATOR, path, Map.of("amountMinor", 799, "currency", "EUR")), 422, "amount-invalid");
        Billing.problem(Billing.post(Billing.OPERATOR, path, Map.of("amountMinor", 1_000_000_000_000L, "currency", "EUR")), 422, "amount-invalid");
        Billing.problem(raw(Billing.OPERATOR, path, "{\"amountMinor\":1e40,\"currency\":\"EUR\"}"), 400, "malformed-request");
        Billing.problem(raw(Billing.OPERATOR, path, "{\"amountMinor\":99999999999999999999999,\"currency\":\"EUR\"}"), 400, "malformed-request");
        Billing.problem(raw(Billing.OPERATOR, path, "{\"amountMinor\":8.5,\"currency\":\"EUR\"}"), 400, "malformed-request");
        Billing.problem(raw(Billing.OPERATOR, path, "{\"amountMinor\":\"800\",\"currency\":\"EUR\"}"), 400, "malformed-request");
        Billing.problem(raw(Billing.OPERATOR, path, "{\"currency\":\"EUR\"}"), 422, "invalid-field");
        String refunds = "/operator/invoices/" + paidInvoice + "/refunds";
        Billing.problem(Billing.post(Billing.OPERATOR, refunds, Map.of("amountMinor", 301, "currency", "EUR")), 422, "amount-invalid");
        Billing.problem(Billing.post(Billing.OPERATOR, refunds, Map.of("amountMinor", -1, "currency", "EUR")), 422, "amount-invalid");
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/invoices/" + paidInvoice + "/chargebacks", Map.of("amountMinor", 100_000, "currency", "EUR")), 422, "amount-invalid");
    }

    @Test
    void currencyMismatches() {
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/invoices/" + openInvoice + "/payments", Map.of("amountMinor", 800, "currency", "USD")), 422, "currency-mismatch");
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/invoices/" + openInvoice + "/payments", Map.of("amountMinor", 800)), 422, "currency-mismatch");
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/invoices/" + paidInvoice + "/refunds", Map.of("amountMinor", 100, "currency", "JPY")), 422, "currency-mismatch");
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/invoices/" + paidInvoice + "/chargebacks", Map.of("amountMinor", 100, "currency", "usd")), 422, "currency-mismatch");
        Billing.problem(Billing.post(user, "/subscription/change", Map.of("plan", "team-usd")), 422, "currency-mismatch");
    }

    @Test
    void duplicateIdempotencyKeysWithDifferentBodies() {
        String key = "pay-" + UUID.randomUUID();
        TestPeer p = TestPeer.create();
        Billing.post(p, "/apps", Map.of("name", "One", "contact", "a@example.org"), key).statusCode(201);
        Billing.problem(Billing.post(p, "/apps", Map.of("name", "Two", "contact", "a@example.org"), key), 422, "idempotency-key-reused");
        Billing.problem(Billing.post(p, "/attributions", Map.of("appId", "app_AAAAAAAAAAAAAAAAAAAAAA"), key), 422, "idempotency-key-reused");
        Billing.get(p, "/apps").statusCode(200).body("apps.size()", equalTo(1));
        // The operator's payment: the same key for another invoice is refused; missing or malformed keys too.
        String opKey = "op-" + UUID.randomUUID();
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/invoices/" + paidInvoice + "/payments", Map.of("amountMinor", 300, "currency", "EUR"), opKey),
                409, "invoice-state");
        Billing.problem(given().filter(p.signed()).contentType(ContentType.JSON).body(Map.of("plan", "personal")).post(Billing.BASE + "/subscription").then(),
                400, "idempotency-key-required");
        Billing.problem(Billing.post(p, "/subscription", Map.of("plan", "personal"), "short"), 422, "invalid-field");
        Billing.problem(Billing.post(p, "/subscription", Map.of("plan", "personal"), "has spaces in it"), 422, "invalid-field");
    }

    @Test
    void otherDevelopersAppsAndOtherUsersInvoices() {
        TestPeer dev = TestPeer.create();
        String app = Billing.registerApp(dev);
        TestPeer intruder = TestPeer.create();
        Billing.problem(Billing.get(intruder, "/apps/" + app), 403, "not-app-owner");
        Billing.problem(Billing.get(intruder, "/apps/" + app + "/report"), 403, "not-app-owner");
        Billing.problem(Billing.get(intruder, "/invoices/" + paidInvoice), 404, "invoice-unknown");
        Billing.problem(Billing.post(intruder, "/operator/invoices/" + openInvoice + "/payments", Map.of("amountMinor", 800, "currency", "EUR")), 403, "not-operator");
        Billing.problem(Billing.post(user, "/operator/invoices/" + paidInvoice + "/refunds", Map.of("amountMinor", 300, "currency", "EUR")), 403, "not-operator");
        Billing.problem(Billing.post(intruder, "/operator/renewals", null), 403, "not-operator");
        Billing.problem(Billing.get(intruder, "/operator/ledger/balances"), 403, "not-operator");
    }

    @Test
    void unknownAndMalformedIds() {
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/invoices/" + UUID.randomUUID() + "/payments", Map.of("amountMinor", 800, "currency", "EUR")), 404, "invoice-unknown");
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/invoices/not-a-uuid/payments", Map.of("amountMinor", 800, "currency", "EUR")), 422, "invalid-field");
        Billing.problem(Billing.get(user, "/invoices/not-a-uuid"), 422, "invalid-field");
        Billing.problem(Billing.get(user, "/apps/nope"), 422, "invalid-field");
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/apps/app_AAAAAAAAAAAAAAAAAAAAAA/share", Map.of("shareBps", 10)), 404, "app-unknown");
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/invoices/" + paidInvoice + "/void", null), 409, "invoice-state");
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/invoices/" + openInvoice + "/refunds", Map.of("amountMinor", 1, "currency", "EUR")), 409, "invoice-state");
        Billing.problem(Billing.post(TestPeer.create(), "/subscription/cancel", null), 404, "no-subscription");
        Billing.problem(Billing.post(TestPeer.create(), "/subscription/change", Map.of("plan", "family")), 404, "no-subscription");
        Billing.problem(Billing.get(user, "/invoices?limit=0"), 422, "invalid-field");
    }

    @Test
    void malformedBodiesWrongTypesAndOversize() {
        Billing.problem(raw(user, "/apps", "{\"name\":"), 400, "malformed-request");
        Billing.problem(raw(user, "/apps", "not json"), 400, "malformed-request");
        Billing.problem(raw(user, "/apps", "{\"name\":[],\"contact\":\"x\"}"), 400, "malformed-request");
        Billing.problem(raw(user, "/apps", "{\"name\":\"n\",\"contact\":\"c\",\"owner\":\"me\"}"), 400, "malformed-request");
        Billing.problem(raw(user, "/apps", "{}"), 422, "invalid-field").body("field", equalTo("name"));
        Billing.problem(raw(user, "/apps", "{\"name\":\"" + "x".repeat(101) + "\",\"contact\":\"c\"}"), 422, "invalid-field");
        Billing.problem(raw(user, "/apps", "{\"name\":\"bad\\u0000name\",\"contact\":\"c\"}"), 422, "invalid-field");
        Billing.problem(raw(user, "/apps", "null"), 422, "invalid-field");
        Billing.problem(raw(Billing.OPERATOR, "/operator/payments", "{\"payments\":[]}"), 422, "invalid-field");
        Billing.problem(raw(Billing.OPERATOR, "/operator/payments", "{\"payments\":[{\"invoiceId\":\"" + openInvoice + "\",\"amountMinor\":800,\"currency\":\"EUR\"},"
                + "{\"invoiceId\":\"" + openInvoice + "\",\"amountMinor\":800,\"currency\":\"EUR\"}]}"), 422, "invalid-field");
        // A batch with one bad payment records none of them.
        Billing.problem(raw(Billing.OPERATOR, "/operator/payments", "{\"payments\":[{\"invoiceId\":\"" + openInvoice + "\",\"amountMinor\":800,\"currency\":\"EUR\"},"
                + "{\"invoiceId\":\"" + paidInvoice + "\",\"amountMinor\":300,\"currency\":\"EUR\"}]}"), 409, "invoice-state");
        Billing.problem(given().filter(user.signed()).header("Idempotency-Key", UUID.randomUUID().toString()).contentType(ContentType.TEXT).body("hello")
                .post(Billing.BASE + "/apps").then(), 415, "unsupported-media-type");
        Billing.problem(raw(user, "/apps", "{\"name\":\"" + "x".repeat(300_000) + "\",\"contact\":\"c\"}"), 413, "body-too-large");
    }

    @Test
    void missingInvalidAndReplayedSignatures() {
        Billing.problem(given().header("Idempotency-Key", UUID.randomUUID().toString()).contentType(ContentType.JSON).body(Map.of("plan", "personal"))
                .post(Billing.BASE + "/subscription").then(), 401, "signature-required");
        Billing.problem(given().filter(user.signed(o -> o.created(Instant.now().minusSeconds(3600)))).get(Billing.BASE + "/invoices").then(), 401, "signature-expired");
        Billing.problem(given().filter(user.signed(o -> o.tamperBody("{\"amountMinor\":1,\"currency\":\"EUR\"}"))).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(ContentType.JSON).body(Map.of("amountMinor", 800, "currency", "EUR")).post(Billing.BASE + "/operator/invoices/" + openInvoice + "/payments").then(),
                400, "digest-mismatch");
        Billing.problem(given().filter(user.signed(o -> o.keyId(Billing.OPERATOR.id()))).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(ContentType.JSON).body(Map.of("amountMinor", 800, "currency", "EUR")).post(Billing.BASE + "/operator/invoices/" + openInvoice + "/payments").then(),
                401, "signature-invalid");
        String nonce = UUID.randomUUID().toString();
        given().filter(user.signed(o -> o.nonce(nonce))).get(Billing.BASE + "/invoices").then().statusCode(200);
        Billing.problem(given().filter(user.signed(o -> o.nonce(nonce))).get(Billing.BASE + "/invoices").then(), 401, "signature-replayed");
        List.of("/subscription", "/invoices", "/entitlements", "/usage", "/apps").forEach(p ->
                Billing.problem(given().get(Billing.BASE + p).then(), 401, "signature-required"));
    }
}
