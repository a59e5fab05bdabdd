package peers.signaling.compat;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.ws.WsTestClient;

/**
 * The PeerJS server protocol with the frames the peerjs 1.5.5 client sends and expects
 * ({@code new Peer(id, {host, port, path: '/signal/v1/peerjs'})}).
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class PeerJsTest {

    static final Duration WAIT = Duration.ofSeconds(5);

    @TestHTTPResource(PeerJsEndpoint.PATH)
    URI http;

    WsTestClient open(String query) {
        return WsTestClient.connect(URI.create(http.toString().replaceFirst("^http", "ws") + "?" + query));
    }

    WsTestClient peer(String id, String token) throws InterruptedException {
        WsTestClient c = open("key=peerjs&id=" + id + "&token=" + token + "&version=1.5.5");
        c.awaitType("OPEN", WAIT);
        return c;
    }

    static String unique(String name) {
        return name + "-" + System.nanoTime();
    }

    @Test
    void offerAnswerAndCandidatesAreForwardedWithSrc() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsTestClient a = peer(alice, "ta"); WsTestClient b = peer(bob, "tb")) {
            a.send("{\"type\":\"HEARTBEAT\"}");
            a.send("{\"type\":\"OFFER\",\"payload\":{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"},\"type\":\"data\",\"connectionId\":\"dc_1\","
                    + "\"label\":\"dc_1\",\"serialization\":\"binary\",\"reliable\":false,\"metadata\":null,\"browser\":\"chrome\"},\"dst\":\"" + bob + "\"}");
            JsonNode offer = b.awaitType("OFFER", WAIT);
            assertEquals(alice, offer.path("src").asText());
            assertEquals(bob, offer.path("dst").asText());
            assertEquals("dc_1", offer.path("payload").path("connectionId").asText());
            assertEquals("v=0", offer.path("payload").path("sdp").path("sdp").asText());

            b.send("{\"type\":\"ANSWER\",\"payload\":{\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0 a\"},\"type\":\"data\",\"connectionId\":\"dc_1\",\"browser\":\"chrome\"},\"dst\":\"" + alice + "\"}");
            JsonNode answer = a.awaitType("ANSWER", WAIT);
            assertEquals(bob, answer.path("src").asText());
            b.send("{\"type\":\"CANDIDATE\",\"payload\":{\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 127.0.0.1 5000 typ host\",\"sdpMLineIndex\":0},\"type\":\"data\",\"connectionId\":\"dc_1\"},\"dst\":\"" + alice + "\"}");
            assertEquals(0, a.awaitType("CANDIDATE", WAIT).path("payload").path("candidate").path("sdpMLineIndex").asInt(-1));
        }
    }

    @Test
    void malformedFramesAreDroppedAndLaterFramesStillFlow() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        try (WsTestClient a = peer(alice, "ta"); WsTestClient b = peer(bob, "tb")) {
            for (String bad : new String[] {"garbage", "{\"type\":", "[]", "{\"type\":\"OFFER\"}", "{\"type\":\"OFFER\",\"dst\":5}", "{\"type\":\"NOPE\",\"dst\":\"x\"}"}) {
                a.send(bad);
            }
            a.send("{\"type\":\"OFFER\",\"payload\":{\"n\":1},\"dst\":\"" + bob + "\"}");
            assertEquals(1, b.awaitType("OFFER", WAIT).path("payload").path("n").asInt());
            assertTrue(!a.closed().isDone());
        }
    }

    @Test
    void anOfferToAnAbsentPeerExpires() throws Exception {
        String alice = unique("alice");
        try (WsTestClient a = peer(alice, "ta")) {
            a.send("{\"type\":\"OFFER\",\"payload\":{},\"dst\":\"nobody-here\"}");
            JsonNode e = a.awaitType("EXPIRE", WAIT);
            assertEquals("nobody-here", e.path("src").asText());
            assertEquals(alice, e.path("dst").asText());
        }
    }

    @Test
    void takenIdsBadKeysAndMissingParametersAreRefused() throws Exception {
        String alice = unique("alice");
        try (WsTestClient a = peer(alice, "ta")) {
            try (WsTestClient thief = open("key=peerjs&id=" + alice + "&token=other&version=1.5.5")) {
                assertEquals("ID is taken", thief.awaitType("ID-TAKEN", WAIT).path("payload").path("msg").asText());
                thief.closed().get(5, TimeUnit.SECONDS);
            }
            try (WsTestClient badKey = open("key=wrong&id=" + unique("x") + "&token=t")) {
                assertEquals("Invalid key provided", badKey.awaitType("ERROR", WAIT).path("payload").path("msg").asText());
            }
            try (WsTestClient missing = open("key=peerjs")) {
                assertEquals("No id, token, or key supplied to websocket server", missing.awaitType("ERROR", WAIT).path("payload").path("msg").asText());
            }
            // the rightful owner is undisturbed
            a.send("{\"type\":\"HEARTBEAT\"}");
            assertTrue(!a.closed().isDone());
        }
    }

    @Test
    void theHttpHalfGivesIdsAndADescription() {
        String id = given().get("/signal/v1/peerjs/peerjs/id?ts=123").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "*").extract().asString();
        assertTrue(id.matches("[0-9a-f-]{36}"), id);
        given().get("/signal/v1/peerjs").then().statusCode(200).body("name", org.hamcrest.Matchers.equalTo("PeerJS Server"));
        given().get("/signal/v1/peerjs/wrong/id").then().statusCode(404);
    }
}
