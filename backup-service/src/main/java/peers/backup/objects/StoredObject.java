package peers.backup.objects;

import java.time.Instant;

/** A verified object of a repository: its name is the SHA-256 (hex) of its ciphertext. */
public record StoredObject(String sha256, long size, Instant createdAt) {
}
