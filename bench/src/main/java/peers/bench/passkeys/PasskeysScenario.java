package peers.bench.passkeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import peers.bench.Bench;
import peers.bench.CpuMeter;
import peers.bench.Infra;
import peers.bench.Load;
import peers.bench.Measurement;
import peers.bench.Options;
import peers.bench.Profiler;
import peers.bench.Report;
import peers.bench.Scenario;
import peers.bench.ServiceProcess;
import peers.testing.infra.PeersInfra;

/**
 * managed-keys: passkey logins (assertion verifications) per second through the service — POST
 * /auth/v1/authentications: HTTP and JSON, the signed login challenge recomputed from the ceremony id,
 * WebAuthn4J verification, then one statement that spends the challenge, checks and advances the
 * counter and inserts a session — side by side with a raw WebAuthn4J loop doing what a minimal server
 * does per login (parse the AuthenticationResponseJSON, verify it against the fresh random challenge it
 * issued for that login and took out of its in-memory store), in one run.
 *
 * <p>Same authenticator kind and algorithm on both sides; the client's work is excluded from both:
 * assertions are signed before the clock starts (the service's challenges come from its options endpoint
 * beforehand, the raw side's from SecureRandom). "Per server CPU-second" compares the CPU of the
 * service and PostgreSQL with the CPU of the raw loop's process (it is its own server and has no client);
 * the HTTP client's CPU is shown apart. Each side first warms up in rounds of {@code warmup} fresh logins until the
 * JIT compilers of the JVMs doing its work are quiet ({@link Load#untilQuiet}, at most {@code maxWarmup}).
 */
public class PasskeysScenario implements Scenario {

    static final String ORIGIN = "https://app.bench.test";
    static final String RP_ID = "bench.test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RAW_CPU = "raw-loop (bench JVM)";

    @Override
    public String name() {
        return "passkeys";
    }

    @Override
    public String description() {
        return "managed-keys: passkey assertion verifications/s through the service vs a raw WebAuthn4J verification loop";
    }

    @Override
    public String options() {
        return "assertions=20000 concurrency=16 passkeys=64 alg=es256|eddsa warmup=5000 maxWarmup=120s profile=false app=<managed-keys/target/quarkus-app> serverJvmArgs= startTimeout=90s";
    }

    @Override
    public Report run(Options o) throws Exception {
        int total = o.integer("assertions", 20_000);
        int clients = o.integer("concurrency", 16);
        int passkeys = o.integer("passkeys", 64);
        // logins per warm-up round; rounds run until the JIT compilers are quiet (Load.untilQuiet), for at most maxWarmup
        int warmup = o.integer("warmup", 5_000);
        Duration maxWarmup = o.duration("maxWarmup", Duration.ofSeconds(120));
        boolean profile = o.bool("profile", false);
        boolean eddsa = switch (o.string("alg", "es256")) {
            case "es256" -> false;
            case "eddsa" -> true;
            default -> throw new Bench.UsageException("alg must be es256 or eddsa");
        };
        Path app = Path.of(o.string("app", o.rootDir().resolve("managed-keys/target/quarkus-app").toString()));
        String serverJvmArgs = o.string("serverJvmArgs", "");
        Duration startTimeout = o.duration("startTimeout", Duration.ofSeconds(90));
        if (total < 1 || clients < 1 || passkeys < 1 || warmup < 1) {
            throw new Bench.UsageException("assertions, concurrency, passkeys and warmup must be positive");
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = o.benchDir().resolve("target");
        Report report = new Report(name());

        PeersInfra infra = Infra.start();
        Map<String, String> env = Infra.serviceEnvironment(infra);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("peers.auth.rp-id", RP_ID);
        props.put("peers.auth.origins", ORIGIN);
        // The challenges are fetched before the measured part: keep them valid for the whole run.
        props.put("peers.auth.ceremony-ttl", "30m");
        props.put("peers.rate-limits.\"auth.ceremony\".capacity", "100000000");
        props.put("quarkus.log.level", "WARN");
        List<String> jvmArgs = serverJvmArgs.isBlank() ? List.of() : List.of(serverJvmArgs.trim().split("\\s+"));
        Path serviceLog = target.resolve("logs/managed-keys-" + stamp + ".log");
        long t0 = System.nanoTime();
        try (ServiceProcess service = ServiceProcess.start("managed-keys", app, target.resolve("apps/managed-keys"), env, props, jvmArgs, serviceLog)) {
            service.awaitReady(startTimeout);
            System.out.printf("managed-keys: pid %d at %s, ready in %d ms (log %s)%n", service.pid(), service.baseUri(), (System.nanoTime() - t0) / 1_000_000,
                    serviceLog);
            report.detail("serviceLog", serviceLog.toString());
            report.detail("serviceProperties", props);
            CpuMeter cpu = new CpuMeter();
            cpu.addPostgres(infra.postgres().dataDirectory());
            cpu.addService("managed-keys", service.handle());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                    .executor(Runnable::run).build();
            String base = service.baseUri().toString().replaceAll("/$", "");

            // --- accounts: one passkey each, registered through the service ---------------------------------
            List<SoftPasskey> keys = new ArrayList<>();
            List<String> accounts = new ArrayList<>();
            for (int i = 0; i < passkeys; i++) {
                SoftPasskey p = new SoftPasskey(eddsa, ORIGIN, RP_ID);
                JsonNode opts = post(http, base + "/auth/v1/registrations/options", Map.of("appId", "bench"), 200);
                String challenge = opts.at("/publicKey/challenge").asText();
                var identity = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                byte[] spki = identity.getPublic().getEncoded();
                Signature sig = Signature.getInstance("Ed25519");
                sig.initSign(identity.getPrivate());
                sig.update(("peers-auth-signup/v1\n" + challenge).getBytes(StandardCharsets.UTF_8));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("ceremonyId", opts.get("ceremonyId").asText());
                body.put("credential", p.create(challenge, opts.at("/publicKey/user/id").asText()));
                body.put("identityKey", SoftPasskey.b64u(java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length)));
                body.put("identityProof", SoftPasskey.b64u(sig.sign()));
                body.put("mode", "prf");
                accounts.add(post(http, base + "/auth/v1/registrations", body, 201).get("accountId").asText());
                keys.add(p);
            }

            // --- inputs, prepared before the clock: service challenges, raw challenges, all signed ----------
            RawWebAuthn4J raw = new RawWebAuthn4J(app.resolve("lib/main"), ORIGIN, RP_ID);
            List<Object> records = new ArrayList<>();
            for (SoftPasskey p : keys) {
                records.add(raw.record(p.attestedCredentialData()));
            }
            RawLogins rawLogins = new RawLogins(raw, keys, records);
            int threads = Runtime.getRuntime().availableProcessors();

            // --- warm-up of both sides (JIT) in rounds of fresh logins, then the measured runs ---------------
            long bench = ProcessHandle.current().pid();
            report.detail("warmUp-ours", Load.untilQuiet("logins, ours", Duration.ZERO, maxWarmup, () -> {
                List<String> round = prepareServiceLogins(http, base, keys, accounts, warmup, clients);
                Load.count("warm-ours", warmup, clients, (c, i) -> login(http, base, round.get((int) i)));
            }, service.pid(), bench));
            report.detail("warmUp-raw", Load.untilQuiet("logins, raw", Duration.ZERO, maxWarmup, () -> {
                Load.Op round = rawLogins.prepare(warmup);
                Load.count("warm-raw", warmup, threads, round);
            }, bench));

            long p0 = System.nanoTime();
            List<String> bodies = prepareServiceLogins(http, base, keys, accounts, total, clients);
            report.detail("optionsPerSecondDuringPreparation", Math.round(total / ((System.nanoTime() - p0) / 1e9)));
            Load.Op rawLogin = rawLogins.prepare(total);

            Map<String, Double> c0 = cpu.snapshot();
            Map<String, Double> th0 = CpuMeter.threads(service.pid());
            Profiler profiler = profile ? Profiler.start(service.pid(), target.resolve("results/passkeys-" + stamp + ".jfr")) : null;
            Measurement ours = Load.count("managed-keys", total, clients, (c, i) -> login(http, base, bodies.get((int) i)));
            ours = ours.withCpu(CpuMeter.delta(c0, cpu.snapshot()));
            if (profiler != null) {
                report.section("profileLogin", Profiler.summarize(profiler.stop(), 40));
            }
            report.section("serviceThreadCpuLogin", CpuMeter.topDelta(th0, CpuMeter.threads(service.pid()), 10));
            c0 = cpu.snapshot();
            Measurement rawM = Load.count("raw WebAuthn4J", total, threads, rawLogin);
            Map<String, Double> rawCpu = CpuMeter.delta(c0, cpu.snapshot());
            // The raw loop is the server of its side: its JVM's CPU is that side's server CPU (and it has no
            // client), so "per server CPU-second" compares service + PostgreSQL with the raw loop's process.
            rawM = rawM.withCpu(Map.of(RAW_CPU, rawCpu.getOrDefault("bench-jvm", 0.0)));
            report.add(new Report.Comparison("passkey login", "POST /auth/v1/authentications (" + (eddsa ? "EdDSA" : "ES256")
                    + ", none attestation, UV; signed challenge checked, spent with the counter update and the new session in one statement) vs "
                    + "WebAuthnManager.verifyAuthenticationResponseJSON (parse + verify, fresh single-use in-memory challenge) in a loop on "
                    + Runtime.getRuntime().availableProcessors() + " threads", ours, rawM, 0.8));
            report.section("cpuPerLogin", cpuPerLogin(ours, rawM));
            report.detail("passkeys", passkeys);
            report.detail("concurrency", clients);
        }
        return report;
    }

    /**
     * The raw side's logins: per login a fresh random challenge, kept by the "server" until its single use, and
     * the AuthenticationResponseJSON the client sends (same form as the service receives).
     */
    private static final class RawLogins {
        private final java.security.SecureRandom random = new java.security.SecureRandom();
        private final RawWebAuthn4J raw;
        private final List<SoftPasskey> keys;
        private final List<Object> records;

        RawLogins(RawWebAuthn4J raw, List<SoftPasskey> keys, List<Object> records) {
            this.raw = raw;
            this.keys = keys;
            this.records = records;
        }

        /** {@code n} logins signed beforehand, as an operation over {@code 0 .. n-1} that verifies login i. */
        Load.Op prepare(int n) throws Exception {
            Map<Integer, byte[]> issued = new java.util.concurrent.ConcurrentHashMap<>();
            List<String> bodies = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] challenge = new byte[32];
                random.nextBytes(challenge);
                issued.put(i, challenge);
                SoftPasskey p = keys.get(i % keys.size());
                bodies.add(JSON.writeValueAsString(p.assertionJson(p.assertion(SoftPasskey.b64u(challenge)))));
            }
            return (c, i) -> {
                byte[] challenge = issued.remove((int) i);
                if (challenge == null) {
                    throw new IllegalStateException("challenge " + i + " was used already");
                }
                raw.verifyJson(records.get((int) i % keys.size()), bodies.get((int) i), challenge);
            };
        }
    }

    /** CPU microseconds per login on each side, by process: where the gap between the two comes from. */
    static List<String> cpuPerLogin(Measurement ours, Measurement raw) {
        List<String> lines = new ArrayList<>();
        for (Measurement m : List.of(ours, raw)) {
            StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "%-15s", m == ours ? "ours" : "raw"));
            double sum = 0;
            for (Map.Entry<String, Double> e : m.cpuSeconds().entrySet()) {
                double us = e.getValue() * 1e6 / Math.max(1, m.ops());
                b.append(String.format(java.util.Locale.ROOT, "  %s %.0f us", e.getKey(), us));
                if (!e.getKey().equals("bench-jvm")) {
                    sum += us;
                }
            }
            b.append(String.format(java.util.Locale.ROOT, "  => server side %.0f us per login", sum));
            lines.add(b.toString());
        }
        return lines;
    }

    /** Fetches one login challenge per assertion (options for the passkey's account) and signs each answer. */
    private static List<String> prepareServiceLogins(HttpClient http, String base, List<SoftPasskey> keys, List<String> accounts, int n, int clients)
            throws Exception {
        String[] out = new String[n];
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                jobs.add(pool.submit(() -> {
                    for (int i = client; i < n; i += clients) {
                        int k = i % keys.size();
                        JsonNode opts = post(http, base + "/auth/v1/authentications/options", Map.of("accountId", accounts.get(k)), 200);
                        SoftPasskey p = keys.get(k);
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("ceremonyId", opts.get("ceremonyId").asText());
                        body.put("credential", p.assertionJson(p.assertion(opts.at("/publicKey/challenge").asText())));
                        out[i] = JSON.writeValueAsString(body);
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        }
        return List.of(out);
    }

    private static void login(HttpClient http, String base, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/auth/v1/authentications"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new Load.Failed("HTTP " + r.statusCode(), r.body());
        }
    }

    private static JsonNode post(HttpClient http, String url, Object body, int expected) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
