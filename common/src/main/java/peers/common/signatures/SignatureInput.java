package peers.common.signatures;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.Dictionary;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.IntegerItem;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.Parser;
import org.greenbytes.http.sfv.StringItem;

/**
 * One signature of a request: its label, covered components and parameters (RFC 9421 §4.1), and
 * the signature bytes from the {@code Signature} field (§4.2).
 *
 * @param signatureParams the serialized inner list with parameters: the value of
 *        {@code "@signature-params"} in the signature base (§2.3)
 */
public record SignatureInput(String label, List<String> components, Long created, Long expires, String nonce,
        String keyId, String alg, String signatureParams, byte[] signature) {

    /** Upper bound on header sizes we parse: a signature header is small; anything huge is an attack. */
    static final int MAX_FIELD_LENGTH = 8192;

    /**
     * Parses {@code Signature-Input} and {@code Signature} and picks the first labelled signature of
     * {@code Signature-Input} (RFC 9421 allows several; intermediaries may add their own later).
     */
    public static SignatureInput parse(String signatureInputField, String signatureField) {
        if (signatureInputField == null || signatureInputField.isBlank() || signatureField == null || signatureField.isBlank()) {
            throw SignatureException.required("sign the request per RFC 9421: send Signature-Input and Signature headers");
        }
        if (signatureInputField.length() > MAX_FIELD_LENGTH || signatureField.length() > MAX_FIELD_LENGTH) {
            throw SignatureException.invalid("Signature-Input or Signature exceeds " + MAX_FIELD_LENGTH + " characters");
        }
        Dictionary inputs = dictionary(signatureInputField, "Signature-Input");
        Dictionary signatures = dictionary(signatureField, "Signature");
        if (inputs.get().isEmpty()) {
            throw SignatureException.required("Signature-Input has no signature");
        }
        Map.Entry<String, ListElement<?>> first = inputs.get().entrySet().iterator().next();
        String label = first.getKey();
        if (!(first.getValue() instanceof InnerList list)) {
            throw SignatureException.invalid("Signature-Input '" + label + "' must be an inner list of component identifiers");
        }
        ListElement<?> sigElement = signatures.get().get(label);
        if (!(sigElement instanceof ByteSequenceItem sigItem)) {
            throw SignatureException.invalid("Signature has no byte sequence for label '" + label + "' named in Signature-Input");
        }
        List<String> components = new ArrayList<>();
        for (Item<?> item : list.get()) {
            if (!(item instanceof StringItem s)) {
                throw SignatureException.invalid("covered components must be quoted strings, e.g. \"@method\"");
            }
            if (!s.getParams().isEmpty()) {
                throw SignatureException.invalid("component parameters (;sf ;key ;bs ;req ;name) are not supported: " + s.serialize());
            }
            String name = s.get();
            if (components.contains(name)) {
                throw SignatureException.invalid("component " + s.serialize() + " is covered twice");
            }
            if (!name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
                throw SignatureException.invalid("component names are lowercase: " + s.serialize());
            }
            components.add(name);
        }
        var params = list.getParams();
        ByteBuffer buf = sigItem.get();
        byte[] sig = new byte[buf.remaining()];
        buf.duplicate().get(sig);
        return new SignatureInput(label, List.copyOf(components),
                integer(params.get("created"), "created"), integer(params.get("expires"), "expires"),
                string(params.get("nonce"), "nonce"), string(params.get("keyid"), "keyid"), string(params.get("alg"), "alg"),
                list.serialize(), sig);
    }

    private static Dictionary dictionary(String value, String field) {
        try {
            return Parser.parseDictionary(value);
        } catch (IllegalArgumentException e) {
            throw SignatureException.invalid(field + " is not a valid RFC 8941 dictionary: " + e.getMessage());
        }
    }

    private static Long integer(Item<?> item, String name) {
        if (item == null) {
            return null;
        }
        if (item instanceof IntegerItem i) {
            return i.get();
        }
        throw SignatureException.invalid("signature parameter '" + name + "' must be an integer (seconds since the epoch)");
    }

    private static String string(Item<?> item, String name) {
        if (item == null) {
            return null;
        }
        if (item instanceof StringItem s) {
            return s.get();
        }
        throw SignatureException.invalid("signature parameter '" + name + "' must be a quoted string");
    }
}
