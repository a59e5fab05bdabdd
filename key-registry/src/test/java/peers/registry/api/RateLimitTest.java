package peers.registry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;

@QuarkusTest
@TestProfile(RateLimitTest.TightLimits.class)
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class RateLimitTest {

    public static class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("peers.rate-limits.\"registry.search\".capacity", "3",
                    "peers.rate-limits.\"registry.search\".refill-period", "1h");
        }
    }

    @Test
    void theFourthSearchWithinTheWindowIsRefusedWithRetryAfter() {
        for (int i = 0; i < 3; i++) {
            given().get("/registry/v1/handles?prefix=zz").then().statusCode(200);
        }
        given().get("/registry/v1/handles?prefix=zz").then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("urn:peers:problem:rate-limited"))
                .body("limit", equalTo("registry.search"));
    }
}
