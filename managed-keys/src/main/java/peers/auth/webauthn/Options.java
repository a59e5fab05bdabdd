package peers.auth.webauthn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import peers.auth.accounts.Credential;
import peers.common.identity.Base64Url;

/**
 * WebAuthn Level 3 JSON options ({@code PublicKeyCredentialCreationOptionsJSON},
 * {@code PublicKeyCredentialRequestOptionsJSON}): every binary value is unpadded base64url, so a
 * browser's {@code PublicKeyCredential.parseCreationOptionsFromJSON()} / {@code parseRequestOptionsFromJSON()}
 * takes them as they are.
 */
public final class Options {

    private Options() {
    }

    /**
     * Resident key and user verification required; the PRF extension is evaluated at creation with
     * the new passkey's own salt (browsers that cannot do it then answer {@code prf.enabled}).
     */
    public static Map<String, Object> creation(RelyingParty rp, Ceremony c, String userName, List<Credential> exclude, long timeoutMillis) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("rp", Map.of("id", rp.rpId(), "name", rp.rpName()));
        String name = userName == null ? "Peers account" : userName;
        o.put("user", Map.of("id", Base64Url.encode(c.userHandle), "name", name, "displayName", name));
        o.put("challenge", Base64Url.encode(c.challenge));
        List<Map<String, Object>> params = new ArrayList<>();
        for (long alg : RelyingParty.ALGORITHMS) {
            params.add(Map.of("type", "public-key", "alg", alg));
        }
        o.put("pubKeyCredParams", params);
        o.put("timeout", timeoutMillis);
        o.put("excludeCredentials", descriptors(exclude));
        o.put("authenticatorSelection", Map.of("residentKey", "required", "requireResidentKey", true, "userVerification", "required"));
        o.put("attestation", "none");
        o.put("hints", List.of("client-device"));
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("credProps", true);
        ext.put("prf", Map.of("eval", Map.of("first", Base64Url.encode(c.prfSalt))));
        o.put("extensions", ext);
        return o;
    }

    /** For a known account: its passkeys with each one's PRF salt; otherwise any discoverable passkey, without PRF. */
    public static Map<String, Object> request(RelyingParty rp, Ceremony c, List<Credential> allow, long timeoutMillis) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("challenge", Base64Url.encode(c.challenge));
        o.put("timeout", timeoutMillis);
        o.put("rpId", rp.rpId());
        o.put("allowCredentials", descriptors(allow));
        o.put("userVerification", "required");
        if (!allow.isEmpty()) {
            Map<String, Object> byCredential = new LinkedHashMap<>();
            for (Credential cred : allow) {
                byCredential.put(cred.id, Map.of("first", Base64Url.encode(cred.prfSalt)));
            }
            o.put("extensions", Map.of("prf", Map.of("evalByCredential", byCredential)));
        }
        return o;
    }

    private static List<Map<String, Object>> descriptors(List<Credential> creds) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Credential cred : creds) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("type", "public-key");
            d.put("id", cred.id);
            if (cred.transports != null) {
                d.put("transports", List.of(cred.transports.split(",")));
            }
            out.add(d);
        }
        return out;
    }
}
