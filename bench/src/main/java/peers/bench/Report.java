package peers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A scenario's results: comparisons of the service with raw PostgreSQL, plus free-form details. */
public final class Report {

    /** One line of the table: the same work done by the service and by raw PostgreSQL. */
    public record Comparison(String name, String what, Measurement ours, Measurement raw, Double goal) {
        public double ratio() {
            return raw.opsPerSecond() == 0 ? Double.NaN : ours.opsPerSecond() / raw.opsPerSecond();
        }
    }

    /** A table of facts that are not a comparison with a baseline (e.g. start-up time and memory per service). */
    public record Table(String title, List<String> header, List<List<String>> rows) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("title", title);
            m.put("header", header);
            m.put("rows", rows);
            return m;
        }
    }

    private final String scenario;
    private final List<Comparison> comparisons = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private final Map<String, Object> details = new LinkedHashMap<>();

    public Report(String scenario) {
        this.scenario = scenario;
    }

    public String scenario() {
        return scenario;
    }

    public void add(Comparison c) {
        comparisons.add(c);
    }

    public List<Comparison> comparisons() {
        return comparisons;
    }

    /** Adds a table: printed, written to the JSON results and published in docs/benchmarks.md. */
    public void table(String title, List<String> header, List<List<String>> rows) {
        tables.add(new Table(title, List.copyOf(header), rows.stream().map(List::copyOf).toList()));
    }

    public List<Table> tables() {
        return tables;
    }

    public void detail(String key, Object value) {
        details.put(key, value);
    }

    /** Keys of details that {@link #print} shows too (lists of lines, or maps of such lists). */
    private final List<String> shown = new ArrayList<>();

    /** A detail that is also printed: a list of lines, or a map whose list values are printed. */
    public void section(String key, Object value) {
        details.put(key, value);
        shown.add(key);
    }

    public void print(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "%-22s %12s %12s %7s %6s %10s %10s %10s %14s%n",
                "scenario", "ours ops/s", "raw ops/s", "ratio", "goal", "ours p50", "ours p99", "raw p50", "errors o/r");
        for (Comparison c : comparisons) {
            out.printf(Locale.ROOT, "%-22s %12.1f %12.1f %7.3f %6s %8.2fms %8.2fms %8.2fms %14s%n",
                    c.name(), c.ours().opsPerSecond(), c.raw().opsPerSecond(), c.ratio(),
                    c.goal() == null ? "-" : String.format(Locale.ROOT, ">=%.1f", c.goal()),
                    c.ours().percentileMillis(0.5), c.ours().percentileMillis(0.99), c.raw().percentileMillis(0.5),
                    c.ours().errorCount() + "/" + c.raw().errorCount());
        }
        out.println();
        out.println("per CPU-second (server = service + PostgreSQL; client = this JVM: load generator, JDBC client, in-JVM Kafka):");
        out.printf(Locale.ROOT, "%-22s %14s %14s %7s %16s %16s%n", "scenario", "ours/server-s", "raw/server-s", "ratio",
                "ours client us/op", "raw client us/op");
        for (Comparison c : comparisons) {
            double o = c.ours().opsPerServerCpuSecond();
            double r = c.raw().opsPerServerCpuSecond();
            out.printf(Locale.ROOT, "%-22s %14.1f %14.1f %7.3f %16.1f %16.1f%n", c.name(), o, r, r > 0 ? o / r : Double.NaN,
                    c.ours().clientCpuMicrosPerOp(), c.raw().clientCpuMicrosPerOp());
        }
        out.println();
        for (Comparison c : comparisons) {
            out.printf(Locale.ROOT, "%s: %s%n", c.name(), c.what());
            for (Measurement m : List.of(c.ours(), c.raw())) {
                out.printf(Locale.ROOT, "  %-5s %d ok in %.2f s, %d errors%s; p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; CPU s %s%n",
                        m == c.ours() ? "ours" : "raw", m.ops(), m.seconds(), m.errorCount(),
                        m.errors().isEmpty() ? "" : " " + m.errors(), m.percentileMillis(0.5), m.percentileMillis(0.9),
                        m.percentileMillis(0.99), m.percentileMillis(1.0), cpu(m.cpuSeconds()));
                for (String s : m.errorSamples()) {
                    out.println("        e.g. " + s);
                }
            }
        }
        for (Table t : tables) {
            out.println();
            out.println(t.title() + ":");
            int[] w = new int[t.header().size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = t.header().get(i).length();
                for (List<String> row : t.rows()) {
                    w[i] = Math.max(w[i], i < row.size() ? row.get(i).length() : 0);
                }
            }
            for (List<String> row : java.util.stream.Stream.concat(java.util.stream.Stream.of(t.header()), t.rows().stream()).toList()) {
                StringBuilder b = new StringBuilder("  ");
                for (int i = 0; i < w.length; i++) {
                    b.append(String.format(Locale.ROOT, "%-" + (w[i] + 2) + "s", i < row.size() ? row.get(i) : ""));
                }
                out.println(b.toString().stripTrailing());
            }
        }
        for (String key : shown) {
            out.println();
            out.println(key + ":");
            printValue(out, details.get(key), "  ");
        }
    }

    private static void printValue(PrintStream out, Object value, String indent) {
        if (value instanceof List<?> list) {
            list.forEach(line -> out.println(indent + line));
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v instanceof List<?> || v instanceof Map<?, ?>) {
                    out.println(indent + k + ":");
                    printValue(out, v, indent + "  ");
                } else {
                    out.println(indent + k + ": " + v);
                }
            });
        } else {
            out.println(indent + value);
        }
    }

    private static String cpu(Map<String, Double> cpu) {
        StringBuilder b = new StringBuilder("{");
        cpu.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=').append(String.format(Locale.ROOT, "%.2f", v)));
        return b.append('}').toString();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        List<Object> rows = new ArrayList<>();
        for (Comparison c : comparisons) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", c.name());
            r.put("what", c.what());
            r.put("oursOpsPerSecond", Measurement.round(c.ours().opsPerSecond(), 1));
            r.put("rawOpsPerSecond", Measurement.round(c.raw().opsPerSecond(), 1));
            r.put("ratio", Measurement.round(c.ratio(), 4));
            r.put("goal", c.goal());
            double o = c.ours().opsPerServerCpuSecond();
            double rw = c.raw().opsPerServerCpuSecond();
            r.put("ratioPerServerCpuSecond", rw > 0 ? Measurement.round(o / rw, 4) : null);
            r.put("ours", c.ours().summary());
            r.put("raw", c.raw().summary());
            rows.add(r);
        }
        m.put("comparisons", rows);
        if (!tables.isEmpty()) {
            m.put("tables", tables.stream().map(Table::toJson).toList());
        }
        m.putAll(details);
        return m;
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJson());
    }
}
