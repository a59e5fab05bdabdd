package peers.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repetitions of one scenario folded into one row per comparison: the median and the spread (min–max)
 * of the ratio, of the ratio per server CPU-second, of both sides' throughput and of their p50/p99
 * latencies. The headline is the median ratio: ours and the baseline run in the same run, so machine noise
 * moves both, while absolute numbers on a shared machine mean little.
 */
public record Summary(String scenario, List<Row> rows, List<Report> runs) {

    /** One comparison over all repetitions. */
    public record Row(String name, String what, Double goal, int runs, Stat ratio, Stat ratioPerCpu, Stat ours, Stat raw,
            Stat oursP50, Stat oursP99, Stat rawP50, Stat rawP99, long oursErrors, long rawErrors) {

        public boolean meetsGoal() {
            return goal == null || ratio.median() >= goal;
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("what", what);
            m.put("goal", goal);
            m.put("runs", runs);
            m.put("ratio", ratio.toJson(4));
            m.put("ratioPerServerCpuSecond", ratioPerCpu.toJson(4));
            m.put("oursOpsPerSecond", ours.toJson(1));
            m.put("baselineOpsPerSecond", raw.toJson(1));
            m.put("oursP50Millis", oursP50.toJson(3));
            m.put("oursP99Millis", oursP99.toJson(3));
            m.put("baselineP50Millis", rawP50.toJson(3));
            m.put("baselineP99Millis", rawP99.toJson(3));
            m.put("oursErrors", oursErrors);
            m.put("baselineErrors", rawErrors);
            return m;
        }
    }

    /** Median, min and max of the values that are numbers (NaN values are left out; all NaN: NaN). */
    public record Stat(double median, double min, double max, int n) {

        static Stat of(double[] values) {
            double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d) && !Double.isInfinite(d)).sorted().toArray();
            if (v.length == 0) {
                return new Stat(Double.NaN, Double.NaN, Double.NaN, 0);
            }
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Stat(median, v[0], v[v.length - 1], v.length);
        }

        /** The spread as a fraction of the median: (max - min) / median. */
        public double relativeSpread() {
            return n == 0 || median == 0 ? Double.NaN : (max - min) / median;
        }

        Map<String, Object> toJson(int digits) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("median", Measurement.round(median, digits));
            m.put("min", Measurement.round(min, digits));
            m.put("max", Measurement.round(max, digits));
            return m;
        }
    }

    /** Folds the reports of one scenario's repetitions; comparisons are matched by name, in first-run order. */
    public static Summary of(String scenario, List<Report> runs) {
        List<String> names = new ArrayList<>();
        for (Report r : runs) {
            for (Report.Comparison c : r.comparisons()) {
                if (!names.contains(c.name())) {
                    names.add(c.name());
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            List<Report.Comparison> cs = runs.stream().flatMap(r -> r.comparisons().stream()).filter(c -> c.name().equals(name)).toList();
            Report.Comparison first = cs.get(0);
            rows.add(new Row(name, first.what(), first.goal(), cs.size(),
                    stat(cs, Report.Comparison::ratio),
                    stat(cs, c -> c.raw().opsPerServerCpuSecond() > 0 ? c.ours().opsPerServerCpuSecond() / c.raw().opsPerServerCpuSecond() : Double.NaN),
                    stat(cs, c -> c.ours().opsPerSecond()), stat(cs, c -> c.raw().opsPerSecond()),
                    stat(cs, c -> c.ours().percentileMillis(0.5)), stat(cs, c -> c.ours().percentileMillis(0.99)),
                    stat(cs, c -> c.raw().percentileMillis(0.5)), stat(cs, c -> c.raw().percentileMillis(0.99)),
                    cs.stream().mapToLong(c -> c.ours().errorCount()).sum(), cs.stream().mapToLong(c -> c.raw().errorCount()).sum()));
        }
        return new Summary(scenario, rows, runs);
    }

    private static Stat stat(List<Report.Comparison> cs, java.util.function.ToDoubleFunction<Report.Comparison> f) {
        return Stat.of(cs.stream().mapToDouble(f).toArray());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        m.put("runs", runs.size());
        m.put("comparisons", rows.stream().map(Row::toJson).toList());
        return m;
    }
}
