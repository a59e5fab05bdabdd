package peers.backup.repos;

import java.time.Instant;

/** A repository as its owner sees it. */
public record Repo(String id, String owner, String name, Instant createdAt, long bytes, long objects, Retention retention) {

    /** A retention policy; null fields: that rule keeps nothing. */
    public record Retention(Integer keepLast, Integer keepDaily, Integer keepWeekly, Integer keepMonthly) {
        public boolean isEmpty() {
            return keepLast == null && keepDaily == null && keepWeekly == null && keepMonthly == null;
        }
    }
}
