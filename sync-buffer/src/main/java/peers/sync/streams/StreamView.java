package peers.sync.streams;

import java.time.Instant;
import java.util.List;

/** A stream as its members see it. */
public record StreamView(String id, String owner, long lastSeq, Instant createdAt, String role, List<MemberView> members) {

    public record MemberView(String key, String role, String wrappedKey, String addedBy, Instant addedAt) {
    }
}
