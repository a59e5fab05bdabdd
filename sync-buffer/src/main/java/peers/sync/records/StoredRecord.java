package peers.sync.records;

import java.time.Instant;

/** A stored record: the ciphertext exactly as sent, with what the server assigned. */
public record StoredRecord(String id, long seq, String author, byte[] ciphertext, Instant createdAt, Instant expiresAt) {
}
