package peers.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PublishTest {

    private static Report run(String rss, String threads, String note) {
        Report r = new Report("services");
        r.table("Start-up", List.of("service", "idle RSS", "threads", "note"),
                List.of(List.of("sync-buffer", rss, threads, note), List.of("signaling", "261 MiB", "37", "x")));
        return r;
    }

    @Test
    void numericCellsAreTheMedianOfTheRunsWithTheirUnitAndDecimals() {
        List<Report.Table> t = Publish.medianTables(List.of(run("1001 MiB", "36", "a"), run("277 MiB", "35", "b"), run("276 MiB", "36", "c")));
        assertEquals("Start-up (median of 3 runs)", t.get(0).title());
        assertEquals(List.of("sync-buffer", "277 MiB", "36", "c"), t.get(0).rows().get(0));
        assertEquals(List.of("signaling", "261 MiB", "37", "x"), t.get(0).rows().get(1));
    }

    @Test
    void decimalsUnitsAndEvenCountsAreKept() {
        Report a = new Report("signaling");
        a.table("Memory", List.of("server", "10000 sockets"), List.of(List.of("ours", "13.82 KB")));
        Report b = new Report("signaling");
        b.table("Memory", List.of("server", "10000 sockets"), List.of(List.of("ours", "8.1 KB")));
        assertEquals("10.96 KB", Publish.medianTables(List.of(a, b)).get(0).rows().get(0).get(1));
    }

    @Test
    void cellsThatAreNotTheSameKindOfNumberInEveryRunComeFromTheLastRun() {
        Report a = new Report("s");
        a.table("T", List.of("k", "v"), List.of(List.of("x", "12 ms"), List.of("y", "NaN KB")));
        Report b = new Report("s");
        b.table("T", List.of("k", "v"), List.of(List.of("x", "14 MiB"), List.of("y", "3.00 KB")));
        List<List<String>> rows = Publish.medianTables(List.of(a, b)).get(0).rows();
        assertEquals("14 MiB", rows.get(0).get(1));
        assertEquals("3.00 KB", rows.get(1).get(1));
    }

    @Test
    void runsWhoseTablesDoNotLineUpAreLeftOut() {
        Report a = new Report("s");
        a.table("T", List.of("k", "v"), List.of(List.of("x", "100 ms")));
        Report b = new Report("s");
        b.table("T", List.of("k", "v"), List.of(List.of("other", "1 ms")));
        Report c = new Report("s");
        c.table("T", List.of("k", "v"), List.of(List.of("x", "300 ms")));
        Report.Table t = Publish.medianTables(List.of(a, b, c)).get(0);
        assertEquals("T (median of 2 runs)", t.title());
        assertEquals("200 ms", t.rows().get(0).get(1));
    }
}
