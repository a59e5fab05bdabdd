package peers.common.signatures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.common.identity.PeerKey;

/** RFC 9421 Appendix B.2.6: signing a request with Ed25519 reproduces the published signature. */
class Rfc9421VectorTest {

    static final String PKCS8 = "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF";
    static final String SPKI = "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=";
    static final String EXPECTED = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==";
    static final String PARAMS = "(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";

    static final MapRequest REQUEST = new MapRequest("POST", "https", "example.com", "/foo", "param=Value&Pet=dog", Map.of(
            "Date", List.of("Tue, 20 Apr 2021 02:07:55 GMT"),
            "Content-Type", List.of("application/json"),
            "Content-Length", List.of("18")));

    @Test
    void signatureBaseMatchesTheRfc() {
        byte[] base = SignatureBase.build(REQUEST, List.of("date", "@method", "@path", "@authority", "content-type", "content-length"), PARAMS);
        String expected = """
                "date": Tue, 20 Apr 2021 02:07:55 GMT
                "@method": POST
                "@path": /foo
                "@authority": example.com
                "content-type": application/json
                "content-length": 18
                """ + "\"@signature-params\": " + PARAMS;
        assertEquals(expected, new String(base, StandardCharsets.UTF_8));
    }

    @Test
    void signingReproducesTheRfcSignatureAndParsesBack() throws Exception {
        PrivateKey priv = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(PKCS8)));
        Map<String, String> headers = RequestSigner.sign(REQUEST,
                new RequestSigner.Spec(List.of("date", "@method", "@path", "@authority", "content-type", "content-length"),
                        1618884473L, null, null, "test-key-ed25519", null, "sig-b26"), priv);
        assertEquals("sig-b26=" + PARAMS, headers.get("Signature-Input"));
        assertEquals("sig-b26=:" + EXPECTED + ":", headers.get("Signature"));

        SignatureInput in = SignatureInput.parse(headers.get("Signature-Input"), headers.get("Signature"));
        assertEquals(PARAMS, in.signatureParams());
        assertArrayEquals(Base64.getDecoder().decode(EXPECTED), in.signature());

        PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(SPKI)));
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(pub);
        v.update(SignatureBase.build(REQUEST, in.components(), in.signatureParams()));
        assertTrue(v.verify(in.signature()));
        assertTrue(PeerKey.of(pub).verify(SignatureBase.build(REQUEST, in.components(), in.signatureParams()), in.signature()));
    }
}
