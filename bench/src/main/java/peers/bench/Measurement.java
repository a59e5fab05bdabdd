package peers.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one side of a comparison did: successful operations over the measured wall time, errors by kind,
 * latency percentiles of successful operations, and the CPU time the processes involved used meanwhile.
 *
 * @param ops successful operations inside the measured window
 * @param errors failed operations inside the window, by kind (HTTP status or exception class)
 * @param errorSamples the first few error messages
 * @param seconds length of the measured window
 * @param latenciesNanos sorted latencies of the successful operations
 * @param cpuSeconds CPU seconds used during the window, by process (filled in by the scenario)
 */
public record Measurement(String label, long ops, Map<String, Long> errors, List<String> errorSamples, double seconds,
        long[] latenciesNanos, Map<String, Double> cpuSeconds) {

    public double opsPerSecond() {
        return seconds <= 0 ? 0 : ops / seconds;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public double errorRate() {
        long all = ops + errorCount();
        return all == 0 ? 0 : (double) errorCount() / all;
    }

    /** Operations per CPU-second of every process but this JVM (the service and PostgreSQL); NaN when unknown. */
    public double opsPerServerCpuSecond() {
        double server = cpuSeconds.entrySet().stream().filter(e -> !e.getKey().equals("bench-jvm")).mapToDouble(Map.Entry::getValue).sum();
        return server > 0 ? ops / server : Double.NaN;
    }

    /** CPU microseconds this JVM (client side, plus the in-JVM Kafka) spent per operation. */
    public double clientCpuMicrosPerOp() {
        Double c = cpuSeconds.get("bench-jvm");
        return c == null || ops == 0 ? Double.NaN : c * 1e6 / ops;
    }

    /** The latency at quantile q (0..1) in milliseconds, nearest rank; NaN without samples. */
    public double percentileMillis(double q) {
        if (latenciesNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * latenciesNanos.length);
        int idx = Math.min(latenciesNanos.length - 1, Math.max(0, rank - 1));
        return latenciesNanos[idx] / 1e6;
    }

    public double meanMillis() {
        return latenciesNanos.length == 0 ? Double.NaN : Arrays.stream(latenciesNanos).average().orElse(0) / 1e6;
    }

    public Measurement withCpu(Map<String, Double> cpu) {
        return new Measurement(label, ops, errors, errorSamples, seconds, latenciesNanos, cpu);
    }

    /** JSON-friendly summary (no raw latencies). */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", label);
        m.put("ops", ops);
        m.put("seconds", round(seconds, 3));
        m.put("opsPerSecond", round(opsPerSecond(), 1));
        m.put("errors", errorCount());
        m.put("errorRate", errorRate());
        m.put("errorsByKind", errors);
        m.put("errorSamples", errorSamples);
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("mean", round(meanMillis(), 3));
        lat.put("p50", round(percentileMillis(0.50), 3));
        lat.put("p90", round(percentileMillis(0.90), 3));
        lat.put("p99", round(percentileMillis(0.99), 3));
        lat.put("p999", round(percentileMillis(0.999), 3));
        lat.put("max", round(percentileMillis(1.0), 3));
        m.put("latencyMillis", lat);
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpuSeconds.forEach((k, v) -> cpu.put(k, round(v, 3)));
        m.put("cpuSeconds", cpu);
        m.put("opsPerServerCpuSecond", round(opsPerServerCpuSecond(), 1));
        m.put("clientCpuMicrosPerOp", round(clientCpuMicrosPerOp(), 1));
        return m;
    }

    static Object round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
