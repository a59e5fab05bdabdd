package peers.billing.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.billing.subscriptions.Renewals;
import peers.billing.testsupport.BillingTestResource;
import peers.billing.testsupport.TestClock;
import peers.testing.peers.TestPeer;

/**
 * Four renewal runs at once (as four replicas' jobs would be, each on its own connections) renew every due
 * subscription exactly once: SKIP LOCKED hands each row to one run.
 */
@QuarkusTest
@WithTestResource(value = BillingTestResource.class, scope = TestResourceScope.GLOBAL)
class RenewalConcurrencyTest {

    @Inject
    Renewals renewals;
    @Inject
    TestClock clock;

    @AfterEach
    void reset() {
        clock.reset();
    }

    @Test
    void concurrentRunsRenewEachSubscriptionOnce() {
        List<TestPeer> users = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            TestPeer u = TestPeer.create();
            Billing.pay(Billing.subscribe(u, i % 2 == 0 ? "personal" : "family"), i % 2 == 0 ? 300 : 800, "EUR").statusCode(200);
            users.add(u);
        }
        clock.advance(Duration.ofDays(33));
        var now = clock.instant();
        List<Renewals.Run> runs = Uni.join().all(renewals.runDue(now), renewals.runDue(now), renewals.runDue(now), renewals.runDue(now))
                .andFailFast().await().atMost(Duration.ofSeconds(120));
        clock.reset();
        int renewed = runs.stream().mapToInt(Renewals.Run::renewed).sum();
        assertEquals(true, renewed >= users.size(), "at least our 30 were renewed: " + runs);
        for (TestPeer u : users) {
            assertEquals(2, Billing.scalar("SELECT count(*) FROM billing.invoices WHERE peer_key = '" + u.id() + "'"), "one renewal invoice for " + u.id());
        }
        assertEquals(0, Billing.scalar("SELECT count(*) FROM (SELECT subscription_id, min(li.period_start) FROM billing.invoices i "
                + "JOIN billing.invoice_lines li ON li.invoice_id = i.id WHERE i.kind = 'renewal' GROUP BY subscription_id, li.period_start HAVING count(*) > 1) d"),
                "no period is invoiced twice");
    }
}
