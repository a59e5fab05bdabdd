package peers.common.limits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.Map;

/**
 * Named rate limits, as data: {@code peers.rate-limits."<name>".capacity} and
 * {@code peers.rate-limits."<name>".refill-period}. Each service declares the limits it applies in
 * its application.properties, so an operator can see and tune every one of them in one place.
 */
@ConfigMapping(prefix = "peers.rate-limits")
public interface RateLimitConfig {

    /** Every named limit. */
    @WithParentName
    Map<String, Limit> limits();

    interface Limit {
        /** Burst size: how many requests a fresh bucket allows at once. */
        int capacity();

        /** Time to refill the whole bucket (tokens come back continuously). */
        Duration refillPeriod();
    }
}
