package peers.common.identity;

import java.util.Base64;

/** Strict unpadded base64url, the one binary-to-text form of every API (RFC 4648 §5). */
public final class Base64Url {

    private Base64Url() {
    }

    public static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Decodes unpadded (or padded) base64url.
     *
     * @param what names the field in the error message
     * @throws PeerKey.InvalidKeyText when the text is not base64url
     */
    public static byte[] decode(String text, String what) {
        if (text == null) {
            throw new PeerKey.InvalidKeyText(what + " is required (base64url)");
        }
        try {
            // The JDK decoder refuses every character outside the base64url alphabet (and misplaced padding);
            // only then is the text scanned again, to name the offending character.
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new PeerKey.InvalidKeyText(explain(text, what));
        }
    }

    private static String explain(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '=' && i >= text.length() - 2;
            if (!ok) {
                return what + " is not base64url: character '" + (c < 0x20 || c > 0x7e ? "\\u%04x".formatted((int) c) : String.valueOf(c))
                        + "' at position " + i + " (use A-Z a-z 0-9 - _ without padding)";
            }
        }
        return what + " is not valid base64url (wrong length)";
    }
}
