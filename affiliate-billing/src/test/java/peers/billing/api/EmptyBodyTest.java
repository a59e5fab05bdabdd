package peers.billing.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import peers.billing.testsupport.BillingTestResource;
import peers.testing.peers.TestPeer;

/**
 * A JSON operation sent an empty body (Content-Length: 0) is answered at once with a problem (422: the body must not be null), signed or not. It
 * used to be left unanswered in every service (found by the security module's OpenAPI fuzzer): the body was
 * buffered ahead of the REST layer, which then waited for a body that had already ended.
 */
@QuarkusTest
@WithTestResource(value = BillingTestResource.class, scope = TestResourceScope.GLOBAL)
class EmptyBodyTest {

    /** A hang fails the test after 10 s instead of blocking the build. */
    private static final RestAssuredConfig TEN_SECONDS = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
            .setParam("http.socket.timeout", 10_000).setParam("http.connection.timeout", 10_000));

    @Test
    void signedJsonOperationWithAnEmptyBody() {
        given().config(TEN_SECONDS).filter(TestPeer.create().signed()).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(ContentType.JSON).body(new byte[0])
                .post(Billing.BASE + "/apps").then()
                .statusCode(422).contentType("application/problem+json").body("type", startsWith("urn:peers:problem:"));
    }

    @Test
    void unsignedJsonOperationWithAnEmptyBody() {
        given().config(TEN_SECONDS).contentType(ContentType.JSON).body(new byte[0])
                .post(Billing.BASE + "/apps").then()
                .statusCode(401).contentType("application/problem+json");
    }
}
