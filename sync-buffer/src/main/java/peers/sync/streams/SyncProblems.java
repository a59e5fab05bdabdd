package peers.sync.streams;

import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;

/** The problem types sync-buffer adds to the common ones (documented in docs/api/sync-buffer.md). */
public final class SyncProblems {

    public static final ProblemType STREAM_UNKNOWN = ProblemType.of("stream-unknown", 404, "No such stream");
    public static final ProblemType STREAM_EXISTS = ProblemType.of("stream-exists", 409, "A stream with this id exists");
    public static final ProblemType NOT_A_MEMBER = ProblemType.of("not-a-member", 403, "The signing key is not a member of the stream");
    public static final ProblemType ROLE_INSUFFICIENT = ProblemType.of("role-insufficient", 403, "The member's role does not allow this");
    public static final ProblemType MEMBER_UNKNOWN = ProblemType.of("member-unknown", 404, "No such member");
    public static final ProblemType LAST_ADMIN = ProblemType.of("last-admin", 409, "A stream keeps at least one admin");
    public static final ProblemType MEMBER_LIMIT = ProblemType.of("member-limit", 422, "Too many members");
    public static final ProblemType BATCH_TOO_LARGE = ProblemType.of("batch-too-large", 413, "The batch exceeds a bound");
    public static final ProblemType RECORD_TOO_LARGE = ProblemType.of("record-too-large", 413, "A record's ciphertext exceeds the bound");
    public static final ProblemType DUPLICATE_RECORD_ID = ProblemType.of("duplicate-record-id", 422, "The batch lists a record id twice");
    public static final ProblemType RECORD_ID_CONFLICT = ProblemType.of("record-id-conflict", 409, "A record with this id but other content exists");
    public static final ProblemType CURSOR_EXPIRED = ProblemType.of("cursor-expired", 410, "Cursor expired: resync from peers");
    public static final ProblemType CURSOR_AHEAD = ProblemType.of("cursor-ahead", 422, "The cursor is beyond the stream's last record");
    public static final ProblemType QUOTA_EXCEEDED = ProblemType.of("quota-exceeded", 413, "The owner's storage quota is exhausted");

    private SyncProblems() {
    }

    public static ProblemException unknownStream(String id) {
        return new ProblemException(STREAM_UNKNOWN, "no stream has the id '" + id + "'").with("stream", id);
    }
}
