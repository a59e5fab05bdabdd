package peers.sync.quota;

/** What an owner may store: record retention and quotas across all the owner's streams. */
public record Plan(String name, int retentionDays, long maxBytes, long maxRecords) {
}
