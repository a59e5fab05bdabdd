package peers.backup.restic;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import peers.backup.BackupProblems;
import peers.backup.repos.Ids;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/**
 * The parts of a restic REST request that come from the client, parsed before anything is read or
 * stored: the path (repository, file type, name), the HTTP Basic credentials and the {@code Range}
 * header. Each parse either returns a value that is safe to use in an S3 key or an S3 request, or throws
 * a {@link ProblemException} (a 4xx). Pure functions, fuzzed by {@code peers.backup.fuzz.BackupFuzzTest}.
 */
public final class ResticRequests {

    public static final String PREFIX = "/backup/restic/";
    static final Set<String> TYPES = Set.of("data", "keys", "locks", "snapshots", "index");
    /** A single byte range as restic sends it (RFC 9110 §14.1.2); {@code bytes=-N} is a suffix. */
    private static final Pattern BYTE_RANGE = Pattern.compile("bytes[ \\t]*=[ \\t]*([0-9]{0,18})[ \\t]*-[ \\t]*([0-9]{0,18})[ \\t]*", Pattern.CASE_INSENSITIVE);
    private static final Pattern OTHER_UNIT = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+[ \\t]*=.*", Pattern.DOTALL);

    private ResticRequests() {
    }

    /**
     * One parsed request: repository, file kind (a type, or "config"; null for the repository root) and
     * name (null for a listing).
     */
    public record Target(String repo, String kind, String name) {

        /** The S3 key of the file. */
        public String key() {
            return "config".equals(kind) ? repo + "/restic/config" : repo + "/restic/" + kind + "/" + name;
        }
    }

    /**
     * Parses the normalized request path under {@link #PREFIX}.
     *
     * @throws ProblemException 401 token-invalid when the repository id has the wrong length (nothing
     *     about repositories is told to a client that has not authenticated), 422 for an id of the right
     *     length with other characters, 404 for an unknown file type, 400 for a name that is not a SHA-256
     */
    public static Target target(String path) {
        String rest = path != null && path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
        int slash = rest.indexOf('/');
        String repo = slash < 0 ? rest : rest.substring(0, slash);
        String sub = slash < 0 ? "" : rest.substring(slash + 1);
        if (repo.length() != 22) {
            throw unauthorized();
        }
        Ids.checkRandom("repo", repo);
        if (sub.isEmpty()) {
            return new Target(repo, null, null);
        }
        if (sub.equals("config")) {
            return new Target(repo, "config", "config");
        }
        int next = sub.indexOf('/');
        String type = next < 0 ? sub : sub.substring(0, next);
        if (!TYPES.contains(type)) {
            throw new ProblemException(ProblemType.NOT_FOUND, "no restic file type '" + type + "'; the types are config, data, keys, locks, snapshots, index");
        }
        String name = next < 0 ? "" : sub.substring(next + 1);
        if (name.isEmpty()) {
            return new Target(repo, type, null);
        }
        if (!Ids.isSha256(name)) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "a restic file name is its SHA-256 as 64 lower-case hex digits").with("field", "name");
        }
        return new Target(repo, type, name);
    }

    /** HTTP Basic credentials {user, password}, or null when the header is absent or not Basic. */
    public static String[] basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The {@code Range} header to pass on to S3: null to read the whole file (no header, or a range unit
     * other than bytes, which RFC 9110 §14.2 says to ignore), else one canonical byte range
     * {@code bytes=first-last}, {@code bytes=first-} or {@code bytes=-suffix}.
     *
     * <p>Only single ranges are served (restic never asks for more, and S3 answers one range). The raw
     * header is never forwarded: it goes into a signed S3 request, whose HTTP client refuses characters
     * that Vert.x accepts.
     *
     * @throws ProblemException 416 range-not-satisfiable for a bytes range that is malformed, has several
     *     ranges, or has first > last
     */
    public static String range(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = BYTE_RANGE.matcher(header.strip());
        if (!m.matches()) {
            if (OTHER_UNIT.matcher(header.strip()).matches() && !header.strip().regionMatches(true, 0, "bytes", 0, 5)) {
                return null;
            }
            throw notSatisfiable("Range must be one byte range: bytes=first-last, bytes=first- or bytes=-suffix");
        }
        String first = m.group(1);
        String last = m.group(2);
        if (first.isEmpty() && last.isEmpty()) {
            throw notSatisfiable("Range bytes=- names no bytes");
        }
        if (first.isEmpty()) {
            long suffix = Long.parseLong(last);
            if (suffix == 0) {
                throw notSatisfiable("a suffix range of 0 bytes is not satisfiable");
            }
            return "bytes=-" + suffix;
        }
        long from = Long.parseLong(first);
        if (last.isEmpty()) {
            return "bytes=" + from + "-";
        }
        long to = Long.parseLong(last);
        if (to < from) {
            throw notSatisfiable("the range's last byte " + to + " is before its first " + from);
        }
        return "bytes=" + from + "-" + to;
    }

    static ProblemException unauthorized() {
        return new ProblemException(ProblemType.of("token-invalid", 401, "A valid repository token is required"),
                "authenticate with HTTP Basic: user = token id, password = token secret, both from POST /backup/v1/repos/{repo}/tokens")
                .withHeader("WWW-Authenticate", "Basic realm=\"restic\"");
    }

    static ProblemException notSatisfiable(String detail) {
        return new ProblemException(BackupProblems.RANGE_NOT_SATISFIABLE, detail);
    }
}
