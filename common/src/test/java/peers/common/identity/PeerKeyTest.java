package peers.common.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.Signature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeerKeyTest {

    @Test
    void roundTripsAndVerifies() throws Exception {
        var kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        PeerKey k = PeerKey.of(kp.getPublic());
        assertEquals(43, k.toString().length());
        assertEquals(k, PeerKey.parse(k.toString()));
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(kp.getPrivate());
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        assertTrue(k.verify(new byte[] {1, 2, 3}, sig));
        assertFalse(k.verify(new byte[] {1, 2, 4}, sig));
        assertFalse(k.verify(new byte[] {1, 2, 3}, new byte[10]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs=", "JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs",
            "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bsA", "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bt", "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0b\u00e9"})
    void rejectsWrongLengthsAndEncodings(String text) {
        PeerKey.InvalidKeyText e = assertThrows(PeerKey.InvalidKeyText.class, () -> PeerKey.parse(text));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void acceptsTheCanonicalForm() {
        assertEquals("JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs", PeerKey.parse("JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs").toString());
    }
}
