package peers.common.signatures;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.Parameters;
import org.greenbytes.http.sfv.StringItem;

/**
 * Signs requests the way Peers services expect (the client side of {@link SignatureVerifier}); used
 * by tests, benchmarks and Java clients.
 */
public final class RequestSigner {

    private RequestSigner() {
    }

    /** What to sign: components and parameters. Nulls are left out of the parameters. */
    public record Spec(List<String> components, Long created, Long expires, String nonce, String keyId, String alg, String label) {
    }

    /**
     * Returns the {@code Signature-Input} and {@code Signature} header values (and nothing else: the
     * caller must already have set every covered header, including {@code Content-Digest}).
     */
    public static Map<String, String> sign(RequestView request, Spec spec, PrivateKey key) {
        List<Item<?>> items = new ArrayList<>();
        for (String c : spec.components()) {
            items.add(StringItem.valueOf(c));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        if (spec.created() != null) {
            params.put("created", spec.created());
        }
        if (spec.expires() != null) {
            params.put("expires", spec.expires());
        }
        if (spec.nonce() != null) {
            params.put("nonce", spec.nonce());
        }
        if (spec.keyId() != null) {
            params.put("keyid", spec.keyId());
        }
        if (spec.alg() != null) {
            params.put("alg", spec.alg());
        }
        String signatureParams = InnerList.valueOf(items).withParams(Parameters.valueOf(params)).serialize();
        byte[] base = SignatureBase.build(request, spec.components(), signatureParams);
        byte[] sig;
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(base);
            sig = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with an Ed25519 key", e);
        }
        String label = spec.label() == null ? "sig" : spec.label();
        return Map.of("Signature-Input", label + "=" + signatureParams,
                "Signature", label + "=:" + java.util.Base64.getEncoder().encodeToString(sig) + ":");
    }
}
