package peers.common.limits;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/**
 * Token-bucket rate limiting by (named limit, subject), where the subject is a peer key or a client
 * address. Buckets live in this replica's memory: with N replicas behind a load balancer a client
 * gets at most N times the limit, which is the accepted trade for keeping the edge stateless and
 * the database out of every request's hot path.
 */
@ApplicationScoped
public class RateLimiter {

    /** Beyond this many live buckets, new subjects are refused rather than growing memory without bound. */
    static final int MAX_BUCKETS = 200_000;

    private final Map<String, RateLimitConfig.Limit> limits;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(RateLimitConfig config, Clock clock) {
        this.limits = Map.copyOf(config.limits());
        this.clock = clock;
    }

    /**
     * Takes one token for {@code subject} from limit {@code name}.
     *
     * @throws ProblemException 429 naming the limit, with Retry-After, when none is left
     * @throws IllegalArgumentException when no limit of that name is configured (a programming error)
     */
    public void check(String name, String subject) {
        RateLimitConfig.Limit limit = limits.get(name);
        if (limit == null) {
            throw new IllegalArgumentException("no rate limit named '" + name + "' is configured");
        }
        long now = clock.millis();
        if (buckets.size() >= MAX_BUCKETS && !buckets.containsKey(name + '\0' + subject)) {
            purge();
        }
        Bucket b = buckets.computeIfAbsent(name + '\0' + subject, k -> new Bucket(limit.capacity(), now));
        long waitMillis = b.take(limit, now);
        if (waitMillis > 0) {
            long seconds = Math.max(1, (waitMillis + 999) / 1000);
            throw new ProblemException(ProblemType.RATE_LIMITED,
                    "rate limit '" + name + "' allows " + limit.capacity() + " requests per " + limit.refillPeriod().toSeconds()
                            + " s; retry after " + seconds + " s")
                    .with("limit", name).withHeader("Retry-After", Long.toString(seconds));
        }
    }

    /** Takes a token for the client's address (the forwarded one when proxy forwarding is trusted). */
    public void checkClient(String name, io.vertx.core.http.HttpServerRequest request) {
        var addr = request.remoteAddress();
        check(name, addr == null ? "unknown" : addr.hostAddress() == null ? addr.host() : addr.hostAddress());
    }

    /** Forgets buckets that have refilled completely: they behave exactly like new ones. */
    @Scheduled(every = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        long now = clock.millis();
        buckets.entrySet().removeIf(e -> {
            RateLimitConfig.Limit limit = limits.get(e.getKey().substring(0, e.getKey().indexOf('\0')));
            return limit == null || e.getValue().isFull(limit, now);
        });
    }

    int liveBuckets() {
        return buckets.size();
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.updated = now;
        }

        synchronized long take(RateLimitConfig.Limit limit, long now) {
            refill(limit, now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double perMilli = limit.capacity() / (double) limit.refillPeriod().toMillis();
            return (long) Math.ceil((1 - tokens) / perMilli);
        }

        synchronized boolean isFull(RateLimitConfig.Limit limit, long now) {
            refill(limit, now);
            return tokens >= limit.capacity();
        }

        private void refill(RateLimitConfig.Limit limit, long now) {
            if (now > updated) {
                double perMilli = limit.capacity() / (double) limit.refillPeriod().toMillis();
                tokens = Math.min(limit.capacity(), tokens + (now - updated) * perMilli);
                updated = now;
            }
        }
    }
}
