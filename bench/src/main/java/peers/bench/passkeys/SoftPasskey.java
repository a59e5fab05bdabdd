package peers.bench.passkeys;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A software passkey for the benchmark's client side, with JDK crypto only: "none" attestation, an
 * ES256 or EdDSA credential, user verified, signature counter 0 (as synced passkeys send it, so
 * concurrent logins of one passkey never race on the counter). Builds WebAuthn Level 3 JSON.
 */
final class SoftPasskey {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte UP = 0x01;
    private static final byte UV = 0x04;
    private static final byte AT = 0x40;

    final boolean eddsa;
    final KeyPair keys;
    final byte[] credentialId = new byte[32];
    final String origin;
    final byte[] rpIdHash;
    byte[] userHandle;

    SoftPasskey(boolean eddsa, String origin, String rpId) {
        this.eddsa = eddsa;
        this.origin = origin;
        this.rpIdHash = sha256(rpId.getBytes(StandardCharsets.UTF_8));
        RANDOM.nextBytes(credentialId);
        try {
            if (eddsa) {
                keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            } else {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                keys = g.generateKeyPair();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64u(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] unb64u(String s) {
        return Base64.getUrlDecoder().decode(s);
    }

    /** RegistrationResponseJSON for the challenge and user handle of creation options. */
    Map<String, Object> create(String challenge, String userId) {
        userHandle = unb64u(userId);
        byte[] clientData = clientData("webauthn.create", challenge);
        ByteArrayOutputStream ad = new ByteArrayOutputStream();
        ad.writeBytes(rpIdHash);
        ad.write(UP | UV | AT);
        ad.writeBytes(new byte[4]);
        ad.writeBytes(new byte[16]); // AAGUID
        ad.write(0);
        ad.write(credentialId.length);
        ad.writeBytes(credentialId);
        ad.writeBytes(coseKey());
        Cbor att = new Cbor().map(3).text("fmt").text("none").text("attStmt").map(0).text("authData").bytes(ad.toByteArray());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", b64u(clientData));
        response.put("attestationObject", b64u(att.out.toByteArray()));
        response.put("transports", java.util.List.of("internal"));
        return credential(response, Map.of("prf", Map.of("enabled", true)));
    }

    /** Raw parts of an assertion, for the service (as JSON) and for the raw WebAuthn4J loop alike. */
    record Assertion(byte[] clientData, byte[] authenticatorData, byte[] signature, byte[] challenge) {
    }

    Assertion assertion(String challenge) {
        byte[] clientData = clientData("webauthn.get", challenge);
        byte[] ad = ByteBuffer.allocate(37).put(rpIdHash).put((byte) (UP | UV)).putInt(0).array();
        try {
            Signature s = Signature.getInstance(eddsa ? "Ed25519" : "SHA256withECDSA");
            s.initSign(keys.getPrivate());
            s.update(ad);
            s.update(sha256(clientData));
            return new Assertion(clientData, ad, s.sign(), unb64u(challenge));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, Object> assertionJson(Assertion a) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", b64u(a.clientData()));
        response.put("authenticatorData", b64u(a.authenticatorData()));
        response.put("signature", b64u(a.signature()));
        response.put("userHandle", b64u(userHandle));
        return credential(response, Map.of());
    }

    /** WebAuthn4J's attested credential data layout: AAGUID, id length, id, COSE key. */
    byte[] attestedCredentialData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[16]);
        out.write(0);
        out.write(credentialId.length);
        out.writeBytes(credentialId);
        out.writeBytes(coseKey());
        return out.toByteArray();
    }

    private Map<String, Object> credential(Map<String, Object> response, Map<String, Object> ext) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", b64u(credentialId));
        c.put("rawId", b64u(credentialId));
        c.put("type", "public-key");
        c.put("response", response);
        c.put("clientExtensionResults", ext);
        return c;
    }

    private byte[] clientData(String type, String challenge) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + origin + "\",\"crossOrigin\":false}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private byte[] coseKey() {
        if (eddsa) {
            byte[] spki = keys.getPublic().getEncoded();
            byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            return new Cbor().map(4).integer(1).integer(1).integer(3).integer(-8).integer(-1).integer(6).integer(-2).bytes(x).out.toByteArray();
        }
        ECPublicKey ec = (ECPublicKey) keys.getPublic();
        return new Cbor().map(5).integer(1).integer(2).integer(3).integer(-7).integer(-1).integer(1)
                .integer(-2).bytes(fixed(ec.getW().getAffineX())).integer(-3).bytes(fixed(ec.getW().getAffineY())).out.toByteArray();
    }

    private static byte[] fixed(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The few CBOR items (RFC 8949) an attestation object and a COSE key need. */
    static final class Cbor {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        private Cbor head(int major, long n) {
            if (n < 24) {
                out.write(major << 5 | (int) n);
            } else if (n < 256) {
                out.write(major << 5 | 24);
                out.write((int) n);
            } else if (n < 65536) {
                out.write(major << 5 | 25);
                out.write((int) (n >> 8));
                out.write((int) n);
            } else {
                out.write(major << 5 | 26);
                out.writeBytes(ByteBuffer.allocate(4).putInt((int) n).array());
            }
            return this;
        }

        Cbor integer(long v) {
            return v >= 0 ? head(0, v) : head(1, -1 - v);
        }

        Cbor bytes(byte[] b) {
            head(2, b.length);
            out.writeBytes(b);
            return this;
        }

        Cbor text(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            head(3, b.length);
            out.writeBytes(b);
            return this;
        }

        Cbor map(int entries) {
            return head(5, entries);
        }
    }
}
