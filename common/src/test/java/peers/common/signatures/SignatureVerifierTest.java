package peers.common.signatures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/** The server's signature policy: what passes, and that tampering with anything covered fails. */
class SignatureVerifierTest {

    static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    static final byte[] BODY = "{\"handle\":\"alice\"}".getBytes(StandardCharsets.UTF_8);
    static final KeyPair KEYS = keys();
    static final KeyPair OTHER = keys();
    static final SignatureVerifier VERIFIER = new SignatureVerifier(Duration.ofSeconds(300));

    static KeyPair keys() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static MapRequest signed(MapRequest r, byte[] body, long created, String nonce, KeyPair signer, String keyId, List<String> components) {
        MapRequest withDigest = body.length > 0 ? r.with("Content-Digest", ContentDigest.sha256(body)) : r;
        Map<String, String> h = RequestSigner.sign(withDigest,
                new RequestSigner.Spec(components, created, null, nonce, keyId, "ed25519", "sig"), signer.getPrivate());
        return withDigest.with("Signature-Input", h.get("Signature-Input")).with("Signature", h.get("Signature"));
    }

    static MapRequest base() {
        return new MapRequest("POST", "http", "peers.example:8080", "/registry/v1/identities", "x=1", Map.of("Content-Type", List.of("application/json")));
    }

    static final List<String> FULL = List.of("@method", "@authority", "@path", "@query", "content-digest");

    static MapRequest good() {
        return signed(base(), BODY, NOW.getEpochSecond(), "n-1", KEYS, PeerKey.of(KEYS.getPublic()).toString(), FULL);
    }

    @Test
    void aProperlySignedRequestVerifies() {
        SignatureVerifier.Verified v = VERIFIER.verify(good(), BODY, NOW);
        assertEquals(PeerKey.of(KEYS.getPublic()), v.key());
        assertEquals("n-1", v.nonce());
        assertEquals(NOW.plusSeconds(301), v.nonceExpiry());
    }

    @Test
    void aBodylessRequestNeedsNoDigest() {
        MapRequest r = signed(base().withMethod("GET"), new byte[0], NOW.getEpochSecond(), "n", KEYS,
                PeerKey.of(KEYS.getPublic()).toString(), List.of("@method", "@authority", "@path", "@query"));
        assertEquals(PeerKey.of(KEYS.getPublic()), VERIFIER.verify(r, new byte[0], NOW).key());
    }

    static List<Object[]> tampering() {
        return List.of(
                new Object[] {"method", (UnaryOperator<MapRequest>) r -> r.withMethod("PUT"), ProblemType.SIGNATURE_INVALID},
                new Object[] {"authority", (UnaryOperator<MapRequest>) r -> r.withAuthority("evil.example"), ProblemType.SIGNATURE_INVALID},
                new Object[] {"path", (UnaryOperator<MapRequest>) r -> r.withPath("/registry/v1/identities/x"), ProblemType.SIGNATURE_INVALID},
                new Object[] {"query", (UnaryOperator<MapRequest>) r -> r.withQuery("x=2"), ProblemType.SIGNATURE_INVALID},
                new Object[] {"digest header", (UnaryOperator<MapRequest>) r -> r.with("Content-Digest", ContentDigest.sha256("{}".getBytes())), ProblemType.DIGEST_MISMATCH},
                new Object[] {"signature bytes", (UnaryOperator<MapRequest>) r -> r.with("Signature", "sig=:" + java.util.Base64.getEncoder().encodeToString(new byte[64]) + ":"), ProblemType.SIGNATURE_INVALID},
                new Object[] {"key", (UnaryOperator<MapRequest>) r -> r.with("Signature-Input", r.header("signature-input").get(0)
                        .replace(PeerKey.of(KEYS.getPublic()).toString(), PeerKey.of(OTHER.getPublic()).toString())), ProblemType.SIGNATURE_INVALID},
                new Object[] {"created", (UnaryOperator<MapRequest>) r -> r.with("Signature-Input", r.header("signature-input").get(0)
                        .replace("created=" + NOW.getEpochSecond(), "created=" + (NOW.getEpochSecond() - 1))), ProblemType.SIGNATURE_INVALID},
                new Object[] {"no signature", (UnaryOperator<MapRequest>) r -> new MapRequest(r.method(), r.scheme(), r.authority(), r.path(), r.query(),
                        Map.of("Content-Digest", r.header("content-digest"))), ProblemType.SIGNATURE_REQUIRED},
                new Object[] {"garbage input", (UnaryOperator<MapRequest>) r -> r.with("Signature-Input", "sig=(@method"), ProblemType.SIGNATURE_INVALID});
    }

    @ParameterizedTest(name = "tampering with {0} is refused")
    @MethodSource("tampering")
    void tamperingIsRefused(String what, UnaryOperator<MapRequest> tamper, ProblemType expected) {
        ProblemException e = assertThrows(ProblemException.class, () -> VERIFIER.verify(tamper.apply(good()), BODY, NOW));
        assertEquals(expected, e.type(), e.detail());
    }

    @Test
    void aChangedBodyIsRefused() {
        ProblemException e = assertThrows(ProblemException.class,
                () -> VERIFIER.verify(good(), "{\"handle\":\"mallory\"}".getBytes(StandardCharsets.UTF_8), NOW));
        assertEquals(ProblemType.DIGEST_MISMATCH, e.type());
    }

    @Test
    void createdOutsideTheSkewIsRefusedBothWays() {
        assertEquals(ProblemType.SIGNATURE_EXPIRED, assertThrows(ProblemException.class,
                () -> VERIFIER.verify(good(), BODY, NOW.plusSeconds(301))).type());
        assertEquals(ProblemType.SIGNATURE_EXPIRED, assertThrows(ProblemException.class,
                () -> VERIFIER.verify(good(), BODY, NOW.minusSeconds(301))).type());
        VERIFIER.verify(good(), BODY, NOW.plusSeconds(299));
    }

    @Test
    void expiresIsHonoured() {
        MapRequest r = base().with("Content-Digest", ContentDigest.sha256(BODY));
        Map<String, String> h = RequestSigner.sign(r, new RequestSigner.Spec(FULL, NOW.getEpochSecond(), NOW.getEpochSecond() + 10, "n",
                PeerKey.of(KEYS.getPublic()).toString(), "ed25519", "sig"), KEYS.getPrivate());
        MapRequest s = r.with("Signature-Input", h.get("Signature-Input")).with("Signature", h.get("Signature"));
        assertEquals(NOW.plusSeconds(11), VERIFIER.verify(s, BODY, NOW).nonceExpiry());
        assertEquals(ProblemType.SIGNATURE_EXPIRED, assertThrows(ProblemException.class, () -> VERIFIER.verify(s, BODY, NOW.plusSeconds(11))).type());
    }

    static List<Object[]> policy() {
        String key = PeerKey.of(KEYS.getPublic()).toString();
        return List.of(
                new Object[] {"missing @query", List.of("@method", "@authority", "@path", "content-digest"), "n", key, "ed25519"},
                new Object[] {"missing @authority", List.of("@method", "@path", "@query", "content-digest"), "n", key, "ed25519"},
                new Object[] {"missing content-digest", List.of("@method", "@authority", "@path", "@query"), "n", key, "ed25519"},
                new Object[] {"missing nonce", FULL, null, key, "ed25519"},
                new Object[] {"oversize nonce", FULL, "x".repeat(129), key, "ed25519"},
                new Object[] {"wrong alg", FULL, "n", key, "rsa-pss-sha512"},
                new Object[] {"missing alg", FULL, "n", key, null},
                new Object[] {"keyid not a key", FULL, "n", "test-key-ed25519", "ed25519"},
                new Object[] {"missing keyid", FULL, "n", null, "ed25519"});
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("policy")
    void policyViolationsAreRefused(String what, List<String> components, String nonce, String keyId, String alg) {
        MapRequest r = base().with("Content-Digest", ContentDigest.sha256(BODY));
        Map<String, String> h = RequestSigner.sign(r, new RequestSigner.Spec(components, NOW.getEpochSecond(), null, nonce, keyId, alg, "sig"), KEYS.getPrivate());
        MapRequest s = r.with("Signature-Input", h.get("Signature-Input")).with("Signature", h.get("Signature"));
        ProblemException e = assertThrows(ProblemException.class, () -> VERIFIER.verify(s, BODY, NOW));
        assertEquals(ProblemType.SIGNATURE_INVALID, e.type(), e.detail());
    }

    @Test
    void headerValuesAreCombinedAndTrimmed() {
        Map<String, List<String>> h = new HashMap<>();
        h.put("X-Multi", List.of(" a ", "b"));
        MapRequest r = new MapRequest("GET", "http", "h", "/", null, h);
        assertEquals("a, b", SignatureBase.value(r, "x-multi"));
        assertEquals("?", SignatureBase.value(r, "@query"));
    }
}
