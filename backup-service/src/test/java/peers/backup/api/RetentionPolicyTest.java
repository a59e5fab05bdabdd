package peers.backup.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import peers.backup.repos.Repo;
import peers.backup.snapshots.RetentionPolicy;

/** Retention rules with restic's forget semantics. */
class RetentionPolicyTest {

    static List<RetentionPolicy.Entry> series() {
        // Two snapshots a day (06:00 and 18:00 UTC) from 2026-01-01 to 2026-03-31.
        List<RetentionPolicy.Entry> out = new ArrayList<>();
        Instant t = Instant.parse("2026-01-01T06:00:00Z");
        int i = 0;
        while (t.isBefore(Instant.parse("2026-04-01T00:00:00Z"))) {
            out.add(new RetentionPolicy.Entry("s" + i++, t));
            t = t.plusSeconds(12 * 3600);
        }
        return out;
    }

    static String at(List<RetentionPolicy.Entry> s, String time) {
        return s.stream().filter(e -> e.takenAt().equals(Instant.parse(time))).findFirst().orElseThrow().id();
    }

    @Test
    void keepLastKeepsTheNewest() {
        var s = series();
        assertEquals(Set.of(at(s, "2026-03-31T18:00:00Z"), at(s, "2026-03-31T06:00:00Z"), at(s, "2026-03-30T18:00:00Z")),
                RetentionPolicy.keep(s, new Repo.Retention(3, null, null, null)));
    }

    @Test
    void dailyWeeklyMonthlyKeepTheNewestOfEachPeriod() {
        var s = series();
        assertEquals(Set.of(at(s, "2026-03-31T18:00:00Z"), at(s, "2026-03-30T18:00:00Z")), RetentionPolicy.keep(s, new Repo.Retention(null, 2, null, null)));
        // 2026-03-31 is a Tuesday: the newest of its ISO week, then Sunday 03-29 ending the week before.
        assertEquals(Set.of(at(s, "2026-03-31T18:00:00Z"), at(s, "2026-03-29T18:00:00Z")), RetentionPolicy.keep(s, new Repo.Retention(null, null, 2, null)));
        assertEquals(Set.of(at(s, "2026-03-31T18:00:00Z"), at(s, "2026-02-28T18:00:00Z"), at(s, "2026-01-31T18:00:00Z")),
                RetentionPolicy.keep(s, new Repo.Retention(null, null, null, 12)));
        // Rules add up; overlaps count once.
        assertEquals(4, RetentionPolicy.keep(s, new Repo.Retention(1, 2, null, 3)).size());
    }

    @Test
    void noRuleKeepsEverythingAndZeroKeepsNothing() {
        var s = series();
        assertEquals(s.size(), RetentionPolicy.keep(s, null).size());
        assertEquals(0, RetentionPolicy.keep(s, new Repo.Retention(0, 0, 0, 0)).size());
    }
}
