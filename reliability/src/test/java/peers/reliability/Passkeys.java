package peers.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.webauthn4j.data.AuthenticatorAttestationResponse;
import com.webauthn4j.data.AuthenticatorSelectionCriteria;
import com.webauthn4j.data.PublicKeyCredential;
import com.webauthn4j.data.PublicKeyCredentialCreationOptions;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialRpEntity;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.PublicKeyCredentialUserEntity;
import com.webauthn4j.data.ResidentKeyRequirement;
import com.webauthn4j.data.UserVerificationRequirement;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.test.authenticator.webauthn.NoneAttestationAuthenticator;
import com.webauthn4j.test.authenticator.webauthn.WebAuthnAuthenticatorAdaptor;
import com.webauthn4j.test.client.ClientPlatform;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import peers.common.identity.Base64Url;
import peers.testing.peers.TestPeer;

/**
 * A passkey sign-up at managed-keys (PRF mode) the way a browser does it, with WebAuthn4J's authenticator
 * emulator behind its client platform (origin {@code http://localhost:8080}, which the service's default
 * {@code peers.auth.origins=http://localhost:*} and RP ID {@code localhost} accept). The emulator has no PRF;
 * like a browser whose authenticator supports it, the credential reports {@code prf.enabled: true}.
 */
final class Passkeys {

    private static final String ORIGIN = "http://localhost:8080";

    private Passkeys() {
    }

    /** Options, credential, finish; returns the finishing answer (201 with {@code accountId} when it worked). */
    static Api.Res signUp(String authUrl, TestPeer identity, String appId) {
        Map<String, Object> ask = new LinkedHashMap<>();
        if (appId != null) {
            ask.put("appId", appId);
        }
        Api.Res options = Api.post(authUrl + "/auth/v1/registrations/options", ask, null);
        if (options.status() != 200) {
            return options;
        }
        JsonNode o = options.json();
        JsonNode pk = o.path("publicKey");
        byte[] challenge = Base64Url.decode(pk.path("challenge").asText(), "challenge");
        byte[] userHandle = Base64Url.decode(pk.path("user").path("id").asText(), "user.id");
        ClientPlatform platform = new ClientPlatform(new Origin(ORIGIN), new WebAuthnAuthenticatorAdaptor(new NoneAttestationAuthenticator()));
        PublicKeyCredentialCreationOptions creation = new PublicKeyCredentialCreationOptions(
                new PublicKeyCredentialRpEntity(pk.path("rp").path("id").asText(), "Peers"),
                new PublicKeyCredentialUserEntity(userHandle, pk.path("user").path("name").asText(), pk.path("user").path("displayName").asText()),
                new DefaultChallenge(challenge),
                List.of(new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256)),
                60000L, List.of(), new AuthenticatorSelectionCriteria(null, true, ResidentKeyRequirement.REQUIRED, UserVerificationRequirement.REQUIRED),
                null, null);
        PublicKeyCredential<AuthenticatorAttestationResponse, ?> c = platform.create(creation);
        String id = Base64Url.encode(c.getRawId());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", Base64Url.encode(c.getResponse().getClientDataJSON()));
        response.put("attestationObject", Base64Url.encode(c.getResponse().getAttestationObject()));
        response.put("transports", List.of("internal"));
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("id", id);
        credential.put("rawId", id);
        credential.put("type", "public-key");
        credential.put("authenticatorAttachment", "platform");
        credential.put("response", response);
        credential.put("clientExtensionResults", Map.of("prf", Map.of("enabled", true), "credProps", Map.of("rk", true)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ceremonyId", o.path("ceremonyId").asText());
        body.put("credential", credential);
        body.put("identityKey", identity.id());
        body.put("identityProof", Base64Url.encode(identity.sign(("peers-auth-signup/v1\n" + Base64Url.encode(challenge)).getBytes(StandardCharsets.UTF_8))));
        body.put("mode", "prf");
        return Api.post(authUrl + "/auth/v1/registrations", body, null);
    }
}
