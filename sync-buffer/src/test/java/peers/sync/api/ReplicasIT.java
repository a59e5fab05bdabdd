package peers.sync.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.peers.TestPeer;
import peers.testing.process.ServiceProcess;
import peers.testing.ws.WsTestClient;

/**
 * Two replicas of the packaged service on one database: a socket tailing on one replica receives
 * what is appended through the other (new-record notices travel by PostgreSQL LISTEN/NOTIFY), and
 * a member removed on one replica loses access on the other at once.
 */
class ReplicasIT {

    ServiceProcess a;
    ServiceProcess b;

    @AfterEach
    void stop() throws InterruptedException {
        for (ServiceProcess p : new ServiceProcess[] {a, b}) {
            if (p != null) {
                p.kill();
            }
        }
    }

    static RequestSpecification on(ServiceProcess p, TestPeer signer) {
        return given().baseUri("http://127.0.0.1").port(p.httpPort()).filter(signer.signed());
    }

    @Test
    void aTailOnOneReplicaSeesAppendsThroughTheOther() throws Exception {
        var config = PeersInfra.get().quarkusConfig();
        a = new ServiceProcess(Path.of("target/quarkus-app/quarkus-run.jar"), config).start(Duration.ofSeconds(60));
        b = new ServiceProcess(Path.of("target/quarkus-app/quarkus-run.jar"), config).start(Duration.ofSeconds(60));
        TestPeer owner = TestPeer.create();
        TestPeer reader = TestPeer.create();
        String stream = on(a, owner).contentType(ContentType.JSON).body("{}").post(Sync.BASE).then().statusCode(201).extract().jsonPath().getString("id");
        on(a, owner).contentType(ContentType.JSON).body(Map.of("role", "read")).put(Sync.BASE + "/" + stream + "/members/" + reader.id()).then().statusCode(200);

        try (WsTestClient c = WsTestClient.connect(URI.create("ws://127.0.0.1:" + a.httpPort() + "/sync/v1/tail"))) {
            assertEquals("authenticated", c.authenticate(reader, "/sync/v1/tail", Duration.ofSeconds(10)).path("type").asText());
            c.sendJson(Map.of("type", "subscribe", "stream", stream, "after", 0));
            assertEquals("subscribed", c.awaitType("subscribed", Duration.ofSeconds(10)).path("type").asText());
            for (int i = 0; i < 3; i++) {
                on(b, owner).contentType(ContentType.JSON).body(Map.of("records", Sync.records(2, 100))).post(Sync.BASE + "/" + stream + "/records")
                        .then().statusCode(200);
            }
            for (int seq = 1; seq <= 6; seq++) {
                JsonNode f = c.await(x -> true, Duration.ofSeconds(10));
                assertEquals("record", f.path("type").asText(), f.toString());
                assertEquals(seq, f.path("seq").asLong());
            }
        }
        on(b, owner).delete(Sync.BASE + "/" + stream + "/members/" + reader.id()).then().statusCode(204);
        on(a, reader).get(Sync.BASE + "/" + stream + "/records").then().statusCode(403);
    }
}
