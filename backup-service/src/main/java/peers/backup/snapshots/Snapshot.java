package peers.backup.snapshots;

import java.time.Instant;
import java.util.List;
import peers.backup.objects.StoredObject;

/** A named record of which objects make up one backup; {@code objects} only when asked for one snapshot. */
public record Snapshot(String id, String name, Instant takenAt, int objectCount, long bytes, List<StoredObject> objects) {
}
