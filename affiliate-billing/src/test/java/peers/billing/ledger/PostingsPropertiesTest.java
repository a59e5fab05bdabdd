package peers.billing.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Property-based checks of the ledger's arithmetic (jqwik, run by Surefire beside the Quarkus tests): any
 * sequence of payments, refunds and chargebacks over invoices in several currencies, attributed or not, at
 * any share, keeps (1) every transaction summing to zero per currency and (2) each app's payable equal to
 * the sum over its invoices of floor((paid - reversed) * bps / 10000), to the cent.
 */
class PostingsPropertiesTest {

    record Invoice(String currency, long total, String app, int bps) {
    }

    /** One reversal: which invoice, and what fraction (per mille) of what remains is given back. */
    record Reversal(int invoice, int perMille, boolean chargeback) {
    }

    @Provide
    Arbitrary<List<Invoice>> invoices() {
        Arbitrary<Invoice> one = Combinators.combine(
                Arbitraries.of("EUR", "USD", "JPY"),
                Arbitraries.longs().between(1, 100_000_000L),
                Arbitraries.of("app_a", "app_b", null),
                Arbitraries.integers().between(0, 10_000)).as(Invoice::new);
        return one.list().ofMinSize(1).ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<Reversal>> reversals() {
        return Combinators.combine(Arbitraries.integers().between(0, 19), Arbitraries.integers().between(1, 1000), Arbitraries.of(true, false))
                .as(Reversal::new).list().ofMaxSize(40);
    }

    @Property(tries = 500)
    void everyTransactionBalancesAndPayablesMatchShares(@ForAll("invoices") List<Invoice> invoices, @ForAll("reversals") List<Reversal> reversals) {
        Map<String, Long> balances = new HashMap<>();
        long[] reversed = new long[invoices.size()];
        List<List<Postings.Entry>> transactions = new ArrayList<>();
        for (Invoice inv : invoices) {
            transactions.add(Postings.payment("manual", inv.currency(), inv.total(), inv.app(), inv.bps()));
        }
        for (Reversal r : reversals) {
            int i = r.invoice() % invoices.size();
            Invoice inv = invoices.get(i);
            long net = inv.total() - reversed[i];
            long amount = Math.max(1, net * r.perMille() / 1000);
            if (net == 0) {
                continue;
            }
            transactions.add(Postings.reversal(r.chargeback() ? "stripe" : "manual", inv.currency(), net, Math.min(amount, net), inv.app(), inv.bps()));
            reversed[i] += Math.min(amount, net);
        }
        for (List<Postings.Entry> t : transactions) {
            Map<String, Long> perCurrency = new HashMap<>();
            for (Postings.Entry e : t) {
                assertTrue(e.amountMinor() != 0, "no zero entries");
                perCurrency.merge(e.currency(), e.amountMinor(), Long::sum);
                balances.merge(e.account() + "/" + e.currency(), e.amountMinor(), Long::sum);
            }
            perCurrency.forEach((c, sum) -> assertEquals(0L, sum, "transaction sums to zero in " + c + ": " + t));
        }
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < invoices.size(); i++) {
            Invoice inv = invoices.get(i);
            if (inv.app() != null) {
                expected.merge(Postings.payable(inv.app()) + "/" + inv.currency(), -Postings.share(inv.total() - reversed[i], inv.bps()), Long::sum);
            }
        }
        for (String app : List.of("app_a", "app_b")) {
            for (String c : List.of("EUR", "USD", "JPY")) {
                String k = Postings.payable(app) + "/" + c;
                assertEquals(expected.getOrDefault(k, 0L), balances.getOrDefault(k, 0L), "payable of " + k);
            }
        }
    }

    @Property
    void theShareNeverExceedsTheAmountNorGoesNegative(@ForAll @LongRange(min = 0, max = 100_000_000_000L) long net, @ForAll @IntRange(min = 0, max = 10_000) int bps) {
        long share = Postings.share(net, bps);
        assertTrue(share >= 0 && share <= net);
    }

    @Property
    void aFullRefundUndoesThePaymentExactly(@ForAll @LongRange(min = 1, max = 100_000_000L) long total, @ForAll @IntRange(min = 0, max = 10_000) int bps) {
        Map<String, Long> b = new HashMap<>();
        Postings.payment("manual", "EUR", total, "app_x", bps).forEach(e -> b.merge(e.account(), e.amountMinor(), Long::sum));
        Postings.reversal("manual", "EUR", total, total, "app_x", bps).forEach(e -> b.merge(e.account(), e.amountMinor(), Long::sum));
        b.values().forEach(v -> assertEquals(0L, v));
    }
}
