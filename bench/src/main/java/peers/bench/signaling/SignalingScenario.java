package peers.bench.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import peers.bench.Bench;
import peers.bench.CpuMeter;
import peers.bench.Infra;
import peers.bench.Measurement;
import peers.bench.Options;
import peers.bench.Profiler;
import peers.bench.Report;
import peers.bench.Scenario;
import peers.bench.ServiceProcess;
import peers.testing.infra.PeersInfra;

/**
 * signaling, run from its packaged fast-jar, side by side with peerjs-server ({@code npm peer}) and y-webrtc's
 * signaling server on the same machine, in one run. Every target is driven by the same closed-loop load
 * generator, {@code e2e/signaling/load.mjs} (one Node process, the {@code ws} client): {@code sockets}
 * WebSockets in pairs, each pair bouncing a ~{@code payload}-byte signal back and forth. For each socket
 * count the server is started fresh, {@code stage} sockets connect (so the server's connect path is loaded
 * and compiled), the server's resident memory is read from {@code /proc} (after a full GC for the JVM), the
 * rest connect and it is read again: the difference per added socket is the memory per connection. Then the
 * relay is measured:
 * relayed messages per second, per server CPU-second, and one-way latency percentiles.
 *
 * <p>Rows: {@code native} = ours with its native protocol vs peerjs-server; {@code peerjs} = ours' PeerJS
 * endpoint vs peerjs-server (the same wire messages); {@code y-webrtc} = ours' y-webrtc endpoint vs y-webrtc's
 * server. Nothing is asserted.
 */
public final class SignalingScenario implements Scenario {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Targets: what runs, which protocol the generator speaks, and where the socket lives. */
    private static final List<String> ALL_TARGETS = List.of("ours-native", "ours-peerjs", "peerjs-server", "ours-y-webrtc", "y-webrtc-server");

    @Override
    public String name() {
        return "signaling";
    }

    /**
     * The service's JVM options: the heap free ratios of the chart's signaling javaOptions (k8s values.yaml), with
     * a fixed maximum heap instead of its share of a container limit. Add -XX:NativeMemoryTracking=summary to see
     * where the memory of connecting went.
     */
    static final String DEFAULT_JVM_ARGS = "-Xmx1g -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30";

    @Override
    public String description() {
        return "signaling relay throughput, latency and memory per connection at 1k/4k/10k sockets vs peerjs-server and y-webrtc's server";
    }

    @Override
    public String options() {
        return "sockets=1000,4000,10000 targets=" + String.join(",", ALL_TARGETS) + " payload=350 window=1 stage=200 warmup=5s warmupMessages=100000 duration=10s "
                + "relay=true profile=false node=node app=<root>/signaling/target/quarkus-app serverJvmArgs=\"" + DEFAULT_JVM_ARGS + "\" startTimeout=90s";
    }

    @Override
    public Report run(Options o) throws Exception {
        List<Integer> socketCounts = Arrays.stream(o.string("sockets", "1000,4000,10000").split(",")).map(String::trim)
                .map(Integer::parseInt).toList();
        List<String> targets = Arrays.stream(o.string("targets", String.join(",", ALL_TARGETS)).split(",")).map(String::trim).toList();
        for (String t : targets) {
            if (!ALL_TARGETS.contains(t)) {
                throw new Bench.UsageException("unknown target " + t + "; known: " + ALL_TARGETS);
            }
        }
        int payload = o.integer("payload", 350);
        int window = o.integer("window", 1);
        int stage = o.integer("stage", 200);
        Duration warmup = o.duration("warmup", Duration.ofSeconds(5));
        // time alone does not warm a JIT on a busy machine: every server relays this many messages first (at most 120 s)
        int warmupMessages = o.integer("warmupMessages", 100_000);
        Duration duration = o.duration("duration", Duration.ofSeconds(10));
        boolean relay = o.bool("relay", true);
        boolean profile = o.bool("profile", false);
        String node = o.string("node", "node");
        Path app = Path.of(o.string("app", o.rootDir().resolve("signaling/target/quarkus-app").toString()));
        String serverJvmArgs = o.string("serverJvmArgs", DEFAULT_JVM_ARGS);
        Duration startTimeout = o.duration("startTimeout", Duration.ofSeconds(90));
        Path e2e = o.rootDir().resolve("e2e");
        Path generator = e2e.resolve("signaling/load.mjs");
        if (!Files.isRegularFile(generator) || !Files.isDirectory(e2e.resolve("node_modules/ws"))) {
            throw new IllegalStateException(generator + " or e2e/node_modules is missing: run npm ci in e2e/");
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = o.benchDir().resolve("target");
        Report report = new Report(name());
        report.detail("openFilesLimit", openFilesLimit());

        PeersInfra infra = targets.stream().anyMatch(t -> t.startsWith("ours")) ? Infra.start() : null;
        Map<String, Map<Integer, Run>> runs = new LinkedHashMap<>();
        List<String> memory = new ArrayList<>();
        Map<String, Object> profiles = new LinkedHashMap<>();
        for (int sockets : socketCounts) {
            for (String t : targets) {
                Run r = runOne(t, sockets, new Setup(payload, window, stage, warmup, warmupMessages, duration, relay, profile, node, app, serverJvmArgs,
                        startTimeout, e2e, generator, target, stamp, infra));
                runs.computeIfAbsent(t, k -> new LinkedHashMap<>()).put(sockets, r);
                memory.add(String.format(Locale.ROOT, "%-16s %6d sockets: RSS %7.1f MB with %d → %7.1f MB with %d connected: %6.2f KB per connection",
                        t, sockets, r.rssBefore / 1e6, r.staged, r.rssConnected / 1e6, sockets, r.bytesPerConnection() / 1024.0)
                        + (r.heapBefore < 0 ? "" : String.format(Locale.ROOT, " (live Java heap %.2f KB of it)", r.heapPerConnection() / 1024.0)));
                if (r.profile != null) {
                    profiles.put(t + "-" + sockets, r.profile);
                }
                if (r.nativeMemory != null) {
                    report.section("nativeMemoryGrowth-" + t + "-" + sockets, r.nativeMemory);
                }
            }
        }

        for (int sockets : socketCounts) {
            compare(report, runs, "native-" + sockets, "ours-native", "peerjs-server", sockets, 2.0,
                    "signals relayed/s, native protocol (Ed25519-authenticated sockets, signal to a peer key) vs peerjs-server OFFER relay");
            compare(report, runs, "peerjs-" + sockets, "ours-peerjs", "peerjs-server", sockets, 2.0,
                    "OFFER relayed/s through ours' PeerJS endpoint vs peerjs-server, same wire messages");
            compare(report, runs, "y-webrtc-" + sockets, "ours-y-webrtc", "y-webrtc-server", sockets, null,
                    "publishes delivered to the other subscriber/s (both echo to the sender too; echoes not counted)");
        }
        report.section("memoryPerConnection", memory);
        List<List<String>> memoryRows = new ArrayList<>();
        for (String t : targets) {
            List<String> row = new ArrayList<>();
            row.add(t);
            for (int sockets : socketCounts) {
                Run r = runs.getOrDefault(t, Map.of()).get(sockets);
                row.add(r == null ? "–" : String.format(Locale.ROOT, "%.2f KB", r.bytesPerConnection() / 1024.0));
            }
            memoryRows.add(row);
        }
        List<String> memoryHeader = new ArrayList<>();
        memoryHeader.add("server");
        for (int sockets : socketCounts) {
            memoryHeader.add(sockets + " sockets");
        }
        report.table("Memory per connection: growth of the server's RSS from " + stage + " to N connected sockets, divided by the sockets added"
                + " (goal for ours: ≤ 15 KB at 10k)", memoryHeader, memoryRows);
        Map<String, Object> threads = new LinkedHashMap<>();
        runs.forEach((t, bySockets) -> bySockets.forEach((n, r) -> {
            if (!r.threadCpu.isEmpty()) {
                threads.put(t + "-" + n, r.threadCpu);
            }
        }));
        report.section("serverThreadCpu", threads);
        if (!profiles.isEmpty()) {
            report.section("profiles", profiles);
        }
        return report;
    }

    private static void compare(Report report, Map<String, Map<Integer, Run>> runs, String name, String ours, String peer, int sockets,
            Double goal, String what) {
        Run o = runs.getOrDefault(ours, Map.of()).get(sockets);
        Run p = runs.getOrDefault(peer, Map.of()).get(sockets);
        if (o != null && p != null) {
            report.add(new Report.Comparison(name, what + "; " + sockets + " sockets, " + ours + " vs " + peer, o.measurement, p.measurement, goal));
        }
    }

    record Setup(int payload, int window, int stage, Duration warmup, int warmupMessages, Duration duration, boolean relay, boolean profile, String node, Path app,
            String serverJvmArgs, Duration startTimeout, Path e2e, Path generator, Path target, String stamp, PeersInfra infra) {
    }

    static final class Run {
        Measurement measurement;
        long rssBefore;
        long rssConnected;
        /** Java heap in use after a full GC (JVM servers only), bytes; -1 otherwise. */
        long heapBefore = -1;
        long heapConnected = -1;
        int sockets;
        int staged;
        List<String> threadCpu = List.of();
        Object profile;
        /** jcmd VM.native_memory summary.diff from before to after connecting, when the server runs with NMT. */
        List<String> nativeMemory;

        double bytesPerConnection() {
            return sockets == staged ? Double.NaN : (double) (rssConnected - rssBefore) / (sockets - staged);
        }

        double heapPerConnection() {
            return sockets == staged || heapBefore < 0 ? Double.NaN : (double) (heapConnected - heapBefore) / (sockets - staged);
        }
    }

    /** A server under test: its process, the URL the generator connects to and the protocol it speaks. */
    private record Server(String name, ProcessHandle process, String url, String proto, boolean jvm, AutoCloseable stop) {
    }

    private Run runOne(String t, int sockets, Setup s) throws Exception {
        System.out.printf("%s, %d sockets: starting%n", t, sockets);
        Path logs = s.target.resolve("logs");
        Files.createDirectories(logs);
        try (Closer closer = new Closer()) {
            Server server = start(t, s, logs, closer);
            Run run = new Run();
            run.sockets = sockets;
            Path samples = s.target.resolve("signaling-" + s.stamp + "-" + t + "-" + sockets + ".samples");
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", "ulimit -n $(ulimit -Hn); exec \"$@\"", "sh", s.node,
                    s.generator.toString(), "proto=" + server.proto, "url=" + server.url, "sockets=" + sockets, "payload=" + s.payload,
                    "window=" + s.window, "warmup=" + s.warmup.toMillis() / 1000.0, "warmupMessages=" + s.warmupMessages, "duration=" + s.duration.toMillis() / 1000.0,
                    "stage=" + s.stage, "samplesFile=" + samples));
            Process gen = new ProcessBuilder(cmd).directory(s.e2e.toFile()).redirectError(logs.resolve("signaling-generator-" + s.stamp + ".err")
                    .toFile()).start();
            closer.add(() -> {
                gen.destroy();
                gen.waitFor(5, TimeUnit.SECONDS);
                gen.destroyForcibly();
            });
            BufferedReader lines = new BufferedReader(new InputStreamReader(gen.getInputStream(), StandardCharsets.UTF_8));
            OutputStream stdin = gen.getOutputStream();
            int staged = s.stage > 0 && s.stage < sockets ? s.stage & ~1 : 0;
            if (staged > 0) {
                await(lines, "staged");
                settle(server);
                stdin.write("more\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            } else {
                settle(server);
            }
            run.rssBefore = rss(server.process.pid());
            run.heapBefore = server.jvm ? heapUsed(server.process.pid()) : -1;
            boolean nmt = server.jvm && s.serverJvmArgs.contains("NativeMemoryTracking");
            if (nmt) {
                Profiler.jcmd(server.process.pid(), "VM.native_memory", "baseline");
            }
            run.staged = staged;
            JsonNode connected = await(lines, "connected");
            System.out.printf("%s, %d sockets: connected in %d ms%n", t, sockets, connected.path("millis").asLong());
            settle(server);
            run.rssConnected = rss(server.process.pid());
            run.heapConnected = server.jvm ? heapUsed(server.process.pid()) : -1;
            if (nmt) {
                // where the growth went, by JVM subsystem (-XX:NativeMemoryTracking=summary in serverJvmArgs)
                run.nativeMemory = List.of(Profiler.jcmd(server.process.pid(), "VM.native_memory", "summary.diff", "scale=KB").split("\n"));
                System.out.printf("%s, %d sockets: native memory growth while connecting:%n%s%n", t, sockets, String.join("\n", run.nativeMemory));
            }
            CpuMeter cpu = new CpuMeter();
            cpu.addService("server", server.process);
            stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            await(lines, "measure-start");
            Map<String, Double> cpu0 = cpu.snapshot();
            Map<String, Double> threads0 = CpuMeter.threads(server.process.pid());
            Profiler profiler = s.profile && server.jvm ? Profiler.start(server.process.pid(),
                    s.target.resolve("results/signaling-" + s.stamp + "-" + t + "-" + sockets + ".jfr")) : null;
            await(lines, "measure-end");
            Map<String, Double> cpu1 = cpu.snapshot();
            Map<String, Double> threads1 = CpuMeter.threads(server.process.pid());
            if (profiler != null) {
                run.profile = Profiler.summarize(profiler.stop(), 30);
            }
            JsonNode result = await(lines, "result");
            gen.waitFor(30, TimeUnit.SECONDS);
            double generatorCpu = result.path("generatorCpuSeconds").asDouble();
            Map<String, Double> used = new LinkedHashMap<>();
            used.put("bench-jvm", generatorCpu); // the client side: here the generator process
            used.put("server", cpu1.get("server") - cpu0.get("server"));
            Map<String, Long> errors = new LinkedHashMap<>();
            result.path("errors").fields().forEachRemaining(e -> errors.put(e.getKey(), e.getValue().asLong()));
            List<String> errorSamples = new ArrayList<>();
            result.path("errorSamples").forEach(e -> errorSamples.add(e.asText()));
            run.measurement = new Measurement(t, result.path("relayed").asLong(), errors, errorSamples, result.path("seconds").asDouble(),
                    latencies(samples), used);
            Files.deleteIfExists(samples);
            if (server.jvm) {
                run.threadCpu = CpuMeter.topDelta(threads0, threads1, 8);
            }
            System.out.printf(Locale.ROOT, "%s, %d sockets: %.0f relayed/s, %.0f per server CPU-s, p50 %.2f ms, p99 %.2f ms, %.2f KB/connection"
                    + " (after a warm-up of %d messages in %.0f s)%n",
                    t, sockets, run.measurement.opsPerSecond(), run.measurement.opsPerServerCpuSecond(),
                    run.measurement.percentileMillis(0.5), run.measurement.percentileMillis(0.99), run.bytesPerConnection() / 1024,
                    result.path("warmupRelayed").asLong(), result.path("warmupSeconds").asDouble());
            return run;
        }
    }

    private Server start(String t, Setup s, Path logs, Closer closer) throws Exception {
        Path log = logs.resolve("signaling-" + s.stamp + "-" + t + ".log");
        switch (t) {
            case "ours-native", "ours-peerjs", "ours-y-webrtc" -> {
                Map<String, String> env = Infra.serviceEnvironment(s.infra);
                Map<String, String> props = new LinkedHashMap<>();
                for (String limit : List.of("signal.connection", "signal.key")) {
                    props.put("peers.rate-limits.\"" + limit + "\".capacity", "1000000000");
                }
                props.put("peers.signaling.relay.enabled", Boolean.toString(s.relay));
                // connecting 10k sockets on a busy machine can take longer than the idle timeout: the first ones must stay
                props.put("peers.signaling.idle-timeout", "10m");
                List<String> jvmArgs = s.serverJvmArgs.isBlank() ? List.of() : List.of(s.serverJvmArgs.trim().split("\\s+"));
                ServiceProcess service = ServiceProcess.start("signaling", s.app, s.target.resolve("apps/signaling"), env, props, jvmArgs, log);
                closer.add(service);
                service.awaitReady(s.startTimeout);
                String ws = "ws://127.0.0.1:" + service.httpPort();
                return switch (t) {
                    case "ours-native" -> new Server(t, service.handle(), ws + "/signal/v1/ws", "native", true, service);
                    case "ours-peerjs" -> new Server(t, service.handle(), ws + "/signal/v1/peerjs/", "peerjs", true, service);
                    default -> new Server(t, service.handle(), ws + "/signal/v1/y-webrtc", "ywebrtc", true, service);
                };
            }
            case "peerjs-server" -> {
                int port = ServiceProcess.freePort();
                Process p = node(s, log, Map.of(), s.e2e.resolve("node_modules/peer/dist/bin/peerjs.js").toString(), "--port",
                        Integer.toString(port), "--host", "127.0.0.1", "--concurrent_limit", "100000", "--alive_timeout", "600000");
                closer.add(() -> stop(p));
                awaitPort(port, p, log);
                return new Server(t, p.toHandle(), "ws://127.0.0.1:" + port + "/", "peerjs", false, null);
            }
            default -> {
                int port = ServiceProcess.freePort();
                Process p = node(s, log, Map.of("PORT", Integer.toString(port)), s.e2e.resolve("node_modules/y-webrtc/bin/server.js").toString());
                closer.add(() -> stop(p));
                awaitPort(port, p, log);
                return new Server(t, p.toHandle(), "ws://127.0.0.1:" + port, "ywebrtc", false, null);
            }
        }
    }

    /** A Node server with the open-files limit raised to the hard limit (10k sockets need more than many defaults). */
    private static Process node(Setup s, Path log, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "ulimit -n $(ulimit -Hn); exec \"$@\"", "sh", s.node));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(s.e2e.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void awaitPort(int port, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("server exited; log " + log + ":\n" + Files.readString(log));
            }
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("server not listening on " + port + " within 30 s; log " + log);
    }

    /** Lets the server finish what connecting started; the JVM gets a full GC so its RSS shows live memory. */
    private static void settle(Server server) throws Exception {
        Thread.sleep(1500);
        if (server.jvm) {
            Profiler.jcmd(server.process.pid(), "GC.run");
            Thread.sleep(500);
        }
    }

    private static JsonNode await(BufferedReader lines, String event) throws IOException {
        String line;
        while ((line = lines.readLine()) != null) {
            JsonNode n = JSON.readTree(line);
            if (event.equals(n.path("event").asText())) {
                return n;
            }
            if ("failed".equals(n.path("event").asText())) {
                throw new IllegalStateException("load generator failed: " + n.path("message").asText());
            }
        }
        throw new IllegalStateException("load generator ended before '" + event + "'");
    }

    private static long[] latencies(Path samples) throws IOException {
        if (!Files.exists(samples)) {
            return new long[0];
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(samples)).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[b.remaining() / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.round(b.getDouble() * 1e6);
        }
        Arrays.sort(out);
        return out;
    }

    /** Java heap in use (after the full GC of {@link #settle}), in bytes, from {@code jcmd GC.heap_info}. */
    static long heapUsed(long pid) throws IOException, InterruptedException {
        var m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(Profiler.jcmd(pid, "GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    /** Resident set size of a process, in bytes, from /proc. */
    static long rss(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    private static String openFilesLimit() {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files")).findFirst()
                    .orElse("?").replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "?";
        }
    }

    /** Stops what a run started, last first. */
    private static final class Closer implements AutoCloseable {
        private final List<AutoCloseable> things = new ArrayList<>();

        void add(AutoCloseable c) {
            things.add(c);
        }

        @Override
        public void close() throws Exception {
            for (int i = things.size() - 1; i >= 0; i--) {
                try {
                    things.get(i).close();
                } catch (Exception e) {
                    System.err.println("stopping: " + e);
                }
            }
        }
    }
}
