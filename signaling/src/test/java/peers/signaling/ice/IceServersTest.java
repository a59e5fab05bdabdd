package peers.signaling.ice;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import peers.common.config.Secret;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/** GET /signal/v1/ice-servers: signed, STUN URLs plus TURN URLs with credentials for the signer. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class IceServersTest {

    static final String PATH = "/signal/v1/ice-servers";

    @Test
    void aSignedPeerGetsStunAndTurnWithItsOwnCredentials() {
        TestPeer alice = TestPeer.create();
        long before = System.currentTimeMillis() / 1000;
        JsonPath body = given().filter(alice.signed()).get(PATH).then().statusCode(200).extract().jsonPath();
        assertEquals(600, body.getLong("ttl"));
        long expiresAt = body.getLong("expiresAt");
        assertTrue(expiresAt >= before + 600 && expiresAt <= before + 602, "expiresAt " + expiresAt);
        assertEquals(List.of("stun:127.0.0.1:3478"), body.getList("iceServers[0].urls"));
        assertEquals(null, (Object) body.get("iceServers[0].username"));
        assertEquals(List.of("turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"), body.getList("iceServers[1].urls"));
        String username = body.getString("iceServers[1].username");
        assertEquals(expiresAt + ":" + alice.id(), username);
        assertEquals(new TurnCredentials(Secret.of("test-turn-secret")).password(username), body.getString("iceServers[1].credential"));
    }

    @Test
    void unsignedOrReplayedRequestsAreRefused() {
        given().get(PATH).then().statusCode(401).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo("urn:peers:problem:signature-required"));
        TestPeer alice = TestPeer.create();
        String nonce = UUID.randomUUID().toString();
        given().filter(alice.signed(o -> o.nonce(nonce))).get(PATH).then().statusCode(200);
        given().filter(alice.signed(o -> o.nonce(nonce))).get(PATH).then().statusCode(401)
                .body("type", org.hamcrest.Matchers.equalTo("urn:peers:problem:signature-replayed"));
    }
}
