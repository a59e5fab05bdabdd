package peers.sync.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import peers.sync.records.Appended;
import peers.sync.records.Page;
import peers.sync.records.StoredRecord;
import peers.sync.streams.StreamView;

/** Request and response bodies of the sync-buffer API. */
public final class Dtos {

    private Dtos() {
    }

    @Schema(description = "Creates a stream owned by the signing key, which becomes its first admin")
    public record CreateStreamRequest(
            @Size(max = 64) @Schema(description = "Optional client-chosen id, 1-64 of A-Z a-z 0-9 - _; random when absent", examples = "notes-2f9c") String id,
            @Size(max = 8192) @Schema(description = "Optional: the stream key wrapped for the owner by the client, opaque, unpadded base64url") String wrappedKey) {
    }

    @Schema(description = "Adds a member or changes its role and wrapped key")
    public record MemberRequest(
            @NotNull @Size(max = 16) @Schema(description = "read, write or admin", examples = "write") String role,
            @Size(max = 8192) @Schema(description = "Optional: the stream key wrapped for this member by a client, opaque, unpadded base64url; kept when absent") String wrappedKey) {
    }

    @Schema(description = "One record to append")
    public record RecordIn(
            @Schema(description = "Client-chosen id, 1-128 of A-Z a-z 0-9 - _ . : ; appending an id again returns the original", examples = "01J9Z3K6B2D7") String id,
            @Schema(description = "The ciphertext, unpadded base64url; stored exactly, never parsed") String ciphertext) {
    }

    @Schema(description = "A batch of records, stored all or none")
    public record AppendRequest(@Schema(description = "1 to 256 records (peers.sync.max-batch-records), at most 1 MiB of ciphertext in all") List<RecordIn> records) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record MemberOut(String key, String role, @Schema(description = "The wrapped stream key, or null") String wrappedKey, String addedBy, Instant addedAt) {
        static MemberOut of(StreamView.MemberView m) {
            return new MemberOut(m.key(), m.role(), m.wrappedKey(), m.addedBy(), m.addedAt());
        }
    }

    @Schema(description = "A stream")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamOut(String id, String owner, @Schema(description = "Highest sequence assigned so far (0: none)") long lastSeq,
            Instant createdAt, @Schema(description = "The caller's role") String role, List<MemberOut> members) {
        static StreamOut of(StreamView v) {
            return new StreamOut(v.id(), v.owner(), v.lastSeq(), v.createdAt(), v.role(),
                    v.members() == null ? null : v.members().stream().map(MemberOut::of).toList());
        }
    }

    public record StreamList(List<StreamOut> streams) {
    }

    @Schema(description = "A stored record")
    public record RecordOut(String id, @Schema(description = "Server-assigned, strictly increasing and gap-free per stream, from 1") long seq,
            @Schema(description = "The key that signed the append") String author,
            @Schema(description = "The ciphertext exactly as appended, unpadded base64url", type = SchemaType.STRING)
            @JsonSerialize(using = Base64UrlBytes.class) byte[] ciphertext,
            Instant createdAt, Instant expiresAt) {
        static RecordOut of(StoredRecord r) {
            return new RecordOut(r.id(), r.seq(), r.author(), r.ciphertext(), r.createdAt(), r.expiresAt());
        }
    }

    /**
     * Writes bytes as unpadded base64url straight into the response (no intermediate String per record):
     * Jackson's MODIFIED_FOR_URL variant is RFC 4648 section 5 without padding, what {@code Base64Url} writes.
     */
    public static final class Base64UrlBytes extends StdSerializer<byte[]> {
        public Base64UrlBytes() {
            super(byte[].class);
        }

        @Override
        public void serialize(byte[] value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeBinary(Base64Variants.MODIFIED_FOR_URL, value, 0, value.length);
        }
    }

    @Schema(description = "The outcome of one appended record")
    public record AppendedOut(String id, long seq, Instant createdAt, Instant expiresAt,
            @Schema(description = "true when this id was already stored: the original is returned and nothing new was written") boolean replayed) {
        static AppendedOut of(Appended a) {
            return new AppendedOut(a.record().id(), a.record().seq(), a.record().createdAt(), a.record().expiresAt(), a.replayed());
        }
    }

    public record AppendResponse(List<AppendedOut> records) {
    }

    @Schema(description = "Records after a cursor")
    public record PageOut(List<RecordOut> records,
            @Schema(description = "Lowest sequence still retained; lastSeq + 1 when none is") long earliest,
            @Schema(description = "Highest sequence assigned") long lastSeq,
            @Schema(description = "Pass as 'after' to read on: the last seq of this page, or the given cursor when empty") long next,
            @Schema(description = "Whether more records follow 'next' now") boolean more) {
        static PageOut of(Page p) {
            return new PageOut(p.records().stream().map(RecordOut::of).toList(), p.earliest(), p.lastSeq(), p.next(), p.more());
        }
    }
}
