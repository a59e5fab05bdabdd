package peers.registry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/** While PostgreSQL is down, requests get a clean 503 problem; afterwards the service recovers by itself. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class DatabaseOutageTest {

    @Test
    void answers503WhileTheDatabaseIsDownAndRecoversAfterwards() throws Exception {
        Registrations.register(TestPeer.create(), Registrations.uniqueHandle()).statusCode(201);
        var pg = PeersInfra.get().postgres();
        pg.stop();
        try {
            Registrations.register(TestPeer.create(), Registrations.uniqueHandle())
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "5")
                    .body("type", equalTo("urn:peers:problem:unavailable"))
                    .body(not(containsString("Exception")));
            given().get("/registry/v1/handles?prefix=h").then().statusCode(503).body("type", equalTo("urn:peers:problem:unavailable"));
        } finally {
            pg.start();
        }
        // The pools reconnect by themselves; allow a few attempts for stale pooled connections to be replaced.
        int status = 0;
        for (int i = 0; i < 20 && status != 201; i++) {
            status = Registrations.register(TestPeer.create(), Registrations.uniqueHandle()).extract().statusCode();
            if (status != 201) {
                Thread.sleep(250);
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(201, status, "the service recovers once PostgreSQL is back");
    }
}
