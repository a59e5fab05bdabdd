package peers.sync.api;

import jakarta.ws.rs.core.MediaType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
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
     * The page in the binary format, in one buffer of its exact size, written straight from the rows PostgreSQL
     * sent (no record objects, one copy of each ciphertext).
     */
    public static Buffer encode(RecordStore.RowPage p) {
        List<Row> records = p.records();
        int size = HEADER_BYTES;
        for (Row r : records) {
            int idLength = r.getString(RecordStore.COLUMN_ID).length();
            int authorLength = r.getString(RecordStore.COLUMN_AUTHOR).length();
            if (idLength > 255 || authorLength > 255) {
                throw new IllegalStateException("record " + r.getLong(RecordStore.COLUMN_SEQ) + ": id or author longer than 255 bytes");
            }
            size += RECORD_FIXED_BYTES + idLength + authorLength + ciphertext(r).length();
        }
        ByteBuf b = Unpooled.buffer(size, size);
        b.writeBytes(MAGIC).writeLong(p.earliest()).writeLong(p.lastSeq()).writeLong(p.next()).writeByte(p.more() ? 1 : 0).writeInt(records.size());
        for (Row r : records) {
            // ids and keys are ASCII (their patterns): a character is a byte
            String id = r.getString(RecordStore.COLUMN_ID);
            String author = r.getString(RecordStore.COLUMN_AUTHOR);
            Buffer ciphertext = ciphertext(r);
            b.writeLong(r.getLong(RecordStore.COLUMN_SEQ)).writeLong(micros(r.getOffsetDateTime(RecordStore.COLUMN_CREATED)))
                    .writeLong(micros(r.getOffsetDateTime(RecordStore.COLUMN_EXPIRES)));
            b.writeByte(id.length()).writeCharSequence(id, StandardCharsets.US_ASCII);
            b.writeByte(author.length()).writeCharSequence(author, StandardCharsets.US_ASCII);
            b.writeInt(ciphertext.length()).writeBytes(ciphertext.getByteBuf());
        }
        return Buffer.buffer(b);
    }

    private static Buffer ciphertext(Row r) {
        return (Buffer) r.getDelegate().getValue(RecordStore.COLUMN_CIPHERTEXT);
    }

    static long micros(OffsetDateTime t) {
        return Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }
}
