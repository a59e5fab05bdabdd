package peers.signaling.hub;

import peers.common.limits.RateLimitConfig;

/**
 * A token bucket of one of the configured {@code peers.rate-limits} (the same arithmetic as common's
 * RateLimiter), held by what it limits — a socket, or a key's entry in the {@link Hub} — instead of being
 * looked up by name and subject on every message.
 */
public final class TokenBucket {

    private final RateLimitConfig.Limit limit;
    private double tokens;
    private long updated;

    public TokenBucket(RateLimitConfig.Limit limit, long nowMillis) {
        this.limit = limit;
        this.tokens = limit.capacity();
        this.updated = nowMillis;
    }

    /** Takes one token: 0, or the milliseconds until one is back (nothing taken). */
    public synchronized long take(long nowMillis) {
        double perMilli = limit.capacity() / (double) limit.refillPeriod().toMillis();
        if (nowMillis > updated) {
            tokens = Math.min(limit.capacity(), tokens + (nowMillis - updated) * perMilli);
            updated = nowMillis;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / perMilli);
    }

    /** Whether the bucket has refilled completely: it then behaves exactly like a new one. */
    public synchronized boolean full(long nowMillis) {
        double perMilli = limit.capacity() / (double) limit.refillPeriod().toMillis();
        return tokens + Math.max(0, nowMillis - updated) * perMilli >= limit.capacity();
    }

    public RateLimitConfig.Limit limit() {
        return limit;
    }
}
