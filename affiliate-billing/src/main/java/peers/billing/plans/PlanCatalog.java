package peers.billing.plans;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Comparator;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import peers.billing.BillingConfig;
import peers.billing.BillingProblems;
import peers.common.problems.ProblemException;

/**
 * The plans of {@code peers.billing.plans.*}, checked once at start: a catalog with a bad price or an
 * unknown currency stops the service instead of billing wrongly.
 */
@ApplicationScoped
public class PlanCatalog {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private final String free;

    public PlanCatalog(BillingConfig config) {
        this.free = config.freePlan();
        config.plans().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String name = e.getKey();
            BillingConfig.PlanConfig p = e.getValue();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalStateException("plan name '" + name + "' must be 1-32 of a-z 0-9 -");
            }
            if (p.price() < 0 || p.price() > config.maxAmountMinor()) {
                throw new IllegalStateException("plan '" + name + "': price must be between 0 and " + config.maxAmountMinor());
            }
            String currency = currency(p.currency());
            if (p.periodMonths() < 1 || p.periodMonths() > 36) {
                throw new IllegalStateException("plan '" + name + "': period-months must be between 1 and 36");
            }
            if (p.syncRetentionDays() < 1 || p.syncBytes() < 0 || p.syncRecords() < 0 || p.backupBytes() < 0 || p.turnBytesPerMonth() < 0) {
                throw new IllegalStateException("plan '" + name + "': entitlements must be non-negative and retention at least one day");
            }
            plans.put(name, new Plan(name, p.price(), currency, p.periodMonths(),
                    new Plan.Entitlement(p.syncRetentionDays(), p.syncBytes(), p.syncRecords(), p.backupBytes(), p.turnBytesPerMonth())));
        });
        Plan f = plans.get(free);
        if (f == null || !f.isFree()) {
            throw new IllegalStateException("the catalog must contain the free plan '" + free + "' with price 0");
        }
        if (config.gracePeriod().toDays() > 27) {
            throw new IllegalStateException("peers.billing.grace-period must be shorter than the shortest billing period (28 days)");
        }
    }

    private static String currency(String code) {
        try {
            Currency c = Currency.getInstance(code);
            if (c.getDefaultFractionDigits() < 0) {
                throw new IllegalArgumentException();
            }
            return c.getCurrencyCode();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("'" + code + "' is not an ISO 4217 currency with minor units");
        }
    }

    public Plan free() {
        return plans.get(free);
    }

    public Collection<Plan> all() {
        return plans.values().stream().sorted(Comparator.comparingLong(Plan::priceMinor).thenComparing(Plan::name)).toList();
    }

    /** The plan of that name, or a 422 naming the plans there are. */
    public Plan require(String name) {
        Plan p = name == null ? null : plans.get(name);
        if (p == null) {
            throw new ProblemException(BillingProblems.PLAN_UNKNOWN, "no plan is named '" + name + "'; plans: " + String.join(", ", plans.keySet()))
                    .with("field", "plan");
        }
        return p;
    }

    public Plan orFree(String name) {
        Plan p = name == null ? null : plans.get(name);
        return p == null ? free() : p;
    }
}
