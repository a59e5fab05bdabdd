package peers.sync.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.common.identity.Base64Url;
import peers.testing.infra.PeersInfra;
import peers.testing.peers.TestPeer;
import peers.testing.process.ServiceProcess;

/**
 * The packaged service, killed with SIGKILL right after acknowledging appends and started again:
 * every acknowledged record is there with its sequence and exact bytes, and appending continues
 * with the next sequence.
 */
class RestartIT {

    ServiceProcess service;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.kill();
        }
        RestAssured.reset();
    }

    void start() throws Exception {
        service = new ServiceProcess(Path.of("target/quarkus-app/quarkus-run.jar"), PeersInfra.get().quarkusConfig()).start(Duration.ofSeconds(60));
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = service.httpPort();
    }

    @Test
    void acknowledgedAppendsSurviveAKill() throws Exception {
        start();
        TestPeer owner = TestPeer.create();
        String stream = Sync.createStream(owner);
        List<Map<String, Object>> acknowledged = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            var batch = Sync.records(5, 1024);
            Sync.append(owner, stream, batch).statusCode(200);
            acknowledged.addAll(batch);
        }
        service.kill();

        start();
        JsonPath page = Sync.read(owner, stream, 0, 500).statusCode(200).extract().jsonPath();
        List<Map<String, Object>> records = page.getList("records");
        assertEquals(acknowledged.size(), records.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(i + 1, ((Number) records.get(i).get("seq")).intValue());
            assertEquals(acknowledged.get(i).get("id"), records.get(i).get("id"));
            assertArrayEquals(Base64Url.decode((String) acknowledged.get(i).get("ciphertext"), "c"), Base64Url.decode((String) records.get(i).get("ciphertext"), "c"));
        }
        Sync.append(owner, stream, Sync.records(1, 10)).statusCode(200).body("records[0].seq", org.hamcrest.Matchers.equalTo(51));
        // A retry of an acknowledged batch after the restart is still answered with the originals.
        Sync.append(owner, stream, acknowledged.subList(0, 5)).statusCode(200)
                .body("records.replayed", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo(true)));
        given().filter(owner.signed()).get(Sync.BASE + "/" + stream).then().statusCode(200).body("lastSeq", org.hamcrest.Matchers.equalTo(51));
    }
}
