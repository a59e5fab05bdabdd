package peers.billing.payments;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import peers.billing.BillingConfig;
import peers.billing.BillingProblems;
import peers.common.problems.ProblemException;

/** The enabled payment providers ({@code peers.billing.providers}); the first is the default. */
@ApplicationScoped
public class Providers {

    private final Map<String, PaymentProvider> enabled = new LinkedHashMap<>();
    private final Map<String, PaymentProvider> all = new LinkedHashMap<>();

    public Providers(BillingConfig config, ManualProvider manual, StripeProvider stripe) {
        all.put(manual.name(), manual);
        all.put(stripe.name(), stripe);
        for (String name : config.providers()) {
            PaymentProvider p = all.get(name);
            if (p == null) {
                throw new IllegalStateException("peers.billing.providers: unknown provider '" + name + "'; known: " + all.keySet());
            }
            if (p == stripe && (config.stripe().apiKey().isEmpty() || config.stripe().webhookSecret().isEmpty())) {
                throw new IllegalStateException("the stripe provider needs peers.billing.stripe.api-key and peers.billing.stripe.webhook-secret");
            }
            enabled.put(name, p);
        }
        if (enabled.isEmpty()) {
            throw new IllegalStateException("peers.billing.providers names no provider");
        }
    }

    /** The provider a new subscription uses: the requested one if enabled, else the default. */
    public PaymentProvider forNew(String requested) {
        if (requested == null) {
            return enabled.values().iterator().next();
        }
        PaymentProvider p = enabled.get(requested);
        if (p == null) {
            throw new ProblemException(BillingProblems.PROVIDER_UNAVAILABLE, "payment provider '" + requested + "' is not enabled here; enabled: "
                    + String.join(", ", enabled.keySet())).with("field", "provider");
        }
        return p;
    }

    /** The provider of an existing invoice or subscription (also one disabled since, to settle what it started). */
    public PaymentProvider of(String name) {
        PaymentProvider p = all.get(name);
        if (p == null) {
            throw new IllegalStateException("unknown provider " + name);
        }
        return p;
    }

    public boolean enabled(String name) {
        return enabled.containsKey(name);
    }

    public List<String> names() {
        return List.copyOf(enabled.keySet());
    }
}
