package peers.backup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.RestAssured;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.peers.TestPeer;
import peers.testing.process.ServiceProcess;

/**
 * The packaged service, killed with SIGKILL right after acknowledging writes and started again: every
 * acknowledged object, snapshot, restic file and token is there, with the owner's usage.
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
        service = new ServiceProcess(Path.of("target/quarkus-app/quarkus-run.jar"), PeersInfra.get().quarkusConfig()).start(Duration.ofSeconds(90));
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = service.httpPort();
    }

    @Test
    void acknowledgedWritesSurviveAKill() throws Exception {
        start();
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        List<byte[]> bodies = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] b = Backup.random(10_000 + i);
            bodies.add(b);
            names.add(Backup.upload(owner, repo, b));
        }
        String snapshot = given().filter(owner.signed()).contentType("application/json").body(Map.of("name", "s", "objects", names))
                .post(Backup.REPOS + "/" + repo + "/snapshots").then().statusCode(201).extract().jsonPath().getString("id");
        String[] token = Backup.token(owner, repo, "read-write");
        byte[] blob = Backup.random(20_000);
        assertEquals(200, ResticTest.send(repo, token, "POST", "data/" + Backup.sha256(blob), blob, Map.of()).statusCode());
        service.kill();

        start();
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/snapshots/" + snapshot).then().statusCode(200).body("objectCount", equalTo(5));
        for (int i = 0; i < 5; i++) {
            String url = given().filter(owner.signed()).get(Backup.REPOS + "/" + repo + "/objects/" + names.get(i)).then().statusCode(200)
                    .extract().jsonPath().getString("url");
            assertArrayEquals(bodies.get(i), Backup.get(url));
        }
        var read = ResticTest.send(repo, token, "HEAD", "data/" + Backup.sha256(blob), null, Map.of());
        assertEquals(200, read.statusCode());
        long expected = 5 * 10_000 + 10 + 20_000;
        given().filter(owner.signed()).get(Backup.REPOS + "/" + repo).then().statusCode(200).body("bytes", equalTo((int) expected)).body("objects", equalTo(6));
    }
}
