package peers.sync.api;

import jakarta.ws.rs.core.MediaType;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import peers.sync.records.RecordStore;

/**
 * The binary form of a read page, for bulk catch-up: asked for with {@code Accept: application/octet-stream}.
 * It carries exactly what the JSON page carries, without base64 and JSON around the ciphertext. All integers
 * are big-endian (network order):
 *
 * <pre>
 * page   = magic "SBP1" (4 bytes) earliest:int64 lastSeq:int64 next:int64 more:uint8 (0|1) count:uint32 record{count}
 * record = seq:int64 createdAt:int64 expiresAt:int64   (microseconds since 1970-01-01T00:00:00Z)
 *          idLength:uint8 id:idLength bytes (ASCII)
 *          authorLength:uint8 author:authorLength bytes (ASCII: the author's peer key, base64url)
 *          ciphertextLength:uint32 ciphertext:ciphertextLength bytes (exactly as appended)
 * </pre>
 *
 * docs/api/sync-buffer.md documents it for clients.
 */
public final class PageFormat {

    public static final String MEDIA_TYPE = MediaType.APPLICATION_OCTET_STREAM;
    public static final MediaType TYPE = MediaType.APPLICATION_OCTET_STREAM_TYPE;
    /** The first 4 bytes of every binary page: names the format and its version. */
    static final byte[] MAGIC = {'S', 'B', 'P', '1'};
    static final int HEADER_BYTES = 4 + 8 + 8 + 8 + 1 + 4;
    static final int RECORD_FIXED_BYTES = 8 + 8 + 8 + 1 + 1 + 4;

    private PageFormat() {
    }

    /**
     * Whether the client asked for the binary page: the first acceptable type (in the client's order of
     * preference) that the resource can produce is {@code application/octet-stream} named exactly; wildcards
     * ({@code *}{@code /*}, no Accept) get JSON.
     */
    public static boolean wanted(List<MediaType> acceptable) {
        for (MediaType m : acceptable) {
            if (!m.isWildcardType() && !m.isWildcardSubtype() && TYPE.isCompatible(m)) {
                return true;
            }
            if (MediaType.APPLICATION_JSON_TYPE.isCompatible(m)) {
                return false;
            }
        }
        return false;
    }

    /**
     * The page in the binary format, in one array of its exact size, written straight from the rows PostgreSQL
     * sent (no record objects, one copy of each ciphertext). Plain array writes: Netty's per-call index, reference
     * count and charset checks cost the page about 5 % of the service's CPU (sync bench, JFR).
     */
    public static Buffer encode(RecordStore.RowPage p) {
        List<Row> records = p.records();
        int n = records.size();
        byte[][] ids = new byte[n][];
        byte[][] authors = new byte[n][];
        Buffer[] ciphertexts = new Buffer[n];
        int size = HEADER_BYTES;
        for (int i = 0; i < n; i++) {
            Row r = records.get(i);
            // ids and keys are ASCII (their patterns): a character is a byte
            ids[i] = r.getString(RecordStore.COLUMN_ID).getBytes(StandardCharsets.US_ASCII);
            authors[i] = r.getString(RecordStore.COLUMN_AUTHOR).getBytes(StandardCharsets.US_ASCII);
            if (ids[i].length > 255 || authors[i].length > 255) {
                throw new IllegalStateException("record " + r.getLong(RecordStore.COLUMN_SEQ) + ": id or author longer than 255 bytes");
            }
            ciphertexts[i] = ciphertext(r);
            size += RECORD_FIXED_BYTES + ids[i].length + authors[i].length + ciphertexts[i].length();
        }
        byte[] page = new byte[size];
        ByteBuffer b = ByteBuffer.wrap(page); // big-endian
        b.put(MAGIC).putLong(p.earliest()).putLong(p.lastSeq()).putLong(p.next()).put((byte) (p.more() ? 1 : 0)).putInt(n);
        for (int i = 0; i < n; i++) {
            Row r = records.get(i);
            Buffer ciphertext = ciphertexts[i];
            b.putLong(r.getLong(RecordStore.COLUMN_SEQ)).putLong(micros(r.getOffsetDateTime(RecordStore.COLUMN_CREATED)))
                    .putLong(micros(r.getOffsetDateTime(RecordStore.COLUMN_EXPIRES)));
            b.put((byte) ids[i].length).put(ids[i]).put((byte) authors[i].length).put(authors[i]).putInt(ciphertext.length());
            ciphertext.getBytes(0, ciphertext.length(), page, b.position());
            b.position(b.position() + ciphertext.length());
        }
        if (b.hasRemaining()) {
            throw new IllegalStateException("page encoded to " + b.position() + " of " + size + " bytes");
        }
        return Buffer.buffer(Unpooled.wrappedBuffer(page));
    }

    private static Buffer ciphertext(Row r) {
        return (Buffer) r.getDelegate().getValue(RecordStore.COLUMN_CIPHERTEXT);
    }

    static long micros(OffsetDateTime t) {
        return Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }
}
