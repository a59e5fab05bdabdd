package peers.backup.repos;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

/** Identifiers of this service and their checks: everything that ends up in an S3 key passes through here. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern RANDOM_ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Ids() {
    }

    /** 128 random bits, unpadded base64url (22 characters): ids of repositories, uploads, snapshots, tokens. */
    public static String random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64Url.encode(b);
    }

    public static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public static String checkRandom(String field, String id) {
        if (id == null || !RANDOM_ID.matcher(id).matches()) {
            throw ProblemException.invalid(field, field + " must be a 22-character id of A-Z a-z 0-9 - _");
        }
        return id;
    }

    /** A SHA-256 in lower-case hex, as object names are; anything else (path segments, upper case) is refused. */
    public static String checkSha256(String field, String hex) {
        if (hex == null || !HEX64.matcher(hex).matches()) {
            throw ProblemException.invalid(field, field + " must be a SHA-256 as 64 lower-case hex digits");
        }
        return hex;
    }

    public static boolean isSha256(String s) {
        return s != null && HEX64.matcher(s).matches();
    }

    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    public static String checkName(String field, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ProblemException.invalid(field, field + " must be 1 to 64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
        return name;
    }

    public static PeerKey parseKey(String field, String text) {
        try {
            return PeerKey.parse(text);
        } catch (PeerKey.InvalidKeyText e) {
            throw ProblemException.invalid(field, field + ": " + e.getMessage());
        }
    }
}
