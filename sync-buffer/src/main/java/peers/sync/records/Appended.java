package peers.sync.records;

/**
 * The outcome of one record of an append.
 *
 * @param replayed true when a record with this id was already stored (the original is returned)
 */
public record Appended(StoredRecord record, boolean replayed) {
}
