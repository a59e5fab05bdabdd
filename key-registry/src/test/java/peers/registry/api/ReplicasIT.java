package peers.registry.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.peers.TestPeer;
import peers.testing.process.ServiceProcess;

/**
 * Two replicas of the packaged service on one database: a change made through one is seen by
 * lookups on the other (whose answers are cached), and a replay of a request accepted by one is
 * refused by the other.
 */
class ReplicasIT {

    ServiceProcess a;
    ServiceProcess b;

    @AfterEach
    void stop() throws InterruptedException {
        for (ServiceProcess s : new ServiceProcess[] {a, b}) {
            if (s != null) {
                s.kill();
            }
        }
    }

    static RequestSpecification on(ServiceProcess s) {
        return given().baseUri("http://127.0.0.1").port(s.httpPort());
    }

    @Test
    void changesOnOneReplicaAreSeenOnTheOther() throws Exception {
        var config = PeersInfra.get().quarkusConfig();
        a = new ServiceProcess(Path.of("target/quarkus-app/quarkus-run.jar"), config).start(Duration.ofSeconds(60));
        b = new ServiceProcess(Path.of("target/quarkus-app/quarkus-run.jar"), config).start(Duration.ofSeconds(60));
        TestPeer alice = TestPeer.create();
        String handle = Registrations.uniqueHandle();
        on(a).filter(alice.signed()).contentType(ContentType.JSON).body("{\"handle\":\"" + handle + "\"}")
                .post("/registry/v1/identities").then().statusCode(201);
        // b answers (and caches) the public identity.
        on(b).get("/registry/v1/handles/" + handle).then().statusCode(200);
        on(b).get("/registry/v1/handles/" + handle).then().statusCode(200);

        // a makes it private: b must stop finding it by handle (notification delivered at commit).
        on(a).filter(alice.signed()).contentType(ContentType.JSON).body("{\"discoverability\":\"private\"}")
                .put("/registry/v1/identities/" + alice.id() + "/discoverability").then().statusCode(200);
        int status = 0;
        for (int i = 0; i < 50 && status != 404; i++) {
            status = on(b).get("/registry/v1/handles/" + handle).then().extract().statusCode();
            if (status != 404) {
                Thread.sleep(100);
            }
        }
        assertEquals(404, status, "replica b must see the change made on replica a");
        on(b).get("/registry/v1/identities/" + alice.id()).then().statusCode(200)
                .body("identity.discoverability", org.hamcrest.Matchers.equalTo("private"));

        // A nonce accepted by a is a replay on b.
        String nonce = java.util.UUID.randomUUID().toString();
        on(a).filter(alice.signed(o -> o.nonce(nonce))).contentType(ContentType.JSON).body("{\"discoverability\":\"unlisted\"}")
                .put("/registry/v1/identities/" + alice.id() + "/discoverability").then().statusCode(200);
        on(b).filter(alice.signed(o -> o.nonce(nonce))).contentType(ContentType.JSON).body("{\"discoverability\":\"public\"}")
                .put("/registry/v1/identities/" + alice.id() + "/discoverability").then().statusCode(401)
                .body("type", org.hamcrest.Matchers.equalTo("urn:peers:problem:signature-replayed"));
        RestAssured.reset();
    }
}
