package peers.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Publishes benchmark summaries under {@code docs/}: per scenario a JSON file (the machine-readable
 * result), a ratio chart and a latency chart (PNG) in {@code docs/benchmarks/}, then regenerates
 * {@code docs/benchmarks.md} from every scenario published so far, so running one scenario updates its
 * section and keeps the others.
 */
public final class Publish {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Publish() {
    }

    /** Writes {@code docs/benchmarks/<scenario>.json} and its charts, then {@code docs/benchmarks.md}. */
    public static void publish(Path root, Summary summary, Map<String, Object> context) throws IOException {
        Path dir = root.resolve("docs/benchmarks");
        Files.createDirectories(dir);
        Map<String, Object> doc = new LinkedHashMap<>(context);
        doc.putAll(summary.toJson());
        List<Report.Table> tables = medianTables(summary.runs());
        if (!tables.isEmpty()) {
            doc.put("tables", tables.stream().map(Report.Table::toJson).toList());
        }
        List<String> charts = new ArrayList<>();
        if (!summary.rows().isEmpty()) {
            charts.add(ratioChart(dir, summary));
            charts.add(latencyChart(dir, summary));
        }
        doc.put("charts", charts);
        JSON.writeValue(dir.resolve(summary.scenario() + ".json").toFile(), doc);
        writeIndex(root);
    }

    private static final Pattern MEASURE = Pattern.compile("(-?[0-9]+(?:\\.([0-9]+))?)(.*)");

    /**
     * The tables of the runs folded into one: a cell that is a number with a unit (e.g. {@code 13.82 KB}) in every run
     * becomes the runs' median, printed with the same unit and decimals; any other cell is the last run's. Runs
     * whose tables do not line up with the last run's (another title or shape) are left out.
     */
    static List<Report.Table> medianTables(List<Report> runs) {
        Report last = runs.get(runs.size() - 1);
        List<Report.Table> out = new ArrayList<>();
        for (int t = 0; t < last.tables().size(); t++) {
            Report.Table lt = last.tables().get(t);
            List<Report.Table> same = new ArrayList<>();
            for (Report r : runs) {
                if (r.tables().size() > t && sameShape(r.tables().get(t), lt)) {
                    same.add(r.tables().get(t));
                }
            }
            List<List<String>> rows = new ArrayList<>();
            for (int i = 0; i < lt.rows().size(); i++) {
                List<String> row = new ArrayList<>();
                for (int j = 0; j < lt.rows().get(i).size(); j++) {
                    row.add(medianCell(same, i, j, lt.rows().get(i).get(j)));
                }
                rows.add(row);
            }
            String title = same.size() > 1 ? lt.title() + " (median of " + same.size() + " runs)" : lt.title();
            out.add(new Report.Table(title, lt.header(), rows));
        }
        return out;
    }

    private static boolean sameShape(Report.Table a, Report.Table b) {
        if (!a.title().equals(b.title()) || a.rows().size() != b.rows().size()) {
            return false;
        }
        for (int i = 0; i < a.rows().size(); i++) {
            if (a.rows().get(i).size() != b.rows().get(i).size() || !a.rows().get(i).get(0).equals(b.rows().get(i).get(0))) {
                return false;
            }
        }
        return true;
    }

    private static String medianCell(List<Report.Table> tables, int row, int col, String fallback) {
        if (col == 0 || tables.size() < 2) {
            return fallback;
        }
        double[] v = new double[tables.size()];
        String unit = null;
        int decimals = 0;
        for (int k = 0; k < tables.size(); k++) {
            Matcher m = MEASURE.matcher(tables.get(k).rows().get(row).get(col).strip());
            if (!m.matches() || (unit != null && !unit.equals(m.group(3)))) {
                return fallback;
            }
            unit = m.group(3);
            decimals = Math.max(decimals, m.group(2) == null ? 0 : m.group(2).length());
            v[k] = Double.parseDouble(m.group(1));
        }
        Arrays.sort(v);
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return String.format(Locale.ROOT, "%." + decimals + "f", median) + unit;
    }

    private static String ratioChart(Path dir, Summary s) throws IOException {
        List<String> names = s.rows().stream().map(Summary.Row::name).toList();
        CategoryChart chart = new CategoryChartBuilder().width(960).height(420)
                .title(s.scenario() + ": ours ÷ baseline (median of " + s.runs().size() + " run(s), bars show min–max)")
                .yAxisTitle("ratio (1 = as fast as the baseline)").build();
        style(chart);
        chart.addSeries("throughput ratio", names, s.rows().stream().map(r -> nan0(r.ratio().median())).toList(),
                s.rows().stream().map(r -> spread(r.ratio())).toList());
        chart.addSeries("per server CPU-second", names, s.rows().stream().map(r -> nan0(r.ratioPerCpu().median())).toList(),
                s.rows().stream().map(r -> spread(r.ratioPerCpu())).toList());
        String file = s.scenario() + "-ratio.png";
        BitmapEncoder.saveBitmap(chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static String latencyChart(Path dir, Summary s) throws IOException {
        List<String> names = s.rows().stream().map(Summary.Row::name).toList();
        CategoryChart chart = new CategoryChartBuilder().width(960).height(420)
                .title(s.scenario() + ": latency per operation (median of runs), log scale")
                .yAxisTitle("milliseconds").build();
        style(chart);
        chart.getStyler().setYAxisLogarithmic(true);
        // Bars start at the axis minimum: on a log axis it must be a positive value below every bar.
        double smallest = s.rows().stream().flatMap(r -> java.util.stream.Stream.of(r.oursP50(), r.oursP99(), r.rawP50(), r.rawP99()))
                .mapToDouble(st -> positive(st.median())).min().orElse(1);
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(smallest))));
        chart.getStyler().setSeriesColors(new Color[] {new Color(0x1f77b4), new Color(0x0b3c5d), new Color(0xff7f0e), new Color(0x8c3b00)});
        chart.addSeries("ours p50", names, s.rows().stream().map(r -> positive(r.oursP50().median())).toList());
        chart.addSeries("ours p99", names, s.rows().stream().map(r -> positive(r.oursP99().median())).toList());
        chart.addSeries("baseline p50", names, s.rows().stream().map(r -> positive(r.rawP50().median())).toList());
        chart.addSeries("baseline p99", names, s.rows().stream().map(r -> positive(r.rawP99().median())).toList());
        String file = s.scenario() + "-latency.png";
        BitmapEncoder.saveBitmap(chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static void style(CategoryChart chart) {
        var st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridVerticalLinesVisible(false);
        st.setXAxisLabelRotation(12);
        st.setAvailableSpaceFill(0.6);
    }

    private static double nan0(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static double positive(double v) {
        return Double.isNaN(v) || v <= 0 ? 0.001 : v;
    }

    /** Error bar half-width covering min..max around the median. */
    private static double spread(Summary.Stat s) {
        return s.n() == 0 ? 0 : Math.max(s.median() - s.min(), s.max() - s.median());
    }

    /** Regenerates docs/benchmarks.md from every docs/benchmarks/*.json. */
    static void writeIndex(Path root) throws IOException {
        Path dir = root.resolve("docs/benchmarks");
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                docs.add(JSON.readTree(f.toFile()));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n")
                .append("Generated by the bench harness (`bench/`); do not edit by hand (the last section, \"Profiled and fixed\", comes from\n")
                .append("`docs/benchmarks/profiles.md`). Every scenario runs our service and its\n")
                .append("baseline (raw PostgreSQL, the peer server, or the tool used directly) **in the same run on the same machine**,\n")
                .append("repeated; the headline is the **median ratio** ours ÷ baseline (higher is better for throughput), with the\n")
                .append("spread (min–max) over the runs. The machines are shared and noisy: read ratios, not absolute numbers.\n")
                .append("\"Per server CPU-second\" divides each side's operations by the CPU its servers used (service + PostgreSQL,\n")
                .append("or the peer server), which holds up best against other load on the machine.\n\n")
                .append("Reproduce (from the project root; `bench/README.md` has every setting):\n\n")
                .append("```sh\n./mvnw -q package -DskipTests && ./mvnw -q -pl bench exec:java -Dexec.args=\"all repeat=3 publish=true\"\n```\n\n")
                .append("## Headlines\n\n")
                .append("| scenario | comparison | ratio (median) | spread | per server CPU-s | goal | runs | date |\n")
                .append("|---|---|---:|---|---:|---|---:|---|\n");
        for (JsonNode d : docs) {
            for (JsonNode c : d.path("comparisons")) {
                md.append(String.format(Locale.ROOT, "| [%s](#%s) | %s | %s | %s | %s | %s | %d | %s |\n",
                        d.path("scenario").asText(), anchor(d.path("scenario").asText()), c.path("name").asText(),
                        num(c.path("ratio").path("median"), 3), range(c.path("ratio"), 3), num(c.path("ratioPerServerCpuSecond").path("median"), 3),
                        goal(c), c.path("runs").asInt(), d.path("date").asText("")));
            }
        }
        for (JsonNode d : docs) {
            String scenario = d.path("scenario").asText();
            md.append("\n## ").append(scenario).append("\n\n");
            md.append(String.format(Locale.ROOT, "Run %s on %s (%s cores, Java %s), %d run(s): `%s`\n\n", d.path("date").asText(""),
                    d.path("os").asText(""), d.path("cores").asText(""), d.path("java").asText(""), d.path("runs").asInt(), d.path("command").asText("")));
            if (d.path("comparisons").size() > 0) {
                md.append("| comparison | ours ops/s | baseline ops/s | ratio | spread | per server CPU-s | goal | ours p50 / p99 ms | baseline p50 / p99 ms | errors ours/baseline |\n")
                        .append("|---|---:|---:|---:|---|---:|---|---|---|---|\n");
                for (JsonNode c : d.path("comparisons")) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | %s | **%s** | %s | %s | %s | %s / %s | %s / %s | %d/%d |\n",
                            c.path("name").asText(), num(c.path("oursOpsPerSecond").path("median"), 1), num(c.path("baselineOpsPerSecond").path("median"), 1),
                            num(c.path("ratio").path("median"), 3), range(c.path("ratio"), 3), num(c.path("ratioPerServerCpuSecond").path("median"), 3),
                            goal(c), num(c.path("oursP50Millis").path("median"), 2), num(c.path("oursP99Millis").path("median"), 2),
                            num(c.path("baselineP50Millis").path("median"), 2), num(c.path("baselineP99Millis").path("median"), 2),
                            c.path("oursErrors").asLong(), c.path("baselineErrors").asLong()));
                }
                md.append('\n');
                for (JsonNode c : d.path("comparisons")) {
                    md.append("- **").append(c.path("name").asText()).append("**: ").append(c.path("what").asText()).append('\n');
                }
                md.append('\n');
            }
            for (JsonNode t : d.path("tables")) {
                md.append("**").append(t.path("title").asText()).append("**\n\n|");
                t.path("header").forEach(h -> md.append(' ').append(h.asText()).append(" |"));
                md.append("\n|");
                t.path("header").forEach(h -> md.append("---|"));
                md.append('\n');
                for (JsonNode row : t.path("rows")) {
                    md.append('|');
                    row.forEach(cell -> md.append(' ').append(cell.asText()).append(" |"));
                    md.append('\n');
                }
                md.append('\n');
            }
            for (JsonNode chart : d.path("charts")) {
                md.append("![").append(scenario).append(' ').append(chart.asText().replace(".png", "")).append("](benchmarks/").append(chart.asText())
                        .append(")\n\n");
            }
            if (d.hasNonNull("notes")) {
                md.append(d.path("notes").asText()).append("\n\n");
            }
        }
        // The record of profiles and the fixes they led to is written by people (the harness measures, people read the
        // profile), so it lives in its own file and is appended as is.
        Path profiles = dir.resolve("profiles.md");
        if (Files.isRegularFile(profiles)) {
            md.append(Files.readString(profiles, StandardCharsets.UTF_8).strip()).append('\n');
        }
        Files.writeString(root.resolve("docs/benchmarks.md"), md.toString(), StandardCharsets.UTF_8);
    }

    private static String anchor(String scenario) {
        return scenario.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "");
    }

    private static String goal(JsonNode c) {
        return c.path("goal").isNumber() ? String.format(Locale.ROOT, "≥ %s", trim(c.path("goal").asDouble())) : "–";
    }

    private static String num(JsonNode n, int digits) {
        return n.isNumber() ? String.format(Locale.ROOT, "%,." + digits + "f", n.asDouble()) : "–";
    }

    private static String range(JsonNode stat, int digits) {
        return stat.path("min").isNumber() ? num(stat.path("min"), digits) + "–" + num(stat.path("max"), digits) : "–";
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
