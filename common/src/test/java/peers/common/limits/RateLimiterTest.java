package peers.common.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

class RateLimiterTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.ofEpochSecond(1_000_000);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static RateLimiter limiter(MovableClock clock) {
        RateLimitConfig.Limit limit = new RateLimitConfig.Limit() {
            public int capacity() {
                return 3;
            }

            public Duration refillPeriod() {
                return Duration.ofSeconds(30);
            }
        };
        return new RateLimiter(() -> Map.of("test.limit", limit), clock);
    }

    @Test
    void allowsABurstThenRefusesWithRetryAfterThenRefills() {
        MovableClock clock = new MovableClock();
        RateLimiter rl = limiter(clock);
        rl.check("test.limit", "a");
        rl.check("test.limit", "a");
        rl.check("test.limit", "a");
        ProblemException e = assertThrows(ProblemException.class, () -> rl.check("test.limit", "a"));
        assertEquals(ProblemType.RATE_LIMITED, e.type());
        assertEquals("test.limit", e.extensions().get("limit"));
        assertEquals("10", e.headers().get("Retry-After"));
        rl.check("test.limit", "b"); // other subjects are independent
        clock.now = clock.now.plusSeconds(10);
        rl.check("test.limit", "a");
        assertThrows(ProblemException.class, () -> rl.check("test.limit", "a"));
    }

    @Test
    void forgetsRefilledBuckets() {
        MovableClock clock = new MovableClock();
        RateLimiter rl = limiter(clock);
        rl.check("test.limit", "a");
        rl.check("test.limit", "b");
        assertEquals(2, rl.liveBuckets());
        clock.now = clock.now.plusSeconds(31);
        rl.purge();
        assertEquals(0, rl.liveBuckets());
    }

    @Test
    void unknownLimitIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> limiter(new MovableClock()).check("nope", "a"));
    }
}
