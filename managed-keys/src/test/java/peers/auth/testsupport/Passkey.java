package peers.auth.testsupport;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.AuthenticatorAssertionResponse;
import com.webauthn4j.data.AuthenticatorAttestationResponse;
import com.webauthn4j.data.AuthenticatorSelectionCriteria;
import com.webauthn4j.data.PublicKeyCredential;
import com.webauthn4j.data.PublicKeyCredentialCreationOptions;
import com.webauthn4j.data.PublicKeyCredentialDescriptor;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialRequestOptions;
import com.webauthn4j.data.PublicKeyCredentialRpEntity;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.PublicKeyCredentialUserEntity;
import com.webauthn4j.data.ResidentKeyRequirement;
import com.webauthn4j.data.UserVerificationRequirement;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.authenticator.EdDSACOSEKey;
import com.webauthn4j.data.attestation.statement.AttestationStatement;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.attestation.statement.PackedAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import com.webauthn4j.test.authenticator.webauthn.NoneAttestationAuthenticator;
import com.webauthn4j.test.authenticator.webauthn.PackedAuthenticator;
import com.webauthn4j.test.authenticator.webauthn.WebAuthnAuthenticatorAdaptor;
import com.webauthn4j.test.authenticator.webauthn.WebAuthnModelAuthenticator;
import com.webauthn4j.test.client.ClientPlatform;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import peers.common.identity.Base64Url;

/**
 * A passkey and the browser around it, for server-side ceremony tests: takes the service's Level 3
 * JSON options and answers with a Level 3 JSON credential. Two engines:
 * <ul>
 * <li>WebAuthn4J's emulators ({@link PackedAuthenticator}, {@link NoneAttestationAuthenticator} behind
 * a {@link ClientPlatform}): ES256 only, user verification always on;</li>
 * <li>a small software authenticator built from WebAuthn4J's data model and converters, for what the
 * emulators cannot do: EdDSA and RS256 credentials, a missing UV flag, a chosen counter.</li>
 * </ul>
 * Neither has PRF: the test reports {@code prf.enabled} the way a browser would.
 */
public final class Passkey {

    public enum Engine { EMULATOR_PACKED, EMULATOR_NONE, SOFT_ES256_NONE, SOFT_EDDSA_NONE, SOFT_EDDSA_PACKED, SOFT_RS256_NONE }

    private static final ObjectConverter OC = new ObjectConverter();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Engine engine;
    private final WebAuthnModelAuthenticator emulator;
    private final ClientPlatform platform;
    public String origin = "https://app.peers.test";
    /** When set, the authenticator signs for this RP ID instead of the options' one. */
    public String rpIdOverride;
    public boolean userVerified = true;
    public boolean prfEnabled = true;
    /** Soft engine: the counter of the next signature (emulator: set {@link #countUp}). */
    public long counter = 1;
    // soft engine state
    private KeyPair keyPair;
    private byte[] credentialId;
    private byte[] userHandle;

    public Passkey(Engine engine) {
        this.engine = engine;
        this.emulator = switch (engine) {
            case EMULATOR_PACKED -> new PackedAuthenticator();
            case EMULATOR_NONE -> new NoneAttestationAuthenticator();
            default -> null;
        };
        this.platform = emulator == null ? null : new ClientPlatform(new Origin(origin), new WebAuthnAuthenticatorAdaptor(emulator));
    }

    public byte[] credentialId() {
        return credentialId;
    }

    public String id() {
        return Base64Url.encode(credentialId);
    }

    /** Emulator: whether signatures count up (off: the next assertion repeats the counter). */
    public void countUp(boolean on) {
        emulator.setCountUpEnabled(on);
    }

    /** navigator.credentials.create() with the service's creation options. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> create(Map<String, Object> o) {
        Map<String, Object> rp = (Map<String, Object>) o.get("rp");
        Map<String, Object> user = (Map<String, Object>) o.get("user");
        String rpId = rpIdOverride != null ? rpIdOverride : (String) rp.get("id");
        byte[] challenge = Base64Url.decode((String) o.get("challenge"), "challenge");
        userHandle = Base64Url.decode((String) user.get("id"), "user.id");
        byte[] clientData;
        byte[] attestationObject;
        if (emulator != null) {
            platform.setOrigin(new Origin(origin));
            PublicKeyCredentialCreationOptions options = new PublicKeyCredentialCreationOptions(new PublicKeyCredentialRpEntity(rpId, "Peers"),
                    new PublicKeyCredentialUserEntity(userHandle, (String) user.get("name"), (String) user.get("displayName")),
                    new DefaultChallenge(challenge),
                    List.of(new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256)),
                    60000L, List.of(), new AuthenticatorSelectionCriteria(null, true, ResidentKeyRequirement.REQUIRED, UserVerificationRequirement.REQUIRED),
                    null, null);
            PublicKeyCredential<AuthenticatorAttestationResponse, ?> c = platform.create(options);
            credentialId = c.getRawId();
            clientData = c.getResponse().getClientDataJSON();
            attestationObject = c.getResponse().getAttestationObject();
        } else {
            credentialId = random(32);
            keyPair = switch (engine) {
                case SOFT_ES256_NONE -> ec();
                case SOFT_RS256_NONE -> rsa();
                default -> ed();
            };
            clientData = clientData("webauthn.create", challenge);
            COSEKey cose = keyPair.getPublic() instanceof ECPublicKey ec ? EC2COSEKey.create(ec, COSEAlgorithmIdentifier.ES256)
                    : keyPair.getPublic() instanceof java.security.interfaces.RSAPublicKey rsa
                            ? com.webauthn4j.data.attestation.authenticator.RSACOSEKey.create(rsa, COSEAlgorithmIdentifier.RS256)
                            : EdDSACOSEKey.create((EdECPublicKey) keyPair.getPublic(), COSEAlgorithmIdentifier.EdDSA);
            AttestedCredentialData acd = new AttestedCredentialData(AAGUID.ZERO, credentialId, cose);
            AuthenticatorData<RegistrationExtensionAuthenticatorOutput> ad = new AuthenticatorData<>(sha256(rpId.getBytes(StandardCharsets.UTF_8)),
                    flags(true), counter, acd);
            byte[] adBytes = new AuthenticatorDataConverter(OC).convert(ad);
            AttestationStatement st = engine == Engine.SOFT_EDDSA_PACKED
                    ? new PackedAttestationStatement(COSEAlgorithmIdentifier.EdDSA, sign(concat(adBytes, sha256(clientData))), null)
                    : new NoneAttestationStatement();
            attestationObject = new AttestationObjectConverter(OC).convertToBytes(new AttestationObject(ad, st));
            counter++;
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", Base64Url.encode(clientData));
        response.put("attestationObject", Base64Url.encode(attestationObject));
        response.put("transports", List.of("internal"));
        return credential(response, Map.of("prf", Map.of("enabled", prfEnabled), "credProps", Map.of("rk", true)));
    }

    /** navigator.credentials.get() with the service's request options. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> get(Map<String, Object> o) {
        String rpId = rpIdOverride != null ? rpIdOverride : (String) o.get("rpId");
        byte[] challenge = Base64Url.decode((String) o.get("challenge"), "challenge");
        byte[] clientData;
        byte[] authenticatorData;
        byte[] signature;
        if (emulator != null) {
            platform.setOrigin(new Origin(origin));
            List<PublicKeyCredentialDescriptor> allow = new ArrayList<>();
            for (Map<String, Object> d : (List<Map<String, Object>>) o.getOrDefault("allowCredentials", List.of())) {
                allow.add(new PublicKeyCredentialDescriptor(PublicKeyCredentialType.PUBLIC_KEY, Base64Url.decode((String) d.get("id"), "id"), null));
            }
            if (allow.isEmpty()) {
                allow.add(new PublicKeyCredentialDescriptor(PublicKeyCredentialType.PUBLIC_KEY, credentialId, null));
            }
            PublicKeyCredentialRequestOptions options = new PublicKeyCredentialRequestOptions(new DefaultChallenge(challenge), 60000L, rpId, allow,
                    UserVerificationRequirement.REQUIRED, null);
            PublicKeyCredential<AuthenticatorAssertionResponse, ?> c = platform.get(options);
            clientData = c.getResponse().getClientDataJSON();
            authenticatorData = c.getResponse().getAuthenticatorData();
            signature = c.getResponse().getSignature();
        } else {
            clientData = clientData("webauthn.get", challenge);
            ByteBuffer ad = ByteBuffer.allocate(37);
            ad.put(sha256(rpId.getBytes(StandardCharsets.UTF_8))).put(flags(false)).putInt((int) counter);
            authenticatorData = ad.array();
            signature = sign(concat(authenticatorData, sha256(clientData)));
            counter++;
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", Base64Url.encode(clientData));
        response.put("authenticatorData", Base64Url.encode(authenticatorData));
        response.put("signature", Base64Url.encode(signature));
        response.put("userHandle", Base64Url.encode(userHandle));
        return credential(response, Map.of());
    }

    private Map<String, Object> credential(Map<String, Object> response, Map<String, Object> extensions) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id());
        c.put("rawId", id());
        c.put("type", "public-key");
        c.put("authenticatorAttachment", "platform");
        c.put("response", response);
        c.put("clientExtensionResults", extensions);
        return c;
    }

    private byte flags(boolean attested) {
        byte f = AuthenticatorData.BIT_UP;
        if (userVerified) {
            f |= AuthenticatorData.BIT_UV;
        }
        if (attested) {
            f |= AuthenticatorData.BIT_AT;
        }
        return f;
    }

    private byte[] clientData(String type, byte[] challenge) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + Base64Url.encode(challenge) + "\",\"origin\":\"" + origin + "\",\"crossOrigin\":false}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance(keyPair.getPublic() instanceof ECPublicKey ? "SHA256withECDSA"
                    : keyPair.getPublic() instanceof java.security.interfaces.RSAPublicKey ? "SHA256withRSA" : "Ed25519");
            s.initSign(keyPair.getPrivate());
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ed() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
