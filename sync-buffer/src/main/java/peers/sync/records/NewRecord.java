package peers.sync.records;

/** A record as a client sends it: its id and its ciphertext, already decoded and checked. */
public record NewRecord(String id, byte[] ciphertext) {
}
