package peers.signaling.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import peers.common.config.Secret;

/** coturn's use-auth-secret scheme against a value computed independently (openssl dgst -sha1 -hmac). */
class TurnCredentialsTest {

    static final String KEY = "n2aJvZ0Hc9xj3VYt8NZk5-ZEUq0KT8ufJmwfHhPBJ4o";

    @Test
    void usernameIsExpiryAndKeyAndPasswordIsBase64HmacSha1() {
        // printf '%s' "1700000000:<key>" | openssl dgst -sha1 -hmac "north-sea-wind" -binary | base64
        TurnCredentials.Credential c = new TurnCredentials(Secret.of("north-sea-wind")).issue(KEY, 1_700_000_000L);
        assertEquals("1700000000:" + KEY, c.username());
        assertEquals("4vvSV/ajwnwnlRZmAk3yCimzEt4=", c.credential());
        assertEquals(1_700_000_000L, c.expiresAtEpochSecond());
    }

    @Test
    void theSecretNeverPrints() {
        assertFalse(new TurnCredentials(Secret.of("north-sea-wind")).toString().contains("north"));
    }
}
