package peers.billing.plans;

/** One plan of the catalog: its price per period and what it entitles to. */
public record Plan(String name, long priceMinor, String currency, int periodMonths, Entitlement entitlement) {

    /** Limits a plan grants, named as in the {@code peers.entitlements} events. */
    public record Entitlement(int syncRetentionDays, long syncBytes, long syncRecords, long backupBytes, long turnBytesPerMonth) {
    }

    public boolean isFree() {
        return priceMinor == 0;
    }
}
