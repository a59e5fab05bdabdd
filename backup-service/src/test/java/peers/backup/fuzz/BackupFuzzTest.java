package peers.backup.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Set;
import java.util.regex.Pattern;
import peers.backup.BackupProblems;
import peers.backup.repos.Ids;
import peers.backup.restic.ResticRequests;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/**
 * Fuzzing of what backup-service parses from clients before it touches S3: restic REST paths
 * (repository, file type, name), HTTP Basic credentials, {@code Range} headers, and the ids and names
 * of the native API that end up in S3 keys. Every input must parse into a value that is safe to use in
 * an S3 key or request, or be refused with a 4xx {@link ProblemException}; anything else is a finding
 * (docs/fuzzing.md).
 */
class BackupFuzzTest {

    static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9_-]{22}/restic/(config|(data|keys|locks|snapshots|index)/[0-9a-f]{64})");
    static final Pattern CANONICAL_RANGE = Pattern.compile("bytes=([0-9]+-[0-9]*|-[1-9][0-9]*)");
    static final Set<String> KINDS = Set.of("config", "data", "keys", "locks", "snapshots", "index");

    /** A request path under /backup/restic/: a target whose S3 key is safe, or 401/422/404/400. */
    @FuzzTest(maxDuration = "30s")
    void resticPaths(FuzzedDataProvider data) {
        boolean prefixed = data.consumeBoolean();
        String rest = data.consumeRemainingAsString();
        String path = prefixed ? ResticRequests.PREFIX + rest : rest;
        ResticRequests.Target target;
        try {
            target = ResticRequests.target(path);
        } catch (ProblemException refused) {
            int status = refused.type().status();
            assertTrue(Set.of(400, 401, 404, 422).contains(status), refused.type().name() + ": " + refused.detail());
            return;
        }
        assertEquals(target.repo(), Ids.checkRandom("repo", target.repo()));
        if (target.kind() == null) {
            assertEquals(null, target.name());
            return;
        }
        assertTrue(KINDS.contains(target.kind()), target.kind());
        if (target.name() != null) {
            assertTrue(SAFE_KEY.matcher(target.key()).matches(), "unsafe S3 key " + target.key());
            assertTrue(path.endsWith(target.kind().equals("config") ? "config" : target.name()), path);
        }
    }

    /** An Authorization header: null, or exactly a user without ':' and a password; never an exception. */
    @FuzzTest(maxDuration = "20s")
    void basicCredentials(FuzzedDataProvider data) {
        String header = data.consumeRemainingAsString();
        String[] credentials = ResticRequests.basic(header);
        if (credentials != null) {
            assertEquals(2, credentials.length);
            assertFalse(credentials[0].contains(":"));
            assertNotNull(credentials[1]);
        }
    }

    /**
     * A Range header: ignored (null), one canonical byte range that parses to itself again, or 416.
     * What is returned goes into a signed S3 request, so it must be plain ASCII of the canonical form.
     */
    @FuzzTest(maxDuration = "20s")
    void ranges(FuzzedDataProvider data) {
        String header = data.consumeRemainingAsString();
        String range;
        try {
            range = ResticRequests.range(header);
        } catch (ProblemException refused) {
            assertEquals(BackupProblems.RANGE_NOT_SATISFIABLE, refused.type());
            return;
        }
        if (range != null) {
            assertTrue(CANONICAL_RANGE.matcher(range).matches(), "not canonical: " + range);
            assertEquals(range, ResticRequests.range(range));
            assertTrue(header.toLowerCase(java.util.Locale.ROOT).contains("bytes"), header);
        }
    }

    /** Ids and names of the native API: refused as 422 invalid-field, or safe as one S3 key segment. */
    @FuzzTest(maxDuration = "20s")
    void idsAndNames(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 3);
        String text = data.consumeRemainingAsString();
        String accepted;
        try {
            accepted = switch (which) {
                case 0 -> Ids.checkRandom("repo", text);
                case 1 -> Ids.checkSha256("sha256", text);
                case 2 -> Ids.checkName("name", text);
                default -> Ids.parseKey("peer", text).toString();
            };
        } catch (ProblemException refused) {
            assertEquals(ProblemType.INVALID_FIELD, refused.type());
            assertNotNull(refused.extensions().get("field"));
            return;
        }
        assertEquals(text, accepted);
        assertTrue(accepted.matches("[A-Za-z0-9._-]{1,64}"), "unsafe key segment: " + accepted);
        assertFalse(accepted.equals(".") || accepted.equals(".."));
        if (which == 1) {
            assertEquals(32, Ids.hex(accepted).length);
        }
        if (which == 3) {
            assertEquals(accepted, PeerKey.parse(accepted).toString());
        }
    }
}
