package peers.auth.webauthn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;
import peers.auth.AuthProblems;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

/**
 * Reads a {@code PublicKeyCredential} in its WebAuthn Level 3 JSON form ({@code RegistrationResponseJSON},
 * {@code AuthenticationResponseJSON}, what a browser's {@code toJSON()} gives). Unknown members are
 * ignored (browsers add some); the members used are checked and decoded here, so a malformed one is a
 * 422 naming it. Any PRF output is refused: it is the client's secret.
 */
public final class CredentialJson {

    private static final int MAX_ID_BYTES = 1023;
    private static final int MAX_BLOB_BYTES = 16384;

    private CredentialJson() {
    }

    public record Registration(byte[] rawId, byte[] clientDataJSON, byte[] attestationObject, Set<String> transports, Boolean prfEnabled) {
    }

    public record Assertion(byte[] rawId, byte[] clientDataJSON, byte[] authenticatorData, byte[] signature, byte[] userHandle) {
    }

    public static Registration registration(JsonNode c) {
        requireObject(c, "credential");
        refusePrfOutput(c);
        checkType(c);
        byte[] rawId = rawId(c);
        JsonNode r = object(c, "response");
        Set<String> transports = new LinkedHashSet<>();
        JsonNode t = r.get("transports");
        if (t != null && !t.isNull()) {
            if (!t.isArray() || t.size() > 16) {
                throw ProblemException.invalid("credential.response.transports", "credential.response.transports must be an array of at most 16 strings");
            }
            for (JsonNode s : t) {
                if (!s.isTextual() || s.asText().length() > 32) {
                    throw ProblemException.invalid("credential.response.transports", "each transport is a string of at most 32 characters");
                }
                transports.add(s.asText());
            }
        }
        JsonNode prf = c.path("clientExtensionResults").path("prf");
        Boolean prfEnabled = prf.path("enabled").isBoolean() ? prf.get("enabled").asBoolean() : null;
        return new Registration(rawId, bytes(r, "clientDataJSON", "credential.response.clientDataJSON", true),
                bytes(r, "attestationObject", "credential.response.attestationObject", true), transports, prfEnabled);
    }

    public static Assertion assertion(JsonNode c) {
        requireObject(c, "credential");
        refusePrfOutput(c);
        checkType(c);
        byte[] rawId = rawId(c);
        JsonNode r = object(c, "response");
        return new Assertion(rawId, bytes(r, "clientDataJSON", "credential.response.clientDataJSON", true),
                bytes(r, "authenticatorData", "credential.response.authenticatorData", true),
                bytes(r, "signature", "credential.response.signature", true),
                bytes(r, "userHandle", "credential.response.userHandle", false));
    }

    /** §PRF: the PRF output must never reach the server; a response carrying it is refused whole. */
    static void refusePrfOutput(JsonNode c) {
        JsonNode prf = c.path("clientExtensionResults").path("prf");
        if (prf.has("results")) {
            throw new ProblemException(AuthProblems.PRF_OUTPUT_SENT, "clientExtensionResults.prf.results is the client's secret: the server never "
                    + "accepts it; remove it from the credential before sending (a browser's toJSON() includes it)");
        }
    }

    private static void checkType(JsonNode c) {
        JsonNode type = c.get("type");
        if (type != null && !type.isNull() && !"public-key".equals(type.asText())) {
            throw ProblemException.invalid("credential.type", "credential.type must be 'public-key'");
        }
    }

    private static byte[] rawId(JsonNode c) {
        byte[] rawId = bytes(c, "rawId", "credential.rawId", false);
        byte[] id = bytes(c, "id", "credential.id", rawId == null);
        if (rawId == null) {
            rawId = id;
        } else if (id != null && !java.util.Arrays.equals(id, rawId)) {
            throw ProblemException.invalid("credential.id", "credential.id and credential.rawId differ");
        }
        if (rawId.length == 0 || rawId.length > MAX_ID_BYTES) {
            throw ProblemException.invalid("credential.rawId", "a credential id is 1 to 1023 bytes");
        }
        return rawId;
    }

    private static JsonNode object(JsonNode parent, String name) {
        JsonNode n = parent.get(name);
        if (n == null || !n.isObject()) {
            throw ProblemException.invalid("credential." + name, "credential." + name + " must be an object");
        }
        return n;
    }

    private static void requireObject(JsonNode c, String field) {
        if (c == null || !c.isObject()) {
            throw ProblemException.invalid(field, field + " must be a PublicKeyCredential in its JSON form (an object)");
        }
    }

    private static byte[] bytes(JsonNode parent, String name, String field, boolean required) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            if (required) {
                throw ProblemException.invalid(field, field + " is required (base64url)");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw ProblemException.invalid(field, field + " must be a base64url string");
        }
        if (n.asText().length() > MAX_BLOB_BYTES * 4 / 3 + 4) {
            throw ProblemException.invalid(field, field + " is longer than " + MAX_BLOB_BYTES + " bytes");
        }
        try {
            return Base64Url.decode(n.asText(), field);
        } catch (PeerKey.InvalidKeyText e) {
            throw ProblemException.invalid(field, e.getMessage());
        }
    }
}
