package peers.signaling.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The frame reader keeps a payload's raw text, validated, and refuses anything that is not exactly one object. */
class FramesTest {

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":[1,{\"b\":\"}\"}]}", "\"x\\u00e9\\\"y\"", "12.5e3", "-7", "true", "null", "[]", "{}", "\"\""})
    void payloadIsKeptVerbatim(String payload) {
        ObjectNode m = Frames.parseObject("{\"type\":\"signal\", \"payload\" : " + payload + " ,\"to\":\"k\"}");
        assertEquals(payload, Frames.rawPayload(m.get("payload")));
        assertEquals("k", m.path("to").asText());
        // relayed as is, and readable again
        String out = Frames.signal("me", m.get("payload"));
        assertEquals(payload, Frames.rawPayload(Frames.parseObject(out).get("payload")));
        // y-webrtc's data likewise
        ObjectNode y = Frames.parseObject("{\"type\":\"publish\",\"topic\":\"t\",\"data\":" + payload + "}");
        assertEquals("{\"type\":\"publish\",\"topic\":\"t\",\"data\":" + payload + "}", Frames.text(y));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "1", "{", "{\"payload\":}", "{\"payload\":[1,}", "{\"payload\":\"\\q\"}", "{\"a\":1} {}",
        "{\"a\":1}x", "{\"type\":\"OFFER\",\"dst\":\"a\",\"dst\":\"b\"}", "{\"payload\":tru}", "{\"payload\":\"a\nb\"}", "not json"})
    void notExactlyOneObject(String text) {
        assertNull(Frames.parseObject(text), text);
    }
}
