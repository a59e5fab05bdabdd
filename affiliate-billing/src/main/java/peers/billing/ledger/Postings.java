package peers.billing.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * What the ledger records for each money movement, as pure arithmetic on integer minor units.
 *
 * <p>Accounts: {@code cash:<provider>} (money received through a payment provider; debit), {@code
 * revenue:platform} (the platform's part; credit) and {@code payable:app:<app id>} (what the platform owes
 * the app that brought the payer; credit). Debits are positive and credits negative, so each
 * transaction's entries sum to zero per currency.
 *
 * <p>An app's share of an invoice is {@code floor(net * bps / 10000)} of its net paid amount (paid minus
 * refunded and charged back). A reversal moves the payable by exactly the change of that share, so after
 * any sequence of payments and reversals an app's payable is the sum of the shares of its invoices' net
 * amounts, to the cent, with no rounding drift.
 */
public final class Postings {

    public static final String REVENUE = "revenue:platform";

    /** One entry: signed minor units (debit positive, credit negative). */
    public record Entry(String account, String currency, long amountMinor) {
    }

    private Postings() {
    }

    public static String cash(String provider) {
        return "cash:" + provider;
    }

    public static String payable(String appId) {
        return "payable:app:" + appId;
    }

    /** An app's share of {@code netMinor} at {@code bps} basis points, rounded down. */
    public static long share(long netMinor, int bps) {
        if (netMinor < 0 || bps < 0 || bps > 10_000) {
            throw new IllegalArgumentException("net amount and basis points must be non-negative, bps at most 10000");
        }
        return Math.multiplyExact(netMinor, (long) bps) / 10_000;
    }

    /** A payment of {@code amountMinor} for an invoice attributed to {@code appId} (or none) at {@code bps}. */
    public static List<Entry> payment(String provider, String currency, long amountMinor, String appId, int bps) {
        if (amountMinor <= 0) {
            throw new IllegalArgumentException("a payment is positive");
        }
        long share = appId == null ? 0 : share(amountMinor, bps);
        List<Entry> entries = new ArrayList<>(3);
        entries.add(new Entry(cash(provider), currency, amountMinor));
        add(entries, REVENUE, currency, -(amountMinor - share));
        if (appId != null) {
            add(entries, payable(appId), currency, -share);
        }
        return entries;
    }

    /**
     * A refund or chargeback of {@code reversedMinor} of an invoice whose net paid amount was {@code netBeforeMinor}:
     * the exact opposite of the part of the payment that is given back.
     */
    public static List<Entry> reversal(String provider, String currency, long netBeforeMinor, long reversedMinor, String appId, int bps) {
        if (reversedMinor <= 0 || reversedMinor > netBeforeMinor) {
            throw new IllegalArgumentException("a reversal is positive and at most the net paid amount");
        }
        long shareBack = appId == null ? 0 : share(netBeforeMinor, bps) - share(netBeforeMinor - reversedMinor, bps);
        List<Entry> entries = new ArrayList<>(3);
        entries.add(new Entry(cash(provider), currency, -reversedMinor));
        add(entries, REVENUE, currency, reversedMinor - shareBack);
        if (appId != null) {
            add(entries, payable(appId), currency, shareBack);
        }
        return entries;
    }

    private static void add(List<Entry> entries, String account, String currency, long amount) {
        if (amount != 0) {
            entries.add(new Entry(account, currency, amount));
        }
    }
}
