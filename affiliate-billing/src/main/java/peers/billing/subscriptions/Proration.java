package peers.billing.subscriptions;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

/**
 * Proration of a plan change in the middle of a period, in integer minor units: the unused part of the
 * old price is credited and the remaining part of the new price charged, each as {@code floor(price *
 * remaining / period)} with time counted in seconds.
 */
public final class Proration {

    private Proration() {
    }

    /** The part of {@code priceMinor} that covers {@code [now, end)} of the period {@code [start, end)}. */
    public static long remaining(long priceMinor, Instant start, Instant end, Instant now) {
        long total = Duration.between(start, end).toSeconds();
        long left = Math.max(0, Math.min(total, Duration.between(now, end).toSeconds()));
        if (total <= 0) {
            return 0;
        }
        return BigInteger.valueOf(priceMinor).multiply(BigInteger.valueOf(left)).divide(BigInteger.valueOf(total)).longValueExact();
    }
}
