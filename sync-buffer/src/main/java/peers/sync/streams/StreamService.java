package peers.sync.streams;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;
import peers.sync.SyncConfig;

/**
 * Streams and their members. Every change locks the stream row ({@link Access#require} with
 * {@code lock}), so concurrent membership changes and appends apply one at a time per stream.
 */
@ApplicationScoped
public class StreamService {

    /** Stream ids: 1-64 base64url characters, client-chosen or generated. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pool pool;
    private final Access access;
    private final Clock clock;
    private final SyncConfig config;

    public StreamService(Pool pool, Access access, Clock clock, SyncConfig config) {
        this.pool = pool;
        this.access = access;
        this.clock = clock;
        this.config = config;
    }

    /** Creates a stream owned by {@code caller}, who becomes its first admin. Returns the stream id. */
    public Uni<String> create(PeerKey caller, String requestedId, String wrappedKey) {
        String id = requestedId == null ? newId() : checkId(requestedId);
        byte[] wrapped = wrappedKey(wrappedKey);
        Instant now = clock.instant();
        return pool.withTransaction(conn -> conn
                .preparedQuery("INSERT INTO streams (id, owner_key, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                .execute(Tuple.of(id, caller.toString(), now.atOffset(ZoneOffset.UTC)))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new ProblemException(SyncProblems.STREAM_EXISTS, "a stream with the id '" + id
                                + "' exists; choose another id or omit it to get a random one").with("stream", id);
                    }
                    return conn.preparedQuery("INSERT INTO members (stream_id, member_key, role, wrapped_key, added_by, added_at) "
                            + "VALUES ($1, $2, 'admin', $3, $2, $4)")
                            .execute(Tuple.of(id, caller.toString(), wrapped == null ? null : Buffer.buffer(wrapped), now.atOffset(ZoneOffset.UTC)));
                })
                .replaceWith(id));
    }

    /** The stream with its members, for any member. */
    public Uni<StreamView> view(PeerKey caller, String streamId) {
        checkId(streamId);
        return pool.withConnection(conn -> access.require(conn, streamId, caller, Role.READ, false)
                .chain(grant -> conn.preparedQuery("SELECT s.created_at, s.last_seq, m.member_key, m.role, m.wrapped_key, m.added_by, m.added_at "
                        + "FROM streams s JOIN members m ON m.stream_id = s.id WHERE s.id = $1 ORDER BY m.added_at, m.member_key")
                        .execute(Tuple.of(streamId))
                        .map(rows -> {
                            List<StreamView.MemberView> members = new ArrayList<>();
                            Instant created = null;
                            long lastSeq = 0;
                            for (Row r : rows) {
                                created = r.getOffsetDateTime("created_at").toInstant();
                                lastSeq = r.getLong("last_seq");
                                members.add(member(r));
                            }
                            return new StreamView(streamId, grant.ownerKey(), lastSeq, created, grant.role().text(), members);
                        })));
    }

    /** The streams the caller is a member of (without member lists), newest first, at most {@code limit}. */
    public Uni<List<StreamView>> mine(PeerKey caller, int limit) {
        return pool.preparedQuery("SELECT s.id, s.owner_key, s.last_seq, s.created_at, m.role FROM members m JOIN streams s ON s.id = m.stream_id "
                + "WHERE m.member_key = $1 ORDER BY s.created_at DESC, s.id LIMIT $2")
                .execute(Tuple.of(caller.toString(), limit))
                .map(rows -> {
                    List<StreamView> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new StreamView(r.getString("id"), r.getString("owner_key"), r.getLong("last_seq"),
                                r.getOffsetDateTime("created_at").toInstant(), r.getString("role"), null));
                    }
                    return out;
                });
    }

    /** Adds a member or changes a member's role and wrapped key (admin only). Returns the member. */
    public Uni<StreamView.MemberView> putMember(PeerKey caller, String streamId, String memberKeyText, String roleText, String wrappedKey) {
        checkId(streamId);
        PeerKey member = parseKey("member", memberKeyText);
        Role role = Role.parse(roleText);
        if (role == null) {
            throw ProblemException.invalid("role", "role must be one of 'read', 'write', 'admin'");
        }
        byte[] wrapped = wrappedKey(wrappedKey);
        Instant now = clock.instant();
        return pool.withTransaction(conn -> access.require(conn, streamId, caller, Role.ADMIN, true)
                .chain(grant -> role == Role.ADMIN ? Uni.createFrom().voidItem() : ensureAnotherAdmin(conn, streamId, member.toString()))
                .chain(() -> conn.preparedQuery("SELECT count(*) AS n FROM members WHERE stream_id = $1 AND member_key <> $2")
                        .execute(Tuple.of(streamId, member.toString())))
                .chain(rows -> {
                    if (rows.iterator().next().getLong("n") >= config.maxMembers()) {
                        throw new ProblemException(SyncProblems.MEMBER_LIMIT, "a stream has at most " + config.maxMembers() + " members")
                                .with("limit", "sync.max-members");
                    }
                    return conn.preparedQuery("INSERT INTO members (stream_id, member_key, role, wrapped_key, added_by, added_at) "
                            + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (stream_id, member_key) DO UPDATE SET role = EXCLUDED.role, "
                            + "wrapped_key = coalesce(EXCLUDED.wrapped_key, members.wrapped_key) "
                            + "RETURNING member_key, role, wrapped_key, added_by, added_at")
                            .execute(Tuple.of(streamId, member.toString(), role.text(), wrapped == null ? null : Buffer.buffer(wrapped),
                                    caller.toString(), now.atOffset(ZoneOffset.UTC)));
                })
                .map(rows -> member(rows.iterator().next())));
    }

    /** One member, with its wrapped key: for admins, and for the member itself (a new device fetching its key). */
    public Uni<StreamView.MemberView> member(PeerKey caller, String streamId, String memberKeyText) {
        checkId(streamId);
        PeerKey member = parseKey("member", memberKeyText);
        Role needed = member.equals(caller) ? Role.READ : Role.ADMIN;
        return pool.withConnection(conn -> access.require(conn, streamId, caller, needed, false)
                .chain(grant -> conn.preparedQuery("SELECT member_key, role, wrapped_key, added_by, added_at FROM members WHERE stream_id = $1 AND member_key = $2")
                        .execute(Tuple.of(streamId, member.toString())))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new ProblemException(SyncProblems.MEMBER_UNKNOWN, "key " + member + " is not a member of stream '" + streamId + "'");
                    }
                    return member(rows.iterator().next());
                }));
    }

    /** Removes a member: an admin removes anyone, a member may remove itself (leave). Takes effect at once. */
    public Uni<Void> removeMember(PeerKey caller, String streamId, String memberKeyText) {
        checkId(streamId);
        PeerKey member = parseKey("member", memberKeyText);
        Role needed = member.equals(caller) ? Role.READ : Role.ADMIN;
        return pool.withTransaction(conn -> access.require(conn, streamId, caller, needed, true)
                .chain(grant -> ensureAnotherAdmin(conn, streamId, member.toString()))
                .chain(() -> conn.preparedQuery("DELETE FROM members WHERE stream_id = $1 AND member_key = $2").execute(Tuple.of(streamId, member.toString())))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new ProblemException(SyncProblems.MEMBER_UNKNOWN, "key " + member + " is not a member of stream '" + streamId + "'");
                    }
                    return null;
                }));
    }

    /**
     * Deletes a stream with its records and members (admin only). The records are deleted row by row:
     * an explicit delete is rare; expiry, the common case, drops partitions instead.
     */
    public Uni<Void> delete(PeerKey caller, String streamId) {
        checkId(streamId);
        return pool.withTransaction(conn -> access.require(conn, streamId, caller, Role.ADMIN, true)
                .chain(grant -> conn.preparedQuery("WITH d AS (DELETE FROM records WHERE stream_id = $1 RETURNING expires_at, octet_length(ciphertext) AS b), "
                        + "g AS (SELECT (expires_at AT TIME ZONE 'UTC')::date AS day, sum(b) AS b, count(*) AS n FROM d GROUP BY 1) "
                        + "UPDATE usage_days u SET bytes = u.bytes - g.b, records = u.records - g.n FROM g WHERE u.owner_key = $2 AND u.day = g.day")
                        .execute(Tuple.of(streamId, grant.ownerKey())))
                .chain(() -> conn.preparedQuery("DELETE FROM streams WHERE id = $1").execute(Tuple.of(streamId)))
                .replaceWithVoid());
    }

    /** Refuses a change that would leave the stream without an admin (when {@code member} is one). */
    private Uni<Void> ensureAnotherAdmin(SqlConnection conn, String streamId, String member) {
        return conn.preparedQuery("SELECT count(*) FILTER (WHERE member_key <> $2) AS others, count(*) FILTER (WHERE member_key = $2) AS self "
                + "FROM members WHERE stream_id = $1 AND role = 'admin'")
                .execute(Tuple.of(streamId, member)).map(rows -> {
                    Row r = rows.iterator().next();
                    if (r.getLong("self") > 0 && r.getLong("others") == 0) {
                        throw new ProblemException(SyncProblems.LAST_ADMIN, "key " + member + " is the last admin of stream '" + streamId
                                + "'; make another member admin first, or delete the stream");
                    }
                    return null;
                });
    }

    private static StreamView.MemberView member(Row r) {
        Object wrapped = r.getValue("wrapped_key");
        return new StreamView.MemberView(r.getString("member_key"), r.getString("role"),
                wrapped == null ? null : Base64Url.encode(bytes(wrapped)), r.getString("added_by"),
                r.getOffsetDateTime("added_at").toInstant());
    }

    /** The bytes of a bytea column value (the client hands out Vert.x buffers). */
    public static byte[] bytes(Object value) {
        if (value instanceof Buffer b) {
            return b.getBytes();
        }
        if (value instanceof io.vertx.mutiny.core.buffer.Buffer b) {
            return b.getBytes();
        }
        throw new IllegalStateException("not a bytea value: " + value.getClass());
    }

    private byte[] wrappedKey(String text) {
        if (text == null) {
            return null;
        }
        byte[] b = decode("wrappedKey", text);
        if (b.length == 0 || b.length > config.maxWrappedKeyBytes()) {
            throw ProblemException.invalid("wrappedKey", "wrappedKey must be 1 to " + config.maxWrappedKeyBytes() + " bytes; got " + b.length)
                    .with("limit", "sync.max-wrapped-key-bytes");
        }
        return b;
    }

    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ProblemException.invalid("stream", "a stream id is 1 to 64 characters of A-Z a-z 0-9 - _");
        }
        return id;
    }

    private static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64Url.encode(b);
    }

    public static PeerKey parseKey(String field, String text) {
        try {
            return PeerKey.parse(text);
        } catch (PeerKey.InvalidKeyText e) {
            throw ProblemException.invalid(field, field + ": " + e.getMessage());
        }
    }

    public static byte[] decode(String field, String text) {
        try {
            return Base64Url.decode(text, field);
        } catch (PeerKey.InvalidKeyText e) {
            throw ProblemException.invalid(field, e.getMessage());
        }
    }

    static boolean isUniqueViolation(Throwable e) {
        return e instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}
