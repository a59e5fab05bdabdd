package peers.signaling.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.ws.WsTestClient;

/** The y-webrtc signaling protocol, with the exact frames y-webrtc 10.3's client sends and expects. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class YWebrtcTest {

    static final Duration WAIT = Duration.ofSeconds(5);

    @TestHTTPResource(YWebrtcEndpoint.PATH)
    URI http;

    URI ws() {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    @Test
    void publishGoesToEverySubscriberWithTheClientCount() throws Exception {
        String topic = "y-room-" + System.nanoTime();
        try (WsTestClient a = WsTestClient.connect(ws()); WsTestClient b = WsTestClient.connect(ws()); WsTestClient other = WsTestClient.connect(ws())) {
            a.send("{\"type\":\"subscribe\",\"topics\":[\"" + topic + "\"]}");
            b.send("{\"type\":\"subscribe\",\"topics\":[\"" + topic + "\"]}");
            other.send("{\"type\":\"subscribe\",\"topics\":[\"elsewhere-" + topic + "\"]}");
            ping(a);
            ping(b);
            // y-webrtc's announce: a publish whose data is the (encrypted or plain) signaling message
            a.send("{\"type\":\"publish\",\"topic\":\"" + topic + "\",\"data\":{\"type\":\"announce\",\"from\":\"peer-a\"}}");
            for (WsTestClient c : new WsTestClient[] {a, b}) {
                JsonNode m = c.awaitType("publish", WAIT);
                assertEquals(topic, m.path("topic").asText());
                assertEquals("announce", m.path("data").path("type").asText());
                assertEquals("peer-a", m.path("data").path("from").asText());
                assertEquals(2, m.path("clients").asInt());
            }
            b.send("{\"type\":\"unsubscribe\",\"topics\":[\"" + topic + "\"]}");
            ping(b);
            a.send("{\"type\":\"publish\",\"topic\":\"" + topic + "\",\"data\":\"second\"}");
            assertEquals(1, a.awaitType("publish", WAIT).path("clients").asInt());
            // neither the unsubscribed socket nor the one on another topic got a publish
            pingWithoutPublish(b);
            pingWithoutPublish(other);
        }
    }

    @Test
    void malformedFramesDoNotKillTheSocket() throws Exception {
        try (WsTestClient a = WsTestClient.connect(ws())) {
            for (String bad : new String[] {"garbage", "{\"type\":", "null", "{\"type\":\"subscribe\",\"topics\":\"notalist\"}",
                    "{\"type\":\"publish\"}", "{\"type\":\"subscribe\",\"topics\":[1,null,{}]}", "{\"type\":\"warp\"}"}) {
                a.send(bad);
            }
            ping(a);
            String topic = "y-after-" + System.nanoTime();
            a.send("{\"type\":\"subscribe\",\"topics\":[\"" + topic + "\"]}");
            a.send("{\"type\":\"publish\",\"topic\":\"" + topic + "\",\"data\":1}");
            assertEquals(1, a.awaitType("publish", WAIT).path("clients").asInt());
        }
    }

    static void pingWithoutPublish(WsTestClient c) throws InterruptedException {
        c.send("{\"type\":\"ping\"}");
        c.await(n -> {
            if ("publish".equals(n.path("type").asText())) {
                throw new AssertionError("unexpected publish " + n);
            }
            return "pong".equals(n.path("type").asText());
        }, WAIT);
    }

    static void ping(WsTestClient c) throws InterruptedException {
        c.send("{\"type\":\"ping\"}");
        c.awaitType("pong", WAIT);
    }
}
