package peers.backup.snapshots;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import peers.backup.repos.Repo;

/**
 * Which snapshots a retention policy keeps, with restic's {@code forget} semantics: newest first, keep the
 * {@code keepLast} newest; for daily (weekly, monthly) keep the newest snapshot of each of the
 * {@code keepDaily} most recent days (ISO weeks, months) that have snapshots. A snapshot kept by any rule
 * is kept. Days are UTC days. A policy with no rule keeps everything.
 */
public final class RetentionPolicy {

    /** A snapshot's id and time. */
    public record Entry(String id, Instant takenAt) {
    }

    private RetentionPolicy() {
    }

    public static Set<String> keep(List<Entry> snapshots, Repo.Retention policy) {
        List<Entry> newestFirst = new ArrayList<>(snapshots);
        newestFirst.sort(Comparator.comparing(Entry::takenAt).reversed().thenComparing(Entry::id));
        if (policy == null || policy.isEmpty()) {
            Set<String> all = new LinkedHashSet<>();
            newestFirst.forEach(e -> all.add(e.id()));
            return all;
        }
        Set<String> kept = new LinkedHashSet<>();
        int last = policy.keepLast() == null ? 0 : policy.keepLast();
        for (int i = 0; i < Math.min(last, newestFirst.size()); i++) {
            kept.add(newestFirst.get(i).id());
        }
        bucket(newestFirst, policy.keepDaily(), t -> day(t).toString(), kept);
        bucket(newestFirst, policy.keepWeekly(), t -> day(t).get(IsoFields.WEEK_BASED_YEAR) + "-W" + day(t).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), kept);
        bucket(newestFirst, policy.keepMonthly(), t -> day(t).getYear() + "-" + day(t).getMonthValue(), kept);
        return kept;
    }

    private static void bucket(List<Entry> newestFirst, Integer count, Function<Instant, String> period, Set<String> kept) {
        if (count == null || count <= 0) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (Entry e : newestFirst) {
            String p = period.apply(e.takenAt());
            if (seen.contains(p)) {
                continue;
            }
            if (seen.size() >= count) {
                break;
            }
            seen.add(p);
            kept.add(e.id());
        }
    }

    private static LocalDate day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }
}
