package peers.billing.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.RestAssured;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.peers.TestPeer;
import peers.testing.process.ServiceProcess;

/**
 * The packaged service: acknowledged payments survive SIGKILL (invoices, ledger, subscription, and the
 * idempotent answer replayed after the restart); and two replicas renewing at the same moment renew each
 * due subscription once.
 */
class RestartIT {

    final List<ServiceProcess> services = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (ServiceProcess s : services) {
            s.kill();
        }
        RestAssured.reset();
    }

    ServiceProcess start() throws Exception {
        Map<String, String> config = new LinkedHashMap<>(PeersInfra.get().quarkusConfig());
        config.put("peers.billing.operator-keys", Billing.OPERATOR.id());
        config.put("peers.billing.renewal-interval", "off");
        ServiceProcess s = new ServiceProcess(Path.of("target/quarkus-app/quarkus-run.jar"), config).start(Duration.ofSeconds(90));
        services.add(s);
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = s.httpPort();
        return s;
    }

    @Test
    void acknowledgedPaymentsSurviveAKill() throws Exception {
        ServiceProcess first = start();
        TestPeer user = TestPeer.create();
        String invoice = Billing.subscribe(user, "family");
        String payKey = "pay-" + invoice;
        String answer = Billing.post(Billing.OPERATOR, "/operator/invoices/" + invoice + "/payments", Map.of("amountMinor", 800, "currency", "EUR"), payKey)
                .statusCode(200).extract().asString();
        String ledger = Billing.ledgerState();
        first.kill();
        services.clear();

        start();
        Billing.get(user, "/subscription").statusCode(200).body("subscription.status", equalTo("active")).body("plan", equalTo("family"));
        Billing.get(user, "/invoices").statusCode(200).body("invoices", hasSize(1)).body("invoices[0].status", equalTo("paid"));
        assertEquals(ledger, Billing.ledgerState());
        String again = Billing.post(Billing.OPERATOR, "/operator/invoices/" + invoice + "/payments", Map.of("amountMinor", 800, "currency", "EUR"), payKey)
                .statusCode(200).header("Idempotent-Replayed", "true").extract().asString();
        assertEquals(answer, again);
        assertEquals(ledger, Billing.ledgerState());
    }

    @Test
    void twoReplicasRenewEachDueSubscriptionOnce() throws Exception {
        ServiceProcess a = start();
        ServiceProcess b = start();
        List<TestPeer> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestPeer u = TestPeer.create();
            Billing.pay(Billing.subscribe(u, "personal"), 300, "EUR").statusCode(200);
            users.add(u);
        }
        // Time passes for these subscriptions: their period ends now.
        try (Connection c = Billing.db(); Statement s = c.createStatement()) {
            for (TestPeer u : users) {
                s.executeUpdate("UPDATE billing.subscriptions SET period_start = period_start - interval '40 days', period_end = now() - interval '1 minute' "
                        + "WHERE peer_key = '" + u.id() + "'");
            }
        }
        CompletableFuture<Integer> ra = CompletableFuture.supplyAsync(() -> renew(a));
        CompletableFuture<Integer> rb = CompletableFuture.supplyAsync(() -> renew(b));
        int total = ra.get() + rb.get();
        assertEquals(true, total >= users.size(), "renewed " + total);
        for (TestPeer u : users) {
            assertEquals(2, Billing.scalar("SELECT count(*) FROM billing.invoices WHERE peer_key = '" + u.id() + "'"), "exactly one renewal for " + u.id());
        }
    }

    static int renew(ServiceProcess s) {
        return given().baseUri("http://127.0.0.1").port(s.httpPort()).filter(Billing.OPERATOR.signed())
                .header("Idempotency-Key", java.util.UUID.randomUUID().toString()).post(Billing.BASE + "/operator/renewals")
                .then().statusCode(200).extract().jsonPath().getInt("renewed");
    }
}
