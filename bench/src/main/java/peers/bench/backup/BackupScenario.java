package peers.bench.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import peers.bench.CpuMeter;
import peers.bench.Infra;
import peers.bench.Measurement;
import peers.bench.Options;
import peers.bench.Profiler;
import peers.bench.Report;
import peers.bench.Scenario;
import peers.bench.ServiceProcess;
import peers.bench.SignedRequests;
import peers.common.identity.PeerKey;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.TestS3;

/**
 * backup-service's restic endpoint, run from its packaged fast-jar against embedded PostgreSQL, Kafka and
 * S3Proxy, side by side in one run with two peers doing the same work on the same machine:
 *
 * <ol>
 *   <li><b>ours</b>: {@code restic backup} of {@code sizeMiB} MiB of generated files in {@code files} files to
 *       {@code rest:http://<token>@…/backup/restic/<repo>/} (backup-service → S3Proxy);
 *   <li><b>s3-direct</b>: the same backup to {@code s3:http://<S3Proxy>/<bucket>} (restic → S3Proxy directly:
 *       the baseline; goal ours ≥ 0.9 of it);
 *   <li><b>rclone-local</b>: the same backup to {@code rclone serve restic} on local disk.
 * </ol>
 *
 * Each target gets a fresh repository ({@code restic init}, unmeasured); the measured number is the wall time
 * of {@code restic backup} (MiB/s of source data). File contents are pseudo-random (incompressible, no
 * duplicate chunks). Before measuring, {@code warmupMiB} MiB are backed up through the service unmeasured (a fresh JVM
 * runs its first blobs interpreted: 9 MiB/s cold vs 17 warm in a first run here). Nothing is asserted.
 */
public final class BackupScenario implements Scenario {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "bench-password";

    @Override
    public String name() {
        return "backup";
    }

    @Override
    public String description() {
        return "restic backup through backup-service -> S3Proxy vs restic -> S3Proxy directly vs rclone serve restic (local disk); MiB/s and ratios";
    }

    @Override
    public String options() {
        return "sizeMiB=256 files=16 warmupMiB=32 rounds=1 profile=false app=<root>/backup-service/target/quarkus-app";
    }

    @Override
    public Report run(Options options) throws Exception {
        int sizeMiB = options.integer("sizeMiB", 256);
        int files = Math.max(1, options.integer("files", 16));
        int rounds = Math.max(1, options.integer("rounds", 1));
        int warmupMiB = Math.max(0, options.integer("warmupMiB", 32));
        boolean profile = options.bool("profile", false);
        Path app = Path.of(options.string("app", options.rootDir().resolve("backup-service/target/quarkus-app").toString()));
        Path work = options.benchDir().resolve("target/backup-bench");
        deleteTree(work);
        Files.createDirectories(work);

        Infra.start();
        PeersInfra infra = PeersInfra.get(EnumSet.allOf(PeersInfra.Part.class));
        TestS3 s3 = infra.s3();
        System.out.printf("S3Proxy at %s%n", s3.endpoint());

        Path data = work.resolve("data");
        long t0 = System.nanoTime();
        generate(data, sizeMiB, files);
        System.out.printf("generated %d MiB in %d files (%d ms)%n", sizeMiB, files, (System.nanoTime() - t0) / 1_000_000);

        Map<String, String> env = Infra.serviceEnvironment(infra);
        env.put("PEERS_S3_ENDPOINT", s3.endpoint());
        env.put("PEERS_S3_ACCESS_KEY", s3.accessKey());
        env.put("PEERS_S3_SECRET_KEY", s3.secretKey());
        env.put("PEERS_S3_REGION", s3.region());
        env.put("PEERS_S3_PATH_STYLE", "true");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("peers.backup.free.bytes", Long.toString(1L << 50));
        props.put("peers.rate-limits.\"backup.write\".capacity", "1000000000");
        props.put("peers.rate-limits.\"backup.restic\".capacity", "1000000000");
        Report report = new Report(name());
        List<String> lines = new ArrayList<>();
        try (ServiceProcess service = ServiceProcess.start("backup-service", app, options.benchDir().resolve("target/apps/backup-service"), env, props,
                List.of("-Xmx512m"), options.benchDir().resolve("target/logs/backup-service.log"))) {
            service.awaitReady(Duration.ofSeconds(120));
            CpuMeter cpu = new CpuMeter();
            cpu.addService("backup-service", service.handle());
            cpu.addService("s3proxy", ProcessHandle.of(s3.pid()).orElseThrow());

            KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            String keyId = PeerKey.of(keys.getPublic()).toString();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            if (warmupMiB > 0) {
                // A fresh service JVM runs its first blobs interpreted: warm its JIT (and S3Proxy's, used by both sides) unmeasured.
                Path warm = work.resolve("warmup");
                generate(warm, warmupMiB, 2);
                String warmRepo = resticRepo(http, service, keyId, keys, "warmup");
                backup("warmup", warmRepo, Map.of(), warm, warmupMiB, work, cpu);
                deleteTree(warm);
            }

            Measurement ours = null;
            Measurement direct = null;
            Measurement rclone = null;
            Map<String, Object> profileSummary = null;
            for (int round = 0; round < rounds; round++) {
                // ours
                String oursRepo = resticRepo(http, service, keyId, keys, "bench-" + round);
                Profiler profiler = profile ? Profiler.start(service.pid(), work.resolve("backup-service.jfr")) : null;
                Measurement m = backup("backup-service", oursRepo, Map.of(), data, sizeMiB, work, cpu);
                if (profiler != null) {
                    profileSummary = Profiler.summarize(profiler.stop(), 25);
                }
                ours = best(ours, m);
                lines.add(line(m));

                // restic -> S3Proxy directly
                Map<String, String> awsEnv = Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey(),
                        "AWS_DEFAULT_REGION", s3.region());
                m = backup("s3-direct", "s3:" + s3.endpoint() + "/bench-direct-" + round + "-" + System.nanoTime(), awsEnv, data, sizeMiB, work, cpu);
                direct = best(direct, m);
                lines.add(line(m));

                // rclone serve restic on local disk
                int port = ServiceProcess.freePort();
                Path rcloneDir = work.resolve("rclone-" + round);
                Files.createDirectories(rcloneDir);
                Process rcloneProc = new ProcessBuilder("rclone", "serve", "restic", "--addr", "127.0.0.1:" + port, rcloneDir.toString())
                        .redirectErrorStream(true).redirectOutput(work.resolve("rclone.log").toFile()).start();
                try {
                    awaitPort(port);
                    cpu.addService("rclone", rcloneProc.toHandle());
                    m = backup("rclone-local", "rest:http://127.0.0.1:" + port + "/", Map.of(), data, sizeMiB, work, cpu);
                    rclone = best(rclone, m);
                    lines.add(line(m));
                } finally {
                    rcloneProc.destroy();
                    rcloneProc.waitFor(10, TimeUnit.SECONDS);
                }
            }
            String what = "restic backup of " + sizeMiB + " MiB in " + files + " files; 'ops' are MiB of source data (ops/s = MiB/s)";
            report.add(new Report.Comparison("vs-s3-direct", what + "; raw = restic -> S3Proxy directly", ours, direct, 0.9));
            report.add(new Report.Comparison("vs-rclone-local", what + "; raw = rclone serve restic on local disk", ours, rclone, null));
            lines.add(String.format(Locale.ROOT, "ratio ours / s3-direct = %.3f (goal >= 0.9); ours / rclone-local = %.3f",
                    ours.opsPerSecond() / direct.opsPerSecond(), ours.opsPerSecond() / rclone.opsPerSecond()));
            report.section("runs", lines);
            if (profileSummary != null) {
                report.section("profile (backup-service during its backup)", profileSummary);
            }
        } finally {
            deleteTree(data);
        }
        return report;
    }

    /** A fresh repository and a read-write token; the restic repository URL for them. */
    private static String resticRepo(HttpClient http, ServiceProcess service, String keyId, KeyPair keys, String name)
            throws IOException, InterruptedException {
        JsonNode repo = call(http, SignedRequests.build("POST", service.baseUri().resolve("/backup/v1/repos"),
                "{\"name\":\"" + name + "-" + System.nanoTime() + "\"}", keyId, keys.getPrivate(), Duration.ofSeconds(30)), 201);
        String repoId = repo.get("id").asText();
        JsonNode token = call(http, SignedRequests.build("POST", service.baseUri().resolve("/backup/v1/repos/" + repoId + "/tokens"),
                "{\"mode\":\"read-write\"}", keyId, keys.getPrivate(), Duration.ofSeconds(30)), 201);
        return "rest:http://" + token.get("id").asText() + ":" + token.get("secret").asText() + "@127.0.0.1:" + service.httpPort()
                + "/backup/restic/" + repoId + "/";
    }

    private static Measurement best(Measurement a, Measurement b) {
        return a == null || b.opsPerSecond() > a.opsPerSecond() ? b : a;
    }

    private static String line(Measurement m) {
        return String.format(Locale.ROOT, "%-15s %8.1f MiB/s  (%d MiB in %.2f s)  CPU s %s", m.label(), m.opsPerSecond(), m.ops(), m.seconds(), m.cpuSeconds());
    }

    private static Measurement backup(String label, String repository, Map<String, String> env, Path data, int sizeMiB, Path work,
            CpuMeter cpu) throws Exception {
        restic(repository, env, work, "init");
        Map<String, Double> before = cpu.snapshot();
        long t0 = System.nanoTime();
        restic(repository, env, work, "backup", "--quiet", data.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> used = CpuMeter.delta(before, cpu.snapshot());
        System.out.printf(Locale.ROOT, "%s: %.1f MiB/s%n", label, sizeMiB / seconds);
        return new Measurement(label, sizeMiB, Map.of(), List.of(), seconds, new long[0], used);
    }

    private static void restic(String repository, Map<String, String> env, Path work, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("restic", "--no-cache"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("RESTIC_REPOSITORY", repository);
        pb.environment().put("RESTIC_PASSWORD", PASSWORD);
        pb.environment().put("HOME", work.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("restic " + String.join(" ", args) + " failed:\n" + out);
        }
    }

    private static JsonNode call(HttpClient http, HttpRequest request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** {@code sizeMiB} MiB of pseudo-random bytes in {@code files} files. */
    static void generate(Path dir, int sizeMiB, int files) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(42);
        long total = (long) sizeMiB << 20;
        byte[] buf = new byte[1 << 20];
        for (int f = 0; f < files; f++) {
            long size = total / files + (f == files - 1 ? total % files : 0);
            try (OutputStream out = Files.newOutputStream(dir.resolve("file-" + f + ".bin"))) {
                long left = size;
                while (left > 0) {
                    for (int i = 0; i < buf.length; i += 8) {
                        long v = random.nextLong();
                        for (int k = 0; k < 8; k++) {
                            buf[i + k] = (byte) (v >>> (8 * k));
                        }
                    }
                    int n = (int) Math.min(left, buf.length);
                    out.write(buf, 0, n);
                    left -= n;
                }
            }
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("rclone did not listen on " + port);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
