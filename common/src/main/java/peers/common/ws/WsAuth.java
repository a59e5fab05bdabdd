package peers.common.ws;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/**
 * In-band authentication for WebSockets, whose browser API cannot send signature headers.
 *
 * <ol>
 *   <li>On connect the server sends a fresh random {@link #newChallenge() challenge}.</li>
 *   <li>The client answers with its peer key and an Ed25519 signature over
 *       {@link #message(String, String) "peers-ws-auth/v1\n" + endpoint + "\n" + challenge}.</li>
 *   <li>The server {@link #verify verifies} it; the socket's identity is that key.</li>
 * </ol>
 * The domain-separation prefix keeps the signature useless anywhere else, and the endpoint in the
 * message stops an answer for one service's socket from being relayed to another's. The challenge is
 * per connection and never reused, so a recorded answer cannot be replayed.
 */
public final class WsAuth {

    public static final String CONTEXT = "peers-ws-auth/v1";

    /**
     * The messages of the exchange, as JSON text frames: the server's
     * {@code {"type":"challenge","challenge":"…"}}, the client's
     * {@code {"type":"auth","key":"…","signature":"…"}}, and the server's
     * {@code {"type":"authenticated","key":"…"}} or {@code {"type":"error","code":"signature-invalid","message":"…"}}.
     */
    public static final String CHALLENGE = "challenge";
    public static final String AUTH = "auth";
    public static final String AUTHENTICATED = "authenticated";

    private static final SecureRandom RANDOM = new SecureRandom();

    private WsAuth() {
    }

    /** 32 random bytes, base64url. */
    public static String newChallenge() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64Url.encode(b);
    }

    /** The exact bytes the client signs. */
    public static byte[] message(String endpoint, String challenge) {
        return (CONTEXT + "\n" + endpoint + "\n" + challenge).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param endpoint the path of the socket as the server knows it, e.g. {@code /signal/v1/ws}
     * @return the authenticated key
     * @throws ProblemException signature-invalid with the reason
     */
    public static PeerKey verify(String endpoint, String challenge, String keyText, String signatureText) {
        PeerKey key;
        byte[] sig;
        try {
            key = PeerKey.parse(keyText);
            sig = Base64Url.decode(signatureText, "signature");
        } catch (PeerKey.InvalidKeyText e) {
            throw new ProblemException(ProblemType.SIGNATURE_INVALID, e.getMessage());
        }
        if (!key.verify(message(endpoint, challenge), sig)) {
            throw new ProblemException(ProblemType.SIGNATURE_INVALID,
                    "the signature does not verify over \"" + CONTEXT + "\\n" + endpoint + "\\n<challenge>\" for key " + key);
        }
        return key;
    }
}
