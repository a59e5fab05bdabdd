package peers.sync.records;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;
import peers.sync.quota.Plan;
import peers.sync.quota.Plans;
import peers.sync.streams.Access;
import peers.sync.streams.Role;
import peers.sync.streams.StreamService;
import peers.sync.streams.SyncProblems;

/**
 * Appends and reads records. An append is one transaction: it locks the stream's counter row, which
 * assigns the batch's sequences and serializes appenders of that stream, so sequences are unique and
 * gap-free and a batch is stored all or nothing. Its commit also delivers a NOTIFY to every replica's
 * live tail ({@link #CHANNEL}).
 */
@ApplicationScoped
public class RecordStore {

    /** LISTEN/NOTIFY channel of new-record notices; payload {@code <stream id> <last seq>}. */
    public static final String CHANNEL = "sync_records";
    /**
     * A record's key in its stream, as the idempotency check matches it and each day partition's unique index
     * holds it: {@code stream id + '/' + record id}, unambiguous because '/' is in neither alphabet. Why one
     * expression rather than two columns: the V3 migration.
     */
    static final String KEY = "(stream_id || '/' || record_id)";

    private final Pool pool;
    private final Access access;
    private final Plans plans;
    private final Partitions partitions;
    private final Clock clock;

    public RecordStore(Pool pool, Access access, Plans plans, Partitions partitions, Clock clock) {
        this.pool = pool;
        this.access = access;
        this.plans = plans;
        this.partitions = partitions;
        this.clock = clock;
    }

    /**
     * Appends a checked batch (see {@link Batches#check}) as {@code caller}. Records whose id is already
     * stored with the same ciphertext come back as the originals ({@code replayed}); only the others are
     * stored. Returns one outcome per record, in batch order.
     */
    public Uni<List<Appended>> append(PeerKey caller, String streamId, List<NewRecord> batch) {
        StreamService.checkId(streamId);
        return appendOnce(caller, streamId, batch).onFailure(RecordStore::noPartition).recoverWithUni(e ->
                // A clock jump past the prepared horizon: create the partitions, then try once more.
                partitions.maintain().chain(() -> appendOnce(caller, streamId, batch)));
    }

    private Uni<List<Appended>> appendOnce(PeerKey caller, String streamId, List<NewRecord> batch) {
        // PostgreSQL keeps microseconds: answer with what a later read returns.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        OffsetDateTime nowUtc = now.atOffset(ZoneOffset.UTC);
        String[] keys = new String[batch.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = streamId + '/' + batch.get(i).id();
        }
        return pool.withTransaction(conn -> access.require(conn, streamId, caller, Role.WRITE, true)
                .chain(grant -> state(conn, grant, keys, nowUtc)
                        .chain(rows -> {
                            Map<String, StoredRecord> existing = new HashMap<>();
                            Row first = null;
                            for (Row r : rows) {
                                first = first == null ? r : first;
                                if (r.getValue("seq") != null) {
                                    StoredRecord s = stored(r);
                                    existing.put(s.id(), s);
                                }
                            }
                            List<NewRecord> fresh = new ArrayList<>();
                            long bytes = 0;
                            for (NewRecord n : batch) {
                                StoredRecord old = existing.get(n.id());
                                if (old == null) {
                                    fresh.add(n);
                                    bytes += n.ciphertext().length;
                                } else if (!Arrays.equals(old.ciphertext(), n.ciphertext())) {
                                    throw new ProblemException(SyncProblems.RECORD_ID_CONFLICT, "record '" + n.id() + "' is stored with other "
                                            + "ciphertext (seq " + old.seq() + "); a record id names one record: use a new id").with("record", n.id());
                                }
                            }
                            if (fresh.isEmpty()) {
                                return Uni.createFrom().item(outcomes(batch, existing, Map.of()));
                            }
                            Plan plan = plans.of(first, now);
                            checkQuota(plan, first.getLong("used_bytes"), first.getLong("used_records"), fresh.size(), bytes);
                            return insert(conn, grant, caller, plan, fresh, bytes, nowUtc).map(inserted -> outcomes(batch, existing, inserted));
                        })));
    }

    /**
     * What an append needs to know besides the grant, in one statement: the owner's usage of the live days and
     * entitlement (on every row), and the stream's retained records with one of {@code keys} (one row each; none:
     * one row with null record columns). The stream's retained records all expire between
     * {@link Access.Grant#retainedFrom} and its {@code last_expires}, so only the day partitions of that range can
     * hold them: bounding {@code expires_at} on both sides lets PostgreSQL skip every other partition (days ahead
     * up to the longest retention exist for other streams); a stream without records gets an empty range. The
     * records are matched by {@link #KEY} alone, never by a separate {@code stream_id} qual, so the only index
     * that can serve the check is each partition's unique key index (the V3 migration says why).
     */
    private static Uni<RowSet<Row>> state(SqlConnection conn, Access.Grant grant, String[] keys, OffsetDateTime now) {
        OffsetDateTime last = grant.lastExpires() == null ? now : grant.lastExpires();
        return conn.preparedQuery(STATE_SQL).execute(Tuple.tuple(List.of(grant.ownerKey(), now.toLocalDate(), keys, now, last,
                grant.retainedFrom(now))));
    }

    /** $1 owner, $2 today (UTC), $3 record keys ({@link #KEY}), $4 now, $5 the stream's last expiry, $6 its first expiry if later than now. */
    static final String STATE_SQL = "SELECT u.used_bytes, u.used_records, e.plan, e.retention_days, e.max_bytes, e.max_records, e.valid_until, "
            + "x.record_id, x.seq, x.author_key, x.ciphertext, x.created_at, x.expires_at "
            + "FROM (SELECT coalesce(sum(bytes), 0)::bigint AS used_bytes, coalesce(sum(records), 0)::bigint AS used_records "
            + "FROM usage_days WHERE owner_key = $1 AND day >= $2) u "
            + "LEFT JOIN entitlements e ON e.peer_key = $1 "
            + "LEFT JOIN LATERAL (SELECT record_id, seq, author_key, ciphertext, created_at, expires_at FROM records "
            + "WHERE " + KEY + " = ANY($3) AND expires_at > $4 AND expires_at >= $6 AND expires_at <= $5) x ON true";

    private static void checkQuota(Plan plan, long usedBytes, long usedRecords, int records, long bytes) {
        if (usedBytes + bytes > plan.maxBytes()) {
            throw new ProblemException(SyncProblems.QUOTA_EXCEEDED, "the stream owner's plan '" + plan.name() + "' stores at most "
                    + plan.maxBytes() + " bytes; " + usedBytes + " are stored and this batch adds " + bytes
                    + " (space frees as records expire)").with("limit", "sync.bytes").with("max", plan.maxBytes()).with("used", usedBytes);
        }
        if (usedRecords + records > plan.maxRecords()) {
            throw new ProblemException(SyncProblems.QUOTA_EXCEEDED, "the stream owner's plan '" + plan.name() + "' stores at most "
                    + plan.maxRecords() + " records; " + usedRecords + " are stored and this batch adds " + records
                    + " (space frees as records expire)").with("limit", "sync.records").with("max", plan.maxRecords()).with("used", usedRecords);
        }
    }

    /**
     * Stores the fresh records in one statement (one round trip, one executor run for the whole batch): it
     * advances the stream's counter and expiry, inserts the rows from arrays (routed to their day partition
     * once, not once per row), adds them to the owner's usage of that day, and queues the new-record notice,
     * which PostgreSQL delivers at commit only, in commit order, to every replica that listens.
     */
    private Uni<Map<String, StoredRecord>> insert(SqlConnection conn, Access.Grant grant, PeerKey caller, Plan plan, List<NewRecord> fresh,
            long bytes, OffsetDateTime now) {
        int n = fresh.size();
        OffsetDateTime wanted = now.plusDays(plan.retentionDays());
        String[] ids = new String[n];
        Buffer[] ciphertexts = new Buffer[n];
        for (int i = 0; i < n; i++) {
            ids[i] = fresh.get(i).id();
            ciphertexts[i] = Buffer.buffer(fresh.get(i).ciphertext());
        }
        String author = caller.toString();
        return conn.preparedQuery(APPEND_SQL)
                .execute(Tuple.tuple(List.of(grant.streamId(), (long) n, wanted, ids, ciphertexts, author, now, grant.ownerKey(), bytes, CHANNEL)))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    long last = r.getLong("last_seq");
                    OffsetDateTime expires = r.getOffsetDateTime("last_expires").withOffsetSameInstant(ZoneOffset.UTC);
                    if (r.getLong("inserted") != n) {
                        throw new IllegalStateException("append stored " + r.getLong("inserted") + " of " + n + " records");
                    }
                    long first = last - n + 1;
                    Map<String, StoredRecord> inserted = new HashMap<>();
                    for (int i = 0; i < n; i++) {
                        NewRecord rec = fresh.get(i);
                        inserted.put(rec.id(), new StoredRecord(rec.id(), first + i, author, rec.ciphertext(), now.toInstant(), expires.toInstant()));
                    }
                    return inserted;
                });
    }

    /**
     * The write of an append: $1 stream, $2 count, $3 wanted expiry, $4 ids, $5 ciphertexts, $6 author, $7 now,
     * $8 owner, $9 bytes, $10 notify channel. Every data-modifying CTE runs exactly once; the final SELECT
     * reads the counter row the UPDATE returned.
     */
    private static final String APPEND_SQL = "WITH s AS ("
            + "UPDATE streams SET last_seq = last_seq + $2, last_expires = greatest(coalesce(last_expires, $3), $3), "
            + "first_expires = CASE WHEN last_seq = 0 THEN greatest(coalesce(last_expires, $3), $3) ELSE first_expires END "
            + "WHERE id = $1 RETURNING last_seq, last_expires), "
            + "ins AS (INSERT INTO records (stream_id, seq, record_id, author_key, ciphertext, created_at, expires_at) "
            + "SELECT $1, s.last_seq - $2 + u.ord, u.rid, $6, u.ct, $7, s.last_expires "
            + "FROM s, unnest($4::text[], $5::bytea[]) WITH ORDINALITY AS u(rid, ct, ord) RETURNING 1), "
            + "usage AS (INSERT INTO usage_days (owner_key, day, bytes, records) "
            + "SELECT $8, (s.last_expires AT TIME ZONE 'UTC')::date, $9, $2 FROM s "
            + "ON CONFLICT (owner_key, day) DO UPDATE SET bytes = usage_days.bytes + EXCLUDED.bytes, records = usage_days.records + EXCLUDED.records) "
            + "SELECT s.last_seq, s.last_expires, (SELECT count(*) FROM ins) AS inserted, pg_notify($10, $1 || ' ' || s.last_seq) FROM s";

    private static List<Appended> outcomes(List<NewRecord> batch, Map<String, StoredRecord> existing, Map<String, StoredRecord> inserted) {
        List<Appended> out = new ArrayList<>(batch.size());
        for (NewRecord n : batch) {
            StoredRecord old = existing.get(n.id());
            out.add(old != null ? new Appended(old, true) : new Appended(inserted.get(n.id()), false));
        }
        return out;
    }

    /**
     * Up to {@code limit} records with sequence greater than {@code after}, in order.
     *
     * @throws ProblemException cursor-expired (410) when records after the cursor have expired, so the
     *     reader would miss some: it must resync from peers; cursor-ahead (422) when the cursor is beyond
     *     the last record
     */
    public Uni<Page> read(PeerKey caller, String streamId, long after, int limit) {
        return readRows(caller, streamId, after, limit).map(p -> {
            List<StoredRecord> records = new ArrayList<>(p.records().size());
            for (Row r : p.records()) {
                records.add(stored(r, COLUMN_ID));
            }
            return new Page(records, p.earliest(), p.lastSeq(), p.next(), p.more());
        });
    }

    /**
     * The page of {@link #read} as the rows PostgreSQL sent, for encoders that write the records straight from them
     * (the binary page format) rather than through {@link StoredRecord}s.
     *
     * @param records the page's records, in sequence order, with columns {@link #COLUMN_ID}, {@link #COLUMN_SEQ},
     *     {@link #COLUMN_AUTHOR}, {@link #COLUMN_CIPHERTEXT} (bytea), {@link #COLUMN_CREATED} and
     *     {@link #COLUMN_EXPIRES} (timestamptz)
     */
    public record RowPage(long earliest, long lastSeq, long next, boolean more, List<Row> records) {
    }

    public static final int COLUMN_ID = 1;
    public static final int COLUMN_SEQ = 2;
    public static final int COLUMN_AUTHOR = 3;
    public static final int COLUMN_CIPHERTEXT = 4;
    public static final int COLUMN_CREATED = 5;
    public static final int COLUMN_EXPIRES = 6;

    /**
     * The retained records of stream $1 at $3 (now): every record of a stream expires between its first
     * record's expiry ($6, or now) and its last_expires ($5), so bounding expires_at on both sides skips the
     * partitions of other days (a stream younger than its retention touches only the days it wrote; no
     * records yet: the range is empty and no partition is read).
     */
    private static final String RETAINED = "stream_id = $1 AND expires_at > $3 AND expires_at >= $6 AND expires_at <= $5";
    /**
     * The stream's lowest retained sequence (none: null). Written as the first row in index order rather than
     * {@code min(seq)}: PostgreSQL plans a min() aggregate twice (as an aggregate and as this very path) on every
     * execution, which cost a read page about 0.1 ms of PostgreSQL's CPU (perf, sync bench).
     */
    private static final String EARLIEST = "SELECT seq FROM records WHERE " + RETAINED + " ORDER BY seq LIMIT 1";
    /** {@link #EARLIEST} alone: $1 stream, $2 now, $3 and $4 as $5 and $6 of {@link #RETAINED}. */
    private static final String EARLIEST_ALONE = "SELECT seq FROM records WHERE stream_id = $1 AND expires_at > $2 AND expires_at >= $4 "
            + "AND expires_at <= $3 ORDER BY seq LIMIT 1";
    /**
     * A page and, on every row, the earliest retained sequence, in one statement and so one snapshot: they agree.
     * The earliest is a scalar subquery (run once), and the rows come in the order of the (stream_id, seq) index,
     * so PostgreSQL does not sort the page (a lateral join of the two needed a sort of every page's ciphertexts).
     * $2 after, $4 limit + 1 (one more tells whether more follow).
     */
    static final String PAGE_SQL = "SELECT (" + EARLIEST + ") AS earliest, record_id, seq, author_key, ciphertext, created_at, expires_at "
            + "FROM records WHERE " + RETAINED + " AND seq > $2 ORDER BY seq LIMIT $4";

    /** As {@link #read}, the records left in the rows. */
    public Uni<RowPage> readRows(PeerKey caller, String streamId, long after, int limit) {
        StreamService.checkId(streamId);
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        return pool.withConnection(conn -> access.require(conn, streamId, caller, Role.READ, false)
                .chain(grant -> {
                    if (after > grant.lastSeq()) {
                        throw new ProblemException(SyncProblems.CURSOR_AHEAD, "after=" + after + " is beyond the stream's last sequence "
                                + grant.lastSeq()).with("lastSeq", grant.lastSeq()).with("field", "after");
                    }
                    OffsetDateTime last = grant.lastExpires() == null ? now : grant.lastExpires();
                    Tuple args = Tuple.of(streamId, after, now, limit + 1, last, grant.retainedFrom(now));
                    return conn.preparedQuery(PAGE_SQL).execute(args).chain(rows -> {
                        if (rows.size() > 0) {
                            return Uni.createFrom().item(rowPage(rows, rows.iterator().next().getLong(0), grant, after, limit));
                        }
                        // No records after the cursor: the earliest comes from a statement of its own.
                        return conn.preparedQuery(EARLIEST_ALONE).execute(Tuple.of(streamId, now, last, grant.retainedFrom(now)))
                                .map(e -> rowPage(rows, e.size() == 0 ? null : e.iterator().next().getLong(0), grant, after, limit));
                    });
                }));
    }

    private static RowPage rowPage(RowSet<Row> rows, Long earliest, Access.Grant grant, long after, int limit) {
        List<Row> records = new ArrayList<>(Math.min(rows.size(), limit));
        for (Row r : rows) {
            if (records.size() == limit) {
                break; // the extra row only tells that more follow
            }
            records.add(r);
        }
        long pageLast = records.isEmpty() ? after : records.get(records.size() - 1).getLong(COLUMN_SEQ);
        long lastSeq = Math.max(grant.lastSeq(), records.isEmpty() ? 0 : pageLast);
        long first = earliest != null ? earliest : lastSeq + 1;
        if (after < first - 1) {
            throw new ProblemException(SyncProblems.CURSOR_EXPIRED, "records " + (after + 1) + " to " + (first - 1)
                    + " have expired; resync from peers, then read from after=" + (first - 1))
                    .with("earliest", first).with("lastSeq", lastSeq);
        }
        return new RowPage(first, lastSeq, pageLast, rows.size() > limit, records);
    }

    private static StoredRecord stored(Row r) {
        return stored(r, r.getColumnIndex("record_id"));
    }

    /** The record in columns {@code record_id, seq, author_key, ciphertext, created_at, expires_at} from {@code at}. */
    private static StoredRecord stored(Row r, int at) {
        return new StoredRecord(r.getString(at), r.getLong(at + 1), r.getString(at + 2), StreamService.bytes(r.getValue(at + 3)),
                r.getOffsetDateTime(at + 4).toInstant(), r.getOffsetDateTime(at + 5).toInstant());
    }

    private static boolean noPartition(Throwable e) {
        // 23514: "no partition of relation records found for row"
        return e instanceof PgException pg && "23514".equals(pg.getSqlState());
    }

}
