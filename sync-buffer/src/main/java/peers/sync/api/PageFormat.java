package peers.sync.api;

import jakarta.ws.rs.core.MediaType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import peers.sync.records.Page;
import peers.sync.records.StoredRecord;

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

    /** The page in the binary format, in one array of its exact size. */
    public static byte[] encode(Page p) {
        List<StoredRecord> records = p.records();
        int size = HEADER_BYTES;
        byte[][] ids = new byte[records.size()][];
        byte[][] authors = new byte[records.size()][];
        for (int i = 0; i < records.size(); i++) {
            StoredRecord r = records.get(i);
            ids[i] = r.id().getBytes(StandardCharsets.US_ASCII);
            authors[i] = r.author().getBytes(StandardCharsets.US_ASCII);
            if (ids[i].length > 255 || authors[i].length > 255) {
                throw new IllegalStateException("record " + r.seq() + ": id or author longer than 255 bytes");
            }
            size += RECORD_FIXED_BYTES + ids[i].length + authors[i].length + r.ciphertext().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(MAGIC).putLong(p.earliest()).putLong(p.lastSeq()).putLong(p.next()).put((byte) (p.more() ? 1 : 0)).putInt(records.size());
        for (int i = 0; i < records.size(); i++) {
            StoredRecord r = records.get(i);
            b.putLong(r.seq()).putLong(micros(r.createdAt())).putLong(micros(r.expiresAt()));
            b.put((byte) ids[i].length).put(ids[i]);
            b.put((byte) authors[i].length).put(authors[i]);
            b.putInt(r.ciphertext().length).put(r.ciphertext());
        }
        return b.array();
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }
}
