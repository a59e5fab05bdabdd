package peers.common.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import org.junit.jupiter.api.Test;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

class WsAuthTest {

    static String sign(KeyPair kp, byte[] msg) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(kp.getPrivate());
        s.update(msg);
        return Base64Url.encode(s.sign());
    }

    @Test
    void verifiesTheAnswerForThisEndpointAndChallengeOnly() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String key = PeerKey.of(kp.getPublic()).toString();
        String challenge = WsAuth.newChallenge();
        assertNotEquals(challenge, WsAuth.newChallenge());
        String sig = sign(kp, WsAuth.message("/signal/v1/ws", challenge));
        assertEquals(key, WsAuth.verify("/signal/v1/ws", challenge, key, sig).toString());
        assertThrows(ProblemException.class, () -> WsAuth.verify("/sync/v1/tail", challenge, key, sig));
        assertThrows(ProblemException.class, () -> WsAuth.verify("/signal/v1/ws", WsAuth.newChallenge(), key, sig));
        assertThrows(ProblemException.class, () -> WsAuth.verify("/signal/v1/ws", challenge, key, "not base64!"));
        assertThrows(ProblemException.class, () -> WsAuth.verify("/signal/v1/ws", challenge, "short", sig));
    }
}
