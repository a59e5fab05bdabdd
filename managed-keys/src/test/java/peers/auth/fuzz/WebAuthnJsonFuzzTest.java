package peers.auth.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.Curve;
import com.webauthn4j.data.attestation.authenticator.EdDSACOSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import peers.auth.AuthConfig;
import peers.auth.AuthProblems;
import peers.auth.sessions.Sessions;
import peers.auth.webauthn.CredentialJson;
import peers.auth.webauthn.LoginChallenges;
import peers.auth.webauthn.RelyingParty;
import peers.common.identity.Base64Url;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/**
 * Coverage-guided fuzzing of what managed-keys parses from the internet: the WebAuthn Level 3 JSON of
 * registration and authentication responses (our reading of the JSON, then WebAuthn4J's decoding of
 * clientDataJSON, the CBOR attestation object and the authenticator data, and the verification), the
 * login ceremony id and the session's Authorization header. Every input must be accepted or refused
 * with a documented 4xx problem (malformed-request, invalid-field, prf-output-sent, webauthn-rejected,
 * ceremony-unknown, session-*); any other exception would be a 500 and is a finding.
 *
 * <p>{@code ./mvnw verify} replays the committed inputs under
 * {@code src/test/resources/peers/auth/fuzz/WebAuthnJsonFuzzTestInputs/<method>/}: real responses of a
 * fixed Ed25519 passkey (see {@link #committedValidInputsVerify}) and broken ones.
 */
class WebAuthnJsonFuzzTest {

    static final String RP_ID = "peers.test";
    static final String ORIGIN = "https://app.peers.test";
    /** The challenge every committed input answers (a registration's and a login's alike). */
    static final byte[] CHALLENGE = "fuzz-challenge-0123456789abcdef!".getBytes(StandardCharsets.US_ASCII);
    static final ObjectMapper JSON = new ObjectMapper();
    static final RelyingParty RP = new RelyingParty(new Config());
    static final KeyPair KEY = fixedEd25519();
    static final byte[] CREDENTIAL_ID = "fuzz-credential-id-0001".getBytes(StandardCharsets.US_ASCII);
    static final byte[] STORED = new AttestedCredentialDataConverter(new ObjectConverter()).convert(attested());

    static final Set<ProblemType> PARSE_REFUSALS = Set.of(ProblemType.INVALID_FIELD, AuthProblems.PRF_OUTPUT_SENT);
    static final Set<ProblemType> VERIFY_REFUSALS = Set.of(AuthProblems.WEBAUTHN_REJECTED, ProblemType.MALFORMED_REQUEST);

    /** RegistrationResponseJSON as a sign-up's credential: parsed and verified, or refused as documented. */
    @FuzzTest(maxDuration = "30s")
    void registrationResponses(byte[] body) {
        JsonNode node = json(body);
        if (node == null) {
            return;
        }
        CredentialJson.Registration r;
        try {
            r = CredentialJson.registration(node);
        } catch (ProblemException refused) {
            refusedAs(refused, PARSE_REFUSALS);
            return;
        }
        assertTrue(r.rawId().length >= 1 && r.rawId().length <= 1023);
        RelyingParty.NewCredential c;
        try {
            c = RP.verifyRegistration(CHALLENGE, r);
        } catch (ProblemException refused) {
            refusedAs(refused, VERIFY_REFUSALS);
            return;
        }
        // Accepted: it is a passkey of this RP for this challenge, and what is stored decodes again.
        assertArrayEquals(r.rawId(), c.id());
        assertNotNull(new AttestedCredentialDataConverter(new ObjectConverter()).convert(c.attestedCredentialData()).getCOSEKey());
    }

    /** AuthenticationResponseJSON for the fixed passkey: verified, or refused as documented. */
    @FuzzTest(maxDuration = "30s")
    void authenticationResponses(byte[] body) {
        JsonNode node = json(body);
        if (node == null) {
            return;
        }
        CredentialJson.Assertion a;
        try {
            a = CredentialJson.assertion(node);
        } catch (ProblemException refused) {
            refusedAs(refused, PARSE_REFUSALS);
            return;
        }
        RelyingParty.Assertion ok;
        try {
            ok = RP.verifyAssertion(CHALLENGE, a, STORED, 0, true, false, false);
        } catch (ProblemException refused) {
            refusedAs(refused, VERIFY_REFUSALS);
            return;
        }
        // Only the fixed passkey's signature over this challenge can get here.
        assertArrayEquals(CREDENTIAL_ID, ok.credentialId());
        assertTrue(ok.signCount() >= 0);
    }

    /** A login's ceremony id as the finish receives it: taken apart, or refused as invalid or unknown. */
    @FuzzTest(maxDuration = "10s")
    void loginCeremonyIds(String id) {
        LoginChallenges.Decoded d;
        try {
            d = LoginChallenges.decode(id);
        } catch (ProblemException refused) {
            refusedAs(refused, Set.of(ProblemType.INVALID_FIELD, AuthProblems.CEREMONY_UNKNOWN));
            return;
        }
        assertEquals(16, d.nonce().length);
        assertTrue(d.accountId() == null || d.accountId().matches("[A-Za-z0-9_-]{22}"));
        assertEquals(id, Base64Url.encode(d.raw()), "an id names one byte string");
    }

    /** The Authorization header of session operations: a 43-character token, or 401 session-required/-invalid. */
    @FuzzTest(maxDuration = "10s")
    void sessionAuthorization(String header) {
        String token;
        try {
            token = Sessions.token(header);
        } catch (ProblemException refused) {
            refusedAs(refused, Set.of(AuthProblems.SESSION_REQUIRED, AuthProblems.SESSION_INVALID));
            return;
        }
        assertEquals(32, Base64Url.decode(token, "token").length);
    }

    /**
     * The committed valid inputs still verify (so the corpus keeps reaching the verification, not only
     * the parsers). With {@code -Dpeers.fuzz.writeSeeds=true} it first writes them again.
     */
    @Test
    void committedValidInputsVerify() throws Exception {
        Path dir = Path.of("src/test/resources/peers/auth/fuzz/WebAuthnJsonFuzzTestInputs");
        if (Boolean.getBoolean("peers.fuzz.writeSeeds")) {
            Files.writeString(dir.resolve("registrationResponses/valid-eddsa-none"), JSON.writeValueAsString(registration()));
            Files.writeString(dir.resolve("authenticationResponses/valid-eddsa"), JSON.writeValueAsString(assertion(5)));
        }
        CredentialJson.Registration r = CredentialJson.registration(JSON.readTree(Files.readAllBytes(dir.resolve("registrationResponses/valid-eddsa-none"))));
        assertArrayEquals(CREDENTIAL_ID, RP.verifyRegistration(CHALLENGE, r).id());
        CredentialJson.Assertion a = CredentialJson.assertion(JSON.readTree(Files.readAllBytes(dir.resolve("authenticationResponses/valid-eddsa"))));
        assertEquals(5, RP.verifyAssertion(CHALLENGE, a, STORED, 0, true, false, false).signCount());
    }

    static JsonNode json(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException | java.io.CharConversionException e) {
            // answered 400 malformed-request before any of our code runs (a byte sequence that is no text in the
            // encoding Jackson detected is a CharConversionException: BadInputTest#bodiesInNoValidEncodingAreMalformed)
            return null;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static void refusedAs(ProblemException e, Set<ProblemType> allowed) {
        assertTrue(allowed.contains(e.type()), () -> "unexpected problem type " + e.type().name() + ": " + e.detail());
        assertNotNull(e.detail());
        assertTrue(e.type().status() >= 400 && e.type().status() < 500, "a refusal of client input is a 4xx");
    }

    // ---- the fixed passkey that made the committed valid inputs ----

    static KeyPair fixedEd25519() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    for (int i = 0; i < bytes.length; i++) {
                        bytes[i] = (byte) (i * 11 + 3);
                    }
                }
            });
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static AttestedCredentialData attested() {
        byte[] spki = KEY.getPublic().getEncoded();
        byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return new AttestedCredentialData(AAGUID.ZERO, CREDENTIAL_ID, new EdDSACOSEKey(null, COSEAlgorithmIdentifier.EdDSA, null, Curve.ED25519, x, null));
    }

    static Map<String, Object> registration() throws GeneralSecurityException {
        ObjectConverter oc = new ObjectConverter();
        AuthenticatorData<RegistrationExtensionAuthenticatorOutput> ad = new AuthenticatorData<>(sha256(RP_ID.getBytes(StandardCharsets.UTF_8)),
                (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV | AuthenticatorData.BIT_AT), 1, attested());
        new AuthenticatorDataConverter(oc).convert(ad);
        byte[] attestation = new AttestationObjectConverter(oc).convertToBytes(new AttestationObject(ad, new NoneAttestationStatement()));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", Base64Url.encode(clientData("webauthn.create")));
        response.put("attestationObject", Base64Url.encode(attestation));
        response.put("transports", List.of("internal", "hybrid"));
        return credential(response, Map.of("prf", Map.of("enabled", true), "credProps", Map.of("rk", true)));
    }

    static Map<String, Object> assertion(int counter) throws GeneralSecurityException {
        byte[] clientData = clientData("webauthn.get");
        byte[] ad = ByteBuffer.allocate(37).put(sha256(RP_ID.getBytes(StandardCharsets.UTF_8)))
                .put((byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV)).putInt(counter).array();
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(KEY.getPrivate());
        s.update(ad);
        s.update(sha256(clientData));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", Base64Url.encode(clientData));
        response.put("authenticatorData", Base64Url.encode(ad));
        response.put("signature", Base64Url.encode(s.sign()));
        response.put("userHandle", Base64Url.encode("fuzz-user-handle".getBytes(StandardCharsets.US_ASCII)));
        return credential(response, Map.of());
    }

    static Map<String, Object> credential(Map<String, Object> response, Map<String, Object> extensions) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", Base64Url.encode(CREDENTIAL_ID));
        c.put("rawId", Base64Url.encode(CREDENTIAL_ID));
        c.put("type", "public-key");
        c.put("authenticatorAttachment", "platform");
        c.put("response", response);
        c.put("clientExtensionResults", extensions);
        return c;
    }

    static byte[] clientData(String type) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + Base64Url.encode(CHALLENGE) + "\",\"origin\":\"" + ORIGIN + "\",\"crossOrigin\":false}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] sha256(byte[] b) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /** The relying party of the committed inputs (no custodial keys: not used here). */
    static final class Config implements AuthConfig {
        @Override
        public String rpId() {
            return RP_ID;
        }

        @Override
        public String rpName() {
            return "Peers";
        }

        @Override
        public List<String> origins() {
            return List.of(ORIGIN, "http://localhost:*");
        }

        @Override
        public Duration ceremonyTtl() {
            return Duration.ofMinutes(2);
        }

        @Override
        public Duration sessionTtl() {
            return Duration.ofMinutes(15);
        }

        @Override
        public int maxWrapBytes() {
            return 4096;
        }

        @Override
        public int maxCredentials() {
            return 20;
        }

        @Override
        public Custodial custodial() {
            return new Custodial() {
                @Override
                public Optional<List<String>> keys() {
                    return Optional.empty();
                }

                @Override
                public Optional<String> currentKeyId() {
                    return Optional.empty();
                }

                @Override
                public int maxKeyBytes() {
                    return 1024;
                }
            };
        }
    }
}
