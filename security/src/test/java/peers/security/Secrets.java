package peers.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import peers.common.identity.Base64Url;

/**
 * Every secret the suites of this module handed to a service or got from one: configured keys (TURN secret,
 * custodial KEKs, Stripe keys, S3 secret key, the registry's log key), peers' private keys, session tokens,
 * restic token secrets, TURN passwords, recovery lookups, PRF outputs. {@link LogSecretScanIT} searches every
 * log for each of them, in every encoding a log line could carry it in.
 */
public final class Secrets {

    /** A secret: what it is (for the report) and its text forms. */
    public record Secret(String label, String value) {
    }

    private static final Map<String, Secret> ALL = new ConcurrentHashMap<>();

    private Secrets() {
    }

    /** Remembers a secret given as text (a token, a password): only that exact text is searched for. */
    public static String text(String label, String value) {
        if (value != null && value.length() >= 12) {
            ALL.putIfAbsent(value, new Secret(label, value));
        }
        return value;
    }

    /** Remembers secret bytes: searched for as base64url, standard base64 and hex. */
    public static byte[] bytes(String label, byte[] value) {
        if (value.length >= 12) {
            text(label + " (base64url)", Base64Url.encode(value));
            text(label + " (base64)", stripPadding(Base64.getEncoder().encodeToString(value)));
            text(label + " (hex)", HexFormat.of().formatHex(value));
        }
        return value;
    }

    /** Remembers an Ed25519 private key: its PKCS#8 encoding and its 32-byte seed, in every encoding. */
    public static void privateKey(String label, java.security.PrivateKey key) {
        byte[] pkcs8 = key.getEncoded();
        bytes(label + " PKCS#8", pkcs8);
        byte[] seed = java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        bytes(label + " seed", seed);
    }

    public static Map<String, Secret> all() {
        return Map.copyOf(ALL);
    }

    /** The secrets, with {@code extra} (for the scanner's own test) on top. */
    public static Map<String, Secret> with(Map<String, String> extra) {
        Map<String, Secret> out = new LinkedHashMap<>(ALL);
        extra.forEach((label, value) -> out.put(value, new Secret(label, value)));
        return out;
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end);
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
