package peers.billing.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import peers.billing.testsupport.BillingTestResource;
import peers.testing.peers.TestPeer;

/**
 * The ledger as stored in PostgreSQL, after a random mix of payments, refunds and chargebacks through the
 * API (seeded, so a failure repeats): every transaction sums to zero per currency, each app's payable equals
 * the sum of its invoices' shares of paid-minus-reversed, cash equals paid-minus-reversed; and the database
 * itself refuses an unbalanced transaction and any update or delete of ledger rows.
 */
@QuarkusTest
@WithTestResource(value = BillingTestResource.class, scope = TestResourceScope.GLOBAL)
class LedgerInvariantsTest {

    @Test
    void randomMoneyMovementsKeepTheBooksExact() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        TestPeer dev = TestPeer.create();
        String app = Billing.registerApp(dev);
        Billing.post(Billing.OPERATOR, "/operator/apps/" + app + "/share", Map.of("shareBps", 1 + random.nextInt(9999))).statusCode(200);
        List<String> paid = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            TestPeer user = TestPeer.create();
            if (random.nextInt(4) > 0) {
                Billing.post(user, "/attributions", Map.of("appId", app)).statusCode(200);
            }
            String plan = random.nextBoolean() ? "personal" : "family";
            String invoice = Billing.subscribe(user, plan);
            Billing.pay(invoice, "personal".equals(plan) ? 300 : 800, "EUR").statusCode(200);
            paid.add(invoice);
        }
        for (int i = 0; i < 20; i++) {
            String invoice = paid.get(random.nextInt(paid.size()));
            long left = 0;
            try (Connection c = Billing.db(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT total_minor - reversed_minor FROM billing.invoices WHERE id = '" + invoice + "'")) {
                rs.next();
                left = rs.getLong(1);
            }
            if (left == 0) {
                continue;
            }
            long amount = 1 + (long) random.nextInt((int) left);
            String kind = random.nextBoolean() ? "refunds" : "chargebacks";
            Billing.post(Billing.OPERATOR, "/operator/invoices/" + invoice + "/" + kind, Map.of("amountMinor", amount, "currency", "EUR"))
                    .statusCode(200);
        }
        String context = "seed " + seed;
        assertEquals(0, Billing.scalar("SELECT count(*) FROM (SELECT transaction_id, currency FROM billing.ledger_entries GROUP BY 1, 2 HAVING sum(amount_minor) <> 0) x"),
                "unbalanced transactions; " + context);
        long payable = -Billing.scalar("SELECT coalesce(sum(amount_minor), 0) FROM billing.ledger_entries WHERE account = 'payable:app:" + app + "'");
        long shares = Billing.scalar("SELECT coalesce(sum((total_minor - reversed_minor) * share_bps / 10000), 0) FROM billing.invoices "
                + "WHERE app_id = '" + app + "' AND status = 'paid'");
        assertEquals(shares, payable, "payable = sum of shares of paid minus reversed; " + context);
        assertEquals(Billing.scalar("SELECT coalesce(sum(total_minor - reversed_minor), 0) FROM billing.invoices WHERE status = 'paid' AND provider = 'manual'"),
                Billing.scalar("SELECT coalesce(sum(amount_minor), 0) FROM billing.ledger_entries WHERE account = 'cash:manual' AND currency = 'EUR'"),
                "cash = paid minus reversed; " + context);
        // The operator's trial balance sums to zero.
        var balances = Billing.get(Billing.OPERATOR, "/operator/ledger/balances").statusCode(200).extract().jsonPath().getList("balances.balanceMinor", Long.class);
        assertEquals(0L, balances.stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void theDatabaseRefusesUnbalancedTransactionsAndEdits() throws Exception {
        TestPeer user = TestPeer.create();
        String invoice = Billing.subscribe(user, "personal");
        Billing.pay(invoice, 300, "EUR").statusCode(200);
        String before = Billing.ledgerState();
        try (Connection c = Billing.db(); Statement s = c.createStatement()) {
            String txn = java.util.UUID.randomUUID().toString();
            s.executeUpdate("INSERT INTO billing.ledger_transactions (id, kind, invoice_id, description, created_at) VALUES ('" + txn + "', 'refund', '"
                    + invoice + "', 'forged', now())");
            assertRefused(s, "INSERT INTO billing.ledger_entries (transaction_id, line_no, account, currency, amount_minor, created_at) VALUES "
                    + "('" + txn + "', 1, 'cash:manual', 'EUR', -300, now()), ('" + txn + "', 2, 'revenue:platform', 'EUR', 299, now())", "does not balance");
            assertRefused(s, "INSERT INTO billing.ledger_entries (transaction_id, line_no, account, currency, amount_minor, created_at) VALUES "
                    + "('" + txn + "', 1, 'cash:manual', 'EUR', -300, now()), ('" + txn + "', 2, 'revenue:platform', 'USD', 300, now())", "does not balance");
            assertRefused(s, "UPDATE billing.ledger_entries SET amount_minor = amount_minor * 2", "append-only");
            assertRefused(s, "DELETE FROM billing.ledger_entries", "append-only");
            assertRefused(s, "DELETE FROM billing.ledger_transactions WHERE id = '" + txn + "'", "append-only");
            assertRefused(s, "TRUNCATE billing.ledger_entries CASCADE", "append-only");
        }
        // The forged transaction header has no entries; the entries are as before.
        String after = Billing.ledgerState();
        assertEquals(before.substring(before.indexOf('/')), after.substring(after.indexOf('/')));
    }

    static void assertRefused(Statement s, String sql, String why) {
        try {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            assertTrue(e.getMessage().contains(why), e.getMessage());
            return;
        }
        throw new AssertionError("PostgreSQL accepted: " + sql);
    }
}
