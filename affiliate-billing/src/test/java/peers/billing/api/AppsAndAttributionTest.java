package peers.billing.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import peers.billing.testsupport.BillingTestResource;
import peers.testing.infra.PeersInfra;
import peers.testing.peers.TestPeer;

/** App registration, first-touch attribution (from managed-keys' events and from clients), operator shares, reports and statements. */
@QuarkusTest
@WithTestResource(value = BillingTestResource.class, scope = TestResourceScope.GLOBAL)
class AppsAndAttributionTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static void produce(String topic, String key, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, PeersInfra.get().kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    static String accountCreated(String id, TestPeer peer, String appId, Instant at) throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("peer", peer.id());
        data.put("accountId", "acc-" + UUID.randomUUID());
        data.put("appId", appId);
        data.put("mode", "prf");
        data.put("at", at.toString());
        var e = CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:peers:managed-keys")).withType("peers.auth.account.created.v1")
                .withSubject(peer.id()).withTime(at.atOffset(ZoneOffset.UTC)).withDataContentType("application/json")
                .withData(JSON.writeValueAsBytes(data)).build();
        return new String(EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(e), StandardCharsets.UTF_8);
    }

    static String attributedApp(TestPeer peer) {
        try (var c = Billing.db(); var s = c.prepareStatement("SELECT app_id FROM billing.attributions WHERE peer_key = ?")) {
            s.setString(1, peer.id());
            try (var rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitAttribution(TestPeer peer, String app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!app.equals(attributedApp(peer))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("peer not attributed to " + app);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void developersRegisterAndSeeOnlyTheirApps() {
        TestPeer dev = TestPeer.create();
        TestPeer other = TestPeer.create();
        JsonPath app = Billing.post(dev, "/apps", Map.of("name", "Notes", "contact", "dev@example.org", "payoutRef", "iban-ref-7")).statusCode(201)
                .body("id", startsWith("app_")).body("owner", equalTo(dev.id())).body("shareBps", equalTo(2000)).body("customShare", equalTo(false))
                .extract().jsonPath();
        String id = app.getString("id");
        Billing.get(dev, "/apps").statusCode(200).body("apps", hasSize(1)).body("apps[0].id", equalTo(id));
        Billing.get(dev, "/apps/" + id).statusCode(200).body("payoutRef", equalTo("iban-ref-7"));
        Billing.problem(Billing.get(other, "/apps/" + id), 403, "not-app-owner");
        Billing.problem(Billing.get(other, "/apps/" + id + "/report"), 403, "not-app-owner");
        Billing.problem(Billing.get(other, "/apps/" + id + "/statements/2026-01"), 403, "not-app-owner");
        Billing.problem(Billing.get(dev, "/apps/app_AAAAAAAAAAAAAAAAAAAAAA"), 404, "app-unknown");
        // Operators set shares; nobody else does.
        Billing.problem(Billing.post(dev, "/operator/apps/" + id + "/share", Map.of("shareBps", 9000)), 403, "not-operator");
        Billing.post(Billing.OPERATOR, "/operator/apps/" + id + "/share", Map.of("shareBps", 3000)).statusCode(200)
                .body("shareBps", equalTo(3000)).body("customShare", equalTo(true));
        Billing.problem(Billing.post(Billing.OPERATOR, "/operator/apps/" + id + "/share", Map.of("shareBps", 10001)), 422, "invalid-field");
    }

    @Test
    void accountCreatedEventsAttributeFirstTouchAndNothingOverwritesIt() throws Exception {
        TestPeer dev = TestPeer.create();
        String first = Billing.registerApp(dev);
        String second = Billing.registerApp(dev);
        TestPeer user = TestPeer.create();
        produce("peers.accounts", user.id(), accountCreated(UUID.randomUUID().toString(), user, first, Instant.now()));
        awaitAttribution(user, first);
        // A later event naming another app and a client's own call do not change the first touch.
        produce("peers.accounts", user.id(), accountCreated(UUID.randomUUID().toString(), user, second, Instant.now()));
        Billing.post(user, "/attributions", Map.of("appId", second)).statusCode(200).body("appId", equalTo(first)).body("created", equalTo(false))
                .body("source", equalTo("account-created"));
        Thread.sleep(1500);
        assertEquals(first, attributedApp(user));
        // The table itself refuses a rewrite.
        try (var c = Billing.db(); var s = c.createStatement()) {
            s.executeUpdate("UPDATE billing.attributions SET app_id = '" + second + "' WHERE peer_key = '" + user.id() + "'");
            throw new AssertionError("an attribution was overwritten");
        } catch (java.sql.SQLException expected) {
            assertTrue(expected.getMessage().contains("append-only"), expected.getMessage());
        }
    }

    @Test
    void clientAttributionWorksWithinTheWindowOnly() throws Exception {
        TestPeer dev = TestPeer.create();
        String app = Billing.registerApp(dev);
        TestPeer fresh = TestPeer.create();
        Billing.post(fresh, "/attributions", Map.of("appId", app)).statusCode(200).body("appId", equalTo(app)).body("created", equalTo(true))
                .body("source", equalTo("client"));
        Billing.problem(Billing.post(fresh, "/attributions", Map.of("appId", "app_AAAAAAAAAAAAAAAAAAAAAA")), 404, "app-unknown");
        // The Peers-App header of a subscribing client attributes too (first touch); an unknown app there is ignored.
        TestPeer viaHeader = TestPeer.create();
        given().filter(viaHeader.signed()).header("Idempotency-Key", UUID.randomUUID().toString()).header("Peers-App", app)
                .contentType(io.restassured.http.ContentType.JSON).body(Map.of("plan", "personal")).post(Billing.BASE + "/subscription").then().statusCode(201);
        assertEquals(app, attributedApp(viaHeader));
        TestPeer unknownHeader = TestPeer.create();
        given().filter(unknownHeader.signed()).header("Idempotency-Key", UUID.randomUUID().toString()).header("Peers-App", "app_AAAAAAAAAAAAAAAAAAAAAA")
                .contentType(io.restassured.http.ContentType.JSON).body(Map.of("plan", "personal")).post(Billing.BASE + "/subscription").then().statusCode(201);
        assertEquals(null, attributedApp(unknownHeader));
        // A key whose account was created 40 days ago (window: 30 days) can no longer be attributed.
        TestPeer old = TestPeer.create();
        produce("peers.accounts", old.id(), accountCreated(UUID.randomUUID().toString(), old, null, Instant.now().minus(Duration.ofDays(40))));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Billing.scalar("SELECT count(*) FROM billing.peers_seen WHERE peer_key = '" + old.id() + "'") == 0) {
            assertTrue(System.nanoTime() < deadline, "account event not seen");
            Thread.sleep(100);
        }
        Billing.problem(Billing.post(old, "/attributions", Map.of("appId", app)), 422, "attribution-window-closed");
    }

    @Test
    void reportsAndStatementsShowTheSharesOfPaidInvoicesAndTheirRefunds() {
        TestPeer dev = TestPeer.create();
        String app = Billing.registerApp(dev);
        TestPeer user = TestPeer.create();
        Billing.post(user, "/attributions", Map.of("appId", app)).statusCode(200);
        String invoice = Billing.subscribe(user, "family");
        Billing.pay(invoice, 800, "EUR").statusCode(200);
        Billing.post(Billing.OPERATOR, "/operator/invoices/" + invoice + "/refunds", Map.of("amountMinor", 301, "currency", "EUR")).statusCode(200)
                .body("reversedMinor", equalTo(301));

        String month = YearMonth.now(ZoneOffset.UTC).toString();
        Billing.get(dev, "/apps/" + app + "/report").statusCode(200)
                .body("signUps", equalTo(1))
                .body("activeSubscriptions", equalTo(1))
                .body("monthlyRecurringRevenue[0].currency", equalTo("EUR"))
                .body("monthlyRecurringRevenue[0].amountMinor", equalTo(800))
                .body("months[0].month", equalTo(month))
                .body("months[0].earnedMinor", equalTo(160))              // 20 % of 800
                .body("months[0].reversedMinor", equalTo(61))             // 160 - floor(499 * 20 %) = 160 - 99
                .body("months[0].payableMinor", equalTo(99))
                .body("payableBalance[0].amountMinor", equalTo(99));
        JsonPath statement = Billing.get(dev, "/apps/" + app + "/statements/" + month).statusCode(200)
                .body("lines", hasSize(2))
                .body("lines[0].kind", equalTo("payment")).body("lines[0].amountMinor", equalTo(800)).body("lines[0].shareMinor", equalTo(160))
                .body("lines[0].plan", equalTo("family")).body("lines[0].peer", equalTo(user.id()))
                .body("lines[1].kind", equalTo("refund")).body("lines[1].amountMinor", equalTo(-301)).body("lines[1].shareMinor", equalTo(-61))
                .body("totals[0].payableMinor", equalTo(99)).extract().jsonPath();
        String csv = given().filter(dev.signed()).accept("text/csv").get(Billing.BASE + "/apps/" + app + "/statements/" + month)
                .then().statusCode(200).contentType(startsWith("text/csv")).extract().asString();
        String[] rows = csv.split("\n");
        assertEquals("kind,invoiceNumber,invoiceId,at,peer,plan,currency,amountMinor,shareBps,shareMinor", rows[0]);
        assertEquals(3, rows.length, csv);
        assertTrue(rows[1].startsWith("payment," + statement.getLong("lines[0].invoiceNumber") + "," + invoice + ","), rows[1]);
        assertTrue(rows[1].endsWith(",family,EUR,800,2000,160"), rows[1]);
        assertTrue(rows[2].endsWith(",family,EUR,-301,2000,-61"), rows[2]);
        given().filter(dev.signed()).get(Billing.BASE + "/apps/" + app + "/statements/" + month + "?format=csv").then().statusCode(200)
                .contentType(startsWith("text/csv"));
        Billing.problem(Billing.get(dev, "/apps/" + app + "/statements/2026-13"), 422, "invalid-field");
        Billing.problem(Billing.get(dev, "/apps/" + app + "/statements/" + month + "?format=xml"), 422, "invalid-field");
        // Another month is empty.
        Billing.get(dev, "/apps/" + app + "/statements/2001-01").statusCode(200).body("lines", hasSize(0));
    }
}
