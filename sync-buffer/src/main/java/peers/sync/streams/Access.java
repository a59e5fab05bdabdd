package peers.sync.streams;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

/**
 * Authorization of sync-buffer, in one place: every operation on a stream first asks
 * {@link #require} with the signing key and the role it needs. The check reads the membership in the
 * operation's own connection (and transaction), so a removed member loses access with the very next
 * request, on every replica.
 */
@ApplicationScoped
public class Access {

    /** What an operation learns about its stream from the check. */
    /**
     * @param firstExpires expiry of the stream's first record (null: none yet, or unknown): no record of the
     *     stream expires before it
     * @param lastExpires expiry of the stream's newest record (null: none yet): no record expires after it
     */
    public record Grant(String streamId, String ownerKey, Role role, long lastSeq, OffsetDateTime firstExpires, OffsetDateTime lastExpires) {

        /** The lowest {@code expires_at} a retained record of the stream can have at {@code now}. */
        public OffsetDateTime retainedFrom(OffsetDateTime now) {
            return firstExpires != null && firstExpires.isAfter(now) ? firstExpires : now;
        }
    }

    /**
     * The caller's grant on {@code streamId}, if its role includes {@code needed}.
     *
     * @param lock also lock the stream row until the transaction ends: every change to a stream
     *     (appends, membership changes, deletion) takes it, so they apply one at a time per stream
     * @throws ProblemException stream-unknown (404), not-a-member or role-insufficient (403)
     */
    public Uni<Grant> require(SqlConnection conn, String streamId, PeerKey caller, Role needed, boolean lock) {
        String sql = "SELECT s.owner_key, s.last_seq, s.first_expires, s.last_expires, m.role FROM streams s "
                + "LEFT JOIN members m ON m.stream_id = s.id AND m.member_key = $2 WHERE s.id = $1"
                + (lock ? " FOR UPDATE OF s" : "");
        return conn.preparedQuery(sql).execute(Tuple.of(streamId, caller.toString())).map(rows -> {
            if (rows.rowCount() == 0) {
                throw SyncProblems.unknownStream(streamId);
            }
            Row r = rows.iterator().next();
            Role role = Role.parse(r.getString("role"));
            if (role == null) {
                throw new ProblemException(SyncProblems.NOT_A_MEMBER, "key " + caller + " is not a member of stream '" + streamId
                        + "'; an admin of the stream can add it").with("stream", streamId);
            }
            if (!role.includes(needed)) {
                throw new ProblemException(SyncProblems.ROLE_INSUFFICIENT, "this needs the role '" + needed.text() + "' (or higher); key "
                        + caller + " has '" + role.text() + "' in stream '" + streamId + "'")
                        .with("stream", streamId).with("role", role.text()).with("required", needed.text());
            }
            return new Grant(streamId, r.getString("owner_key"), role, r.getLong("last_seq"), r.getOffsetDateTime("first_expires"),
                    r.getOffsetDateTime("last_expires"));
        });
    }
}
