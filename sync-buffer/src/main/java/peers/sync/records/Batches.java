package peers.sync.records;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import peers.common.problems.ProblemException;
import peers.sync.SyncConfig;
import peers.sync.streams.StreamService;
import peers.sync.streams.SyncProblems;

/** Checks an append batch completely before anything is written: a refused batch writes nothing. */
public final class Batches {

    /** Record ids: 1-128 characters of base64url/UUID alphabet (clients use UUIDs or hashes). */
    public static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private Batches() {
    }

    /** One record as received: id and base64url ciphertext text. */
    public record Raw(String id, String ciphertext) {
    }

    public static List<NewRecord> check(SyncConfig config, List<Raw> raw) {
        if (raw == null || raw.isEmpty()) {
            throw ProblemException.invalid("records", "records must list 1 to " + config.maxBatchRecords() + " records");
        }
        if (raw.size() > config.maxBatchRecords()) {
            throw new ProblemException(SyncProblems.BATCH_TOO_LARGE, "a batch has at most " + config.maxBatchRecords() + " records; got "
                    + raw.size() + ": split it").with("limit", "sync.max-batch-records").with("max", config.maxBatchRecords());
        }
        Set<String> ids = new HashSet<>();
        List<NewRecord> out = new ArrayList<>(raw.size());
        long total = 0;
        for (int i = 0; i < raw.size(); i++) {
            Raw r = raw.get(i);
            String field = "records[" + i + "]";
            if (r == null) {
                throw ProblemException.invalid(field, field + " is null");
            }
            if (r.id() == null || !RECORD_ID.matcher(r.id()).matches()) {
                throw ProblemException.invalid(field + ".id", field + ".id must be 1 to 128 characters of A-Z a-z 0-9 - _ . :");
            }
            if (!ids.add(r.id())) {
                throw new ProblemException(SyncProblems.DUPLICATE_RECORD_ID, "the record id '" + r.id() + "' appears more than once in the batch")
                        .with("field", field + ".id");
            }
            if (r.ciphertext() == null) {
                throw ProblemException.invalid(field + ".ciphertext", field + ".ciphertext is required (unpadded base64url)");
            }
            // Bound the text before decoding it: 4 characters carry 3 bytes.
            if ((long) r.ciphertext().length() * 3 / 4 > config.maxRecordBytes() + 2) {
                throw tooLarge(config, field, (long) r.ciphertext().length() * 3 / 4);
            }
            byte[] c = StreamService.decode(field + ".ciphertext", r.ciphertext());
            if (c.length == 0) {
                throw ProblemException.invalid(field + ".ciphertext", field + ".ciphertext is empty");
            }
            if (c.length > config.maxRecordBytes()) {
                throw tooLarge(config, field, c.length);
            }
            total += c.length;
            if (total > config.maxBatchBytes()) {
                throw new ProblemException(SyncProblems.BATCH_TOO_LARGE, "a batch carries at most " + config.maxBatchBytes()
                        + " ciphertext bytes: split it").with("limit", "sync.max-batch-bytes").with("max", config.maxBatchBytes());
            }
            out.add(new NewRecord(r.id(), c));
        }
        return out;
    }

    private static ProblemException tooLarge(SyncConfig config, String field, long size) {
        return new ProblemException(SyncProblems.RECORD_TOO_LARGE, field + ".ciphertext has about " + size + " bytes; a record carries at most "
                + config.maxRecordBytes()).with("field", field + ".ciphertext").with("limit", "sync.max-record-bytes").with("max", config.maxRecordBytes());
    }
}
