package peers.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EdDSACOSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import peers.common.identity.Base64Url;
import peers.testing.peers.TestPeer;

/**
 * A software passkey (EdDSA, "none" attestation, UV set, PRF reported enabled) built from WebAuthn4J's data
 * model, and the client side of managed-keys' ceremonies: sign-up and login, returning session tokens.
 */
public final class Passkeys {

    public static final String RP_ID = "localhost";
    public static final String ORIGIN = "http://localhost:8443";
    private static final ObjectConverter OC = new ObjectConverter();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keyPair;
    private final byte[] credentialId = random(32);
    private byte[] userHandle;
    private long counter = 1;

    public Passkeys() {
        try {
            keyPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An account of managed-keys: its identity, passkey, ids and a live session token. */
    public record Account(TestPeer identity, Passkeys passkey, String accountId, String credentialId, String prfSaltId, String token) {
    }

    /** Signs up in mode prf (or custodial) and returns the account with its session. */
    public static Account signUp(String base, String mode) {
        TestPeer identity = TestPeer.create();
        Secrets.privateKey("managed-keys identity key", identity.privateKey());
        Passkeys passkey = new Passkeys();
        JsonNode o = Http.req("POST", base + "/auth/v1/registrations/options").json(Map.of()).send().expect(200).json();
        String ceremonyId = o.get("ceremonyId").asText();
        JsonNode pk = o.get("publicKey");
        byte[] challenge = Base64Url.decode(pk.get("challenge").asText(), "challenge");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ceremonyId", ceremonyId);
        body.put("credential", passkey.create(pk));
        body.put("identityKey", identity.id());
        body.put("identityProof", Base64Url.encode(identity.sign(("peers-auth-signup/v1\n" + Base64Url.encode(challenge)).getBytes(StandardCharsets.UTF_8))));
        body.put("mode", mode);
        if ("custodial".equals(mode)) {
            body.put("custodialKey", Base64Url.encode(identity.privateKey().getEncoded()));
        }
        JsonNode r = Http.req("POST", base + "/auth/v1/registrations").json(body).send().expect(201).json();
        String token = Secrets.text("managed-keys session token", r.get("session").get("token").asText());
        return new Account(identity, passkey, r.get("accountId").asText(), r.get("credentialId").asText(), r.get("prfSaltId").asText(), token);
    }

    /** Logs in with the account's passkey: a new session token. */
    public static String login(String base, Account account) {
        JsonNode o = Http.req("POST", base + "/auth/v1/authentications/options").json(Map.of("accountId", account.accountId())).send().expect(200).json();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ceremonyId", o.get("ceremonyId").asText());
        body.put("credential", account.passkey().get(o.get("publicKey")));
        JsonNode r = Http.req("POST", base + "/auth/v1/authentications").json(body).send().expect(200).json();
        return Secrets.text("managed-keys session token", r.get("session").get("token").asText());
    }

    Map<String, Object> create(JsonNode options) {
        String rpId = options.get("rp").get("id").asText();
        byte[] challenge = Base64Url.decode(options.get("challenge").asText(), "challenge");
        userHandle = Base64Url.decode(options.get("user").get("id").asText(), "user.id");
        byte[] clientData = clientData("webauthn.create", challenge);
        AttestedCredentialData acd = new AttestedCredentialData(AAGUID.ZERO, credentialId,
                EdDSACOSEKey.create((EdECPublicKey) keyPair.getPublic(), COSEAlgorithmIdentifier.EdDSA));
        AuthenticatorData<RegistrationExtensionAuthenticatorOutput> ad = new AuthenticatorData<>(sha256(rpId.getBytes(StandardCharsets.UTF_8)),
                (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV | AuthenticatorData.BIT_AT), counter++, acd);
        byte[] adBytes = new AuthenticatorDataConverter(OC).convert(ad);
        byte[] attestationObject = new AttestationObjectConverter(OC).convertToBytes(new AttestationObject(ad, new NoneAttestationStatement()));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", Base64Url.encode(clientData));
        response.put("attestationObject", Base64Url.encode(attestationObject));
        response.put("transports", List.of("internal"));
        return credential(response, Map.of("prf", Map.of("enabled", true), "credProps", Map.of("rk", true)));
    }

    Map<String, Object> get(JsonNode options) {
        String rpId = options.get("rpId").asText();
        byte[] challenge = Base64Url.decode(options.get("challenge").asText(), "challenge");
        byte[] clientData = clientData("webauthn.get", challenge);
        ByteBuffer ad = ByteBuffer.allocate(37);
        ad.put(sha256(rpId.getBytes(StandardCharsets.UTF_8))).put((byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV)).putInt((int) counter++);
        byte[] authenticatorData = ad.array();
        byte[] signature;
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(keyPair.getPrivate());
            s.update(authenticatorData);
            s.update(sha256(clientData));
            signature = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
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
        c.put("id", Base64Url.encode(credentialId));
        c.put("rawId", Base64Url.encode(credentialId));
        c.put("type", "public-key");
        c.put("authenticatorAttachment", "platform");
        c.put("response", response);
        c.put("clientExtensionResults", extensions);
        return c;
    }

    private static byte[] clientData(String type, byte[] challenge) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + Base64Url.encode(challenge) + "\",\"origin\":\"" + ORIGIN + "\",\"crossOrigin\":false}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] random(int n) {
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
}
