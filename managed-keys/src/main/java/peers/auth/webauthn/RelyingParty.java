package peers.auth.webauthn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.BadAttestationStatementException;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.CrossOriginException;
import com.webauthn4j.verifier.exception.InconsistentClientDataTypeException;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.NotAllowedAlgorithmException;
import com.webauthn4j.verifier.exception.UserNotPresentException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import com.webauthn4j.verifier.exception.VerificationException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import peers.auth.AuthConfig;
import peers.auth.AuthProblems;
import peers.common.problems.ProblemException;

/**
 * Verifies WebAuthn responses with WebAuthn4J against this relying party: RP ID and origin allow-list
 * from configuration, the ceremony's challenge, user presence and user verification required, and
 * ES256, EdDSA or RS256 credentials only. Attestation statements (none, packed, …) are verified for
 * integrity; their certificate chains are not checked against a metadata service (passkey providers
 * mostly send none, and this service does not restrict authenticator models).
 */
@ApplicationScoped
public class RelyingParty {

    /** The algorithms offered in pubKeyCredParams, in order of preference. */
    public static final List<Long> ALGORITHMS = List.of(-8L, -7L, -257L);
    private static final List<PublicKeyCredentialParameters> PARAMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));

    private final ObjectConverter converter = new ObjectConverter();
    private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager(converter);
    private final AttestedCredentialDataConverter credentialData = new AttestedCredentialDataConverter(converter);
    private final ObjectMapper json = new ObjectMapper();
    private static final int DECODED_MAX = 10_000;
    private final java.util.concurrent.ConcurrentHashMap<String, AttestedCredentialData> decoded = new java.util.concurrent.ConcurrentHashMap<>();
    private final AuthConfig config;
    private final Set<String> exactOrigins = new TreeSet<>();
    private final List<String> anyPortOrigins;

    public RelyingParty(AuthConfig config) {
        this.config = config;
        this.anyPortOrigins = config.origins().stream().filter(o -> o.endsWith(":*")).map(o -> o.substring(0, o.length() - 1)).toList();
        config.origins().stream().filter(o -> !o.endsWith(":*")).forEach(exactOrigins::add);
    }

    public String rpId() {
        return config.rpId();
    }

    public String rpName() {
        return config.rpName();
    }

    /** What a verified registration yields for storage. */
    public record NewCredential(byte[] id, byte[] attestedCredentialData, String format, long signCount, boolean uv,
            boolean backupEligible, boolean backupState, Set<String> transports) {
    }

    /** What a verified assertion yields. */
    public record Assertion(byte[] credentialId, long signCount, boolean backupState) {
    }

    /** §7.1 Registering a new credential: steps 5-26 are WebAuthn4J's; the challenge is the ceremony's. */
    public NewCredential verifyRegistration(byte[] challenge, CredentialJson.Registration r) {
        RegistrationRequest request = new RegistrationRequest(r.attestationObject(), r.clientDataJSON(), null, r.transports());
        RegistrationParameters params = new RegistrationParameters(serverProperty(challenge, r.clientDataJSON()), PARAMS, true, true);
        RegistrationData data;
        try {
            data = manager.verify(request, params);
        } catch (DataConversionException e) {
            throw new ProblemException(peers.common.problems.ProblemType.MALFORMED_REQUEST,
                    "credential.response: attestationObject or clientDataJSON cannot be decoded");
        } catch (VerificationException e) {
            throw rejected(e);
        } catch (RuntimeException e) {
            throw undecodable(e, "attestationObject or clientDataJSON");
        }
        AuthenticatorData<?> ad = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData acd = ad.getAttestedCredentialData();
        if (!java.util.Arrays.equals(acd.getCredentialId(), r.rawId())) {
            throw AuthProblems.rejected("credential-id", "credential.rawId differs from the credential id in the attestation");
        }
        return new NewCredential(acd.getCredentialId(), credentialData.convert(acd), data.getAttestationObject().getFormat(),
                ad.getSignCount(), ad.isFlagUV(), ad.isFlagBE(), ad.isFlagBS(), r.transports());
    }

    /** §7.2 Verifying an authentication assertion against the stored credential (counter included). */
    public Assertion verifyAssertion(byte[] challenge, CredentialJson.Assertion a, byte[] storedCredentialData, long storedCount,
            boolean uvInitialized, boolean backupEligible, boolean backupState) {
        AttestedCredentialData acd = decoded(storedCredentialData);
        // WebAuthn4J takes the credential record as given: it does not compare its id with the response's.
        // The service looks the record up by that id; this keeps the two tied even if a caller did not.
        if (!java.util.Arrays.equals(acd.getCredentialId(), a.rawId())) {
            throw AuthProblems.rejected("credential-id", "credential.rawId is not the id of the stored passkey");
        }
        CredentialRecordImpl record = new CredentialRecordImpl(null, uvInitialized, backupEligible, backupState, storedCount, acd, null, null, null, null);
        AuthenticationRequest request = new AuthenticationRequest(a.rawId(), a.userHandle(), a.authenticatorData(), a.clientDataJSON(), null, a.signature());
        AuthenticationParameters params = new AuthenticationParameters(serverProperty(challenge, a.clientDataJSON()), record, null, true, true);
        AuthenticationData data;
        try {
            data = manager.verify(request, params);
        } catch (DataConversionException e) {
            throw new ProblemException(peers.common.problems.ProblemType.MALFORMED_REQUEST,
                    "credential.response: authenticatorData or clientDataJSON cannot be decoded");
        } catch (VerificationException e) {
            throw rejected(e);
        } catch (RuntimeException e) {
            throw undecodable(e, "authenticatorData or clientDataJSON");
        }
        return new Assertion(data.getCredentialId(), data.getAuthenticatorData().getSignCount(), data.getAuthenticatorData().isFlagBS());
    }

    /**
     * The stored credential data decoded (COSE key parsed, public key built), kept per content: a
     * passkey's data never changes, so it is decoded once per replica rather than at every login.
     */
    private AttestedCredentialData decoded(byte[] stored) {
        String key = java.util.Base64.getEncoder().encodeToString(stored);
        AttestedCredentialData acd = decoded.get(key);
        if (acd == null) {
            acd = credentialData.convert(stored);
            if (decoded.size() >= DECODED_MAX) {
                decoded.clear();
            }
            decoded.put(key, acd);
        }
        return acd;
    }

    /** The configured origins, plus the response's own origin when it matches an any-port entry. */
    private ServerProperty serverProperty(byte[] challenge, byte[] clientDataJSON) {
        Set<Origin> origins = new LinkedHashSet<>();
        exactOrigins.forEach(o -> origins.add(Origin.create(o)));
        if (!anyPortOrigins.isEmpty()) {
            String origin = originOf(clientDataJSON);
            if (origin != null) {
                for (String prefix : anyPortOrigins) {
                    if (origin.startsWith(prefix) && origin.substring(prefix.length()).matches("[0-9]{1,5}")) {
                        origins.add(Origin.create(origin));
                    }
                }
            }
        }
        return new ServerProperty(origins, config.rpId(), new DefaultChallenge(challenge));
    }

    private String originOf(byte[] clientDataJSON) {
        try {
            JsonNode n = json.readTree(clientDataJSON);
            return n != null && n.path("origin").isTextual() ? n.get("origin").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * WebAuthn4J's decoding of untrusted bytes can fail with an unchecked exception other than its own
     * (e.g. a NullPointerException inside Jackson for a CBOR COSE key without a key type, found by
     * WebAuthnJsonFuzzTest). Only WebAuthn4J runs inside these calls, on the client's bytes: a
     * malformed request, not a server error.
     */
    private static ProblemException undecodable(RuntimeException e, String what) {
        org.jboss.logging.Logger.getLogger(RelyingParty.class).debugf(e, "WebAuthn4J could not decode %s", what);
        return new ProblemException(peers.common.problems.ProblemType.MALFORMED_REQUEST, "credential.response: " + what + " cannot be decoded");
    }

    private static ProblemException rejected(VerificationException e) {
        String reason = switch (e) {
            case BadOriginException x -> "origin";
            case CrossOriginException x -> "origin";
            case BadRpIdException x -> "rp-id";
            case BadChallengeException x -> "challenge";
            case UserNotVerifiedException x -> "user-verification";
            case UserNotPresentException x -> "user-presence";
            case MaliciousCounterValueException x -> "counter";
            case BadSignatureException x -> "signature";
            case NotAllowedAlgorithmException x -> "algorithm";
            case BadAttestationStatementException x -> "attestation";
            case InconsistentClientDataTypeException x -> "client-data-type";
            default -> "verification";
        };
        String detail = switch (reason) {
            case "origin" -> "clientDataJSON.origin is not an allowed origin of this relying party";
            case "rp-id" -> "the authenticator data is not for this relying party's RP ID";
            case "challenge" -> "clientDataJSON.challenge is not this ceremony's challenge";
            case "user-verification" -> "the authenticator did not verify the user (UV flag); user verification is required";
            case "user-presence" -> "the authenticator did not test user presence (UP flag)";
            case "counter" -> "the signature counter did not increase: the passkey may have been cloned";
            case "signature" -> "the signature does not verify with the passkey's public key";
            case "algorithm" -> "the credential's algorithm is not one of ES256, EdDSA, RS256";
            case "attestation" -> "the attestation statement does not verify";
            case "client-data-type" -> "clientDataJSON.type does not fit the ceremony";
            default -> "the WebAuthn response does not verify";
        };
        return AuthProblems.rejected(reason, detail);
    }
}
