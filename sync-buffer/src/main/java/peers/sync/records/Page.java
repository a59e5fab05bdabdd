package peers.sync.records;

import java.util.List;

/**
 * Records after a cursor.
 *
 * @param earliest the lowest sequence still retained (lastSeq + 1 when none is)
 * @param lastSeq the stream's highest assigned sequence
 * @param next the cursor for the next read: the last sequence in this page, or the cursor given when it is empty
 * @param more whether records after {@code next} exist
 */
public record Page(List<StoredRecord> records, long earliest, long lastSeq, long next, boolean more) {
}
