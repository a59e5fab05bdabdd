package peers.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class SecretTest {
    @Test
    void neverPrintsItsValue() {
        Secret<String> s = Secret.of("hunter2");
        assertEquals("[REDACTED]", s.toString());
        assertFalse(("value=" + s).contains("hunter2"));
        assertEquals("hunter2", s.reveal());
        assertEquals("[REDACTED]", s.map(String::length).toString());
    }
}
