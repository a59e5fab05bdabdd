package peers.common.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import peers.common.events.EntitlementEvent;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.problems.Params;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;
import peers.common.signatures.ContentDigest;
import peers.common.signatures.RequestSigner;
import peers.common.signatures.RequestView;
import peers.common.signatures.SignatureInput;
import peers.common.signatures.SignatureVerifier;
import peers.common.ws.WsAuth;

/**
 * Coverage-guided fuzzing of the parsers in common that face the internet (RFC 9421 signature fields,
 * RFC 9530 Content-Digest, peer keys, base64url, the WebSocket in-band auth answer, query parameters)
 * and of the entitlement events every limit-enforcing service reads. Every input must either parse or
 * be refused with the documented exception and problem type; anything else (another exception, a
 * broken invariant of what parsed) is a finding.
 *
 * <p>Plain {@code ./mvnw verify} replays the committed inputs under
 * {@code src/test/resources/peers/common/fuzz/ParserFuzzTestInputs/<method>/}; the parent pom then fuzzes
 * each method for a bounded time (docs/fuzzing.md).
 */
class ParserFuzzTest {

    /** A fixed signing key, so that a committed input means the same request on every run. */
    static final byte[] SECRET = new byte[32];
    static final PrivateKey PRIVATE = privateKey();
    static final PeerKey KEY = publicKey();
    static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    static final SignatureVerifier VERIFIER = new SignatureVerifier(Duration.ofSeconds(300));

    static final Set<ProblemType> SIGNATURE_REFUSALS = Set.of(ProblemType.SIGNATURE_REQUIRED, ProblemType.SIGNATURE_INVALID,
            ProblemType.SIGNATURE_EXPIRED, ProblemType.MALFORMED_REQUEST, ProblemType.DIGEST_MISMATCH);
    static final List<String> COMPONENTS = List.of("@method", "@authority", "@path", "@query", "content-digest", "@scheme",
            "@target-uri", "@request-target", "content-type", "x-extra", "@status", "Content-Type");
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        for (int i = 0; i < SECRET.length; i++) {
            SECRET[i] = (byte) (i * 7 + 1);
        }
    }

    static PrivateKey privateKey() {
        try {
            byte[] sk = new byte[32];
            for (int i = 0; i < sk.length; i++) {
                sk[i] = (byte) (i * 7 + 1);
            }
            return KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, sk));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static PeerKey publicKey() {
        byte[] sk = new byte[32];
        for (int i = 0; i < sk.length; i++) {
            sk[i] = (byte) (i * 7 + 1);
        }
        byte[] pk = new byte[32];
        Ed25519.generatePublicKey(sk, 0, pk, 0);
        return PeerKey.ofRaw(pk);
    }

    static byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(PRIVATE);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static void refusedAs(ProblemException e, Set<ProblemType> allowed) {
        assertTrue(allowed.contains(e.type()), () -> "unexpected problem type " + e.type().name() + ": " + e.detail());
        assertNotNull(e.detail());
        assertTrue(e.type().status() >= 400 && e.type().status() < 500, "a refusal of client input is a 4xx");
    }

    /** Signature-Input and Signature as they arrive: a parse keeps the documented invariants, or refuses. */
    @FuzzTest(maxDuration = "30s")
    void signatureFields(FuzzedDataProvider data) {
        String input = data.consumeString(600);
        String signature = data.consumeRemainingAsString();
        SignatureInput parsed;
        try {
            parsed = SignatureInput.parse(input, signature);
        } catch (ProblemException refused) {
            refusedAs(refused, Set.of(ProblemType.SIGNATURE_REQUIRED, ProblemType.SIGNATURE_INVALID));
            return;
        }
        assertNotNull(parsed.label());
        assertNotNull(parsed.signature());
        assertEquals(parsed.components().size(), Set.copyOf(parsed.components()).size(), "components are unique");
        for (String c : parsed.components()) {
            assertEquals(c.toLowerCase(Locale.ROOT), c, "components are lowercase");
        }
        // The serialized inner list is what the signature base ends with; it must itself parse back.
        SignatureInput again = SignatureInput.parse(parsed.label() + "=" + parsed.signatureParams(), signature);
        assertEquals(parsed.components(), again.components());
        assertEquals(parsed.created(), again.created());
        assertEquals(parsed.keyId(), again.keyId());
        assertEquals(parsed.nonce(), again.nonce());
    }

    /** A request with fuzzed, unsigned signature headers: refused with a documented problem, never accepted. */
    @FuzzTest(maxDuration = "30s")
    void wholeVerification(FuzzedDataProvider data) {
        String input = data.consumeString(600);
        String signature = data.consumeString(200);
        String digest = data.consumeString(200);
        byte[] body = data.consumeRemainingAsBytes();
        Map<String, List<String>> headers = Map.of("signature-input", List.of(input), "signature", List.of(signature),
                "content-digest", List.of(digest));
        try {
            VERIFIER.verify(new Request("POST", "http", "h", "/p", null, headers), body, NOW);
        } catch (ProblemException refused) {
            refusedAs(refused, SIGNATURE_REFUSALS);
            return;
        }
        throw new AssertionError("a signature the fuzzer made up verified: " + input + " / " + signature);
    }

    /**
     * A request the fuzzer shapes (method, authority, path, query, headers, covered components, times,
     * nonce, body) and the test signs with a real key: the verifier accepts it as that key or refuses it
     * with a documented problem; and once accepted, any change to a covered component is refused.
     */
    @FuzzTest(maxDuration = "30s")
    void signedRequests(FuzzedDataProvider data) {
        String method = data.pickValue(List.of("GET", "POST", "PUT", "DELETE", "get", data.consumeString(8)));
        String authority = data.consumeString(40);
        String path = data.consumeString(80);
        String query = data.consumeBoolean() ? null : data.consumeString(60);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (data.consumeBoolean()) {
            headers.put("content-type", List.of(data.consumeString(40)));
        }
        if (data.consumeBoolean()) {
            headers.put("x-extra", List.of(data.consumeString(40), data.consumeString(20)));
        }
        List<String> components = new ArrayList<>();
        int count = data.consumeInt(0, 8);
        for (int i = 0; i < count; i++) {
            components.add(data.pickValue(COMPONENTS));
        }
        Long created = data.consumeBoolean() ? NOW.getEpochSecond() + data.consumeLong(-400, 400) : null;
        Long expires = data.consumeBoolean() ? NOW.getEpochSecond() + data.consumeLong(-100, 1000) : null;
        String nonce = data.consumeBoolean() ? data.consumeString(140) : null;
        String keyId = data.consumeBoolean() ? KEY.toString() : data.consumeString(50);
        String alg = data.consumeBoolean() ? "ed25519" : data.consumeString(10);
        String label = data.consumeBoolean() ? "sig" : data.consumeString(10);
        byte[] body = data.consumeRemainingAsBytes();
        if (body.length > 0 || components.contains("content-digest")) {
            headers.put("content-digest", List.of(ContentDigest.sha256(body)));
        }
        Request request = new Request(method, "https", authority, path, query, headers);
        Map<String, String> signed;
        try {
            signed = RequestSigner.sign(request, new RequestSigner.Spec(components, created, expires, nonce, keyId, alg, label), PRIVATE);
        } catch (ProblemException | IllegalArgumentException cannotSign) {
            return; // the client side refuses to build such a signature (e.g. a line break in a value, a bad label)
        }
        Request sent = request.with("signature-input", signed.get("Signature-Input")).with("signature", signed.get("Signature"));
        SignatureVerifier.Verified verified;
        try {
            verified = VERIFIER.verify(sent, body, NOW);
        } catch (ProblemException refused) {
            refusedAs(refused, SIGNATURE_REFUSALS);
            return;
        }
        assertEquals(KEY, verified.key());
        assertEquals(nonce, verified.nonce());
        assertFalse(verified.nonceExpiry().isBefore(NOW), "the nonce is remembered at least until now");
        String tamperedPath = path + "x";
        try {
            VERIFIER.verify(sent.withPath(tamperedPath), body, NOW);
        } catch (ProblemException refused) {
            assertEquals(ProblemType.SIGNATURE_INVALID, refused.type());
            return;
        }
        throw new AssertionError("a signature over path '" + path + "' also verified for '" + tamperedPath + "'");
    }

    /** Content-Digest: the documented refusals only; the digest of a body always verifies for that body. */
    @FuzzTest(maxDuration = "20s")
    void contentDigest(FuzzedDataProvider data) {
        String field = data.consumeString(300);
        byte[] body = data.consumeRemainingAsBytes();
        try {
            ContentDigest.verify(field, body);
        } catch (ProblemException refused) {
            refusedAs(refused, Set.of(ProblemType.SIGNATURE_INVALID, ProblemType.MALFORMED_REQUEST, ProblemType.DIGEST_MISMATCH));
        }
        ContentDigest.verify(ContentDigest.sha256(body), body);
    }

    /** Peer keys: a parsed key has one canonical name; any key verifies any signature without throwing. */
    @FuzzTest(maxDuration = "20s")
    void peerKeysAndBase64(FuzzedDataProvider data) {
        String text = data.consumeString(100);
        byte[] signature = data.consumeRemainingAsBytes();
        try {
            PeerKey key = PeerKey.parse(text);
            assertEquals(text, key.toString());
            assertEquals(key, PeerKey.ofRaw(key.raw()));
            assertEquals(key, PeerKey.parse(Base64Url.encode(key.raw())));
            key.verify("message".getBytes(StandardCharsets.UTF_8), signature);
        } catch (PeerKey.InvalidKeyText refused) {
            assertNotNull(refused.getMessage());
        }
        try {
            byte[] decoded = Base64Url.decode(text, "field");
            assertArrayEquals(decoded, Base64Url.decode(Base64Url.encode(decoded), "field"));
        } catch (PeerKey.InvalidKeyText refused) {
            assertTrue(refused.getMessage().startsWith("field "), refused.getMessage());
        }
        assertArrayEquals(signature, Base64Url.decode(Base64Url.encode(signature), "bytes"));
    }

    /** The WebSocket auth answer {key, signature} to a challenge: refused as signature-invalid, or the key. */
    @FuzzTest(maxDuration = "20s")
    void socketAuthAnswers(FuzzedDataProvider data) {
        String endpoint = data.consumeString(100);
        String challenge = data.consumeString(100);
        String key = data.consumeString(100);
        String signature = data.consumeRemainingAsString();
        try {
            PeerKey verified = WsAuth.verify(endpoint, challenge, key, signature);
            throw new AssertionError("a made-up answer verified as " + verified);
        } catch (ProblemException refused) {
            refusedAs(refused, Set.of(ProblemType.SIGNATURE_INVALID));
        }
    }

    /**
     * A genuinely signed auth answer for a fuzzed endpoint and challenge verifies only for that endpoint
     * and challenge; a fuzzed change of either is refused.
     */
    @FuzzTest(maxDuration = "20s")
    void signedSocketAuth(FuzzedDataProvider data) {
        String endpoint = data.consumeString(100);
        String challenge = data.consumeString(100);
        String otherEndpoint = data.consumeString(100);
        String otherChallenge = data.consumeRemainingAsString();
        String signature = Base64Url.encode(sign(WsAuth.message(endpoint, challenge)));
        assertEquals(KEY, WsAuth.verify(endpoint, challenge, KEY.toString(), signature));
        boolean sameMessage = java.util.Arrays.equals(WsAuth.message(endpoint, challenge), WsAuth.message(otherEndpoint, otherChallenge));
        try {
            WsAuth.verify(otherEndpoint, otherChallenge, KEY.toString(), signature);
            assertTrue(sameMessage, "an answer for one endpoint/challenge verified for another");
        } catch (ProblemException refused) {
            assertFalse(sameMessage, "the same signed message was refused");
            refusedAs(refused, Set.of(ProblemType.SIGNATURE_INVALID));
        }
    }

    /** Numeric and string query parameters: the value in bounds, or a 422 naming the parameter. */
    @FuzzTest(maxDuration = "10s")
    void queryParams(FuzzedDataProvider data) {
        long min = data.consumeLong(-1000, 1000);
        long max = min + data.consumeLong(0, 100_000);
        int maxLength = data.consumeInt(0, 200);
        String value = data.consumeRemainingAsString();
        try {
            long v = Params.longParam("limit", value, min, min, max);
            assertTrue(v >= min && v <= max);
        } catch (ProblemException refused) {
            refusedAs(refused, Set.of(ProblemType.INVALID_FIELD));
            assertEquals("limit", refused.extensions().get("field"));
        }
        try {
            String s = Params.stringParam("after", value, maxLength, false);
            assertTrue(s == null || s.length() <= maxLength);
        } catch (ProblemException refused) {
            refusedAs(refused, Set.of(ProblemType.INVALID_FIELD));
        }
    }

    /**
     * Entitlement events as read from Kafka by sync-buffer and backup-service: parsed, or refused with
     * IllegalArgumentException (the consumer then skips the event); a parsed event names a canonical key.
     */
    @FuzzTest(maxDuration = "20s")
    void entitlementEvents(FuzzedDataProvider data) {
        String field = data.consumeString(20);
        String value = data.consumeRemainingAsString();
        EntitlementEvent event;
        try {
            event = EntitlementEvent.parse(value, JSON, Clock.fixed(NOW, ZoneOffset.UTC));
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertEquals(event.peer(), PeerKey.parse(event.peer()).toString());
        assertTrue(event.plan().length() <= 64);
        assertNotNull(event.time());
        try {
            assertTrue(event.limit(field) >= 0);
        } catch (IllegalArgumentException refused) {
            // the field is absent or not a non-negative integer
        }
    }

    /** A request as plain data. */
    record Request(String method, String scheme, String authority, String path, String query, Map<String, List<String>> headers)
            implements RequestView {

        @Override
        public List<String> header(String lowercaseName) {
            return headers.getOrDefault(lowercaseName, List.of());
        }

        Request with(String name, String value) {
            Map<String, List<String>> h = new LinkedHashMap<>(headers);
            h.put(name, List.of(value));
            return new Request(method, scheme, authority, path, query, h);
        }

        Request withPath(String p) {
            return new Request(method, scheme, authority, p, query, headers);
        }
    }
}
