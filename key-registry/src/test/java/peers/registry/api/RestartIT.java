package peers.registry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.common.identity.Base64Url;
import peers.registry.log.merkle.MerkleVerifier;
import peers.testing.infra.PeersInfra;
import peers.testing.process.ServiceProcess;
import peers.testing.peers.TestPeer;

/**
 * The packaged service, killed with SIGKILL and started again: every acknowledged registration is
 * still there, the log key is the same, and the new tree is consistent with the old one.
 */
class RestartIT {

    ServiceProcess service;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.kill();
        }
    }

    ServiceProcess start() throws Exception {
        service = new ServiceProcess(Path.of("target/quarkus-app/quarkus-run.jar"), PeersInfra.get().quarkusConfig()).start(Duration.ofSeconds(60));
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = service.httpPort();
        return service;
    }

    @Test
    void acknowledgedWritesSurviveAKill() throws Exception {
        start();
        List<TestPeer> peers = new ArrayList<>();
        List<String> handles = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TestPeer p = TestPeer.create();
            String h = Registrations.uniqueHandle();
            Registrations.register(p, h).statusCode(201);
            peers.add(p);
            handles.add(h);
        }
        JsonPath before = given().get("/registry/v1/log/tree-head").then().statusCode(200).extract().jsonPath();
        service.kill();

        start();
        for (int i = 0; i < peers.size(); i++) {
            JsonPath found = given().get("/registry/v1/handles/" + handles.get(i)).then().statusCode(200)
                    .body("identity.identityKey", equalTo(peers.get(i).id())).extract().jsonPath();
            ProofChecker.verify(found, before.getString("logKey"));
        }
        Registrations.register(TestPeer.create(), Registrations.uniqueHandle()).statusCode(201);
        JsonPath after = given().get("/registry/v1/log/tree-head").then().statusCode(200).extract().jsonPath();
        assertEquals(before.getString("logKey"), after.getString("logKey"), "the log key is stable across restarts");
        long a = before.getLong("treeSize");
        long b = after.getLong("treeSize");
        var proof = given().get("/registry/v1/log/proofs/consistency?first=" + a + "&second=" + b).then().statusCode(200)
                .extract().jsonPath().getList("proof", String.class).stream().map(s -> Base64Url.decode(s, "p")).toList();
        assertTrue(MerkleVerifier.verifyConsistency(a, b, Base64Url.decode(before.getString("rootHash"), "r"),
                Base64Url.decode(after.getString("rootHash"), "r"), proof));
    }
}
