package peers.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import peers.common.identity.Base64Url;
import peers.testing.infra.PeersInfra;
import peers.testing.peers.TestPeer;
import peers.testing.process.ServiceProcess;

/**
 * The six packaged services, each a process of its own on one {@link PeersInfra} (PostgreSQL, Kafka, S3),
 * started once per test JVM with production-like secrets (TURN secret, custodial KEKs with key ids, Stripe
 * keys, the registry's log signing key, an operator key for billing). Every secret configured here is
 * registered with {@link Secrets} for the log scan.
 */
public final class Stack {

    /** One service: module name, URL prefix, OpenAPI path, PostgreSQL schema. */
    public enum Svc {
        KEY_REGISTRY("key-registry", "/registry/", "registry"),
        SIGNALING("signaling", "/signal/", "signaling"),
        SYNC_BUFFER("sync-buffer", "/sync/", "sync"),
        BACKUP_SERVICE("backup-service", "/backup/", "backup"),
        MANAGED_KEYS("managed-keys", "/auth/", "auth"),
        AFFILIATE_BILLING("affiliate-billing", "/billing/", "billing");

        public final String module;
        public final String prefix;
        public final String schema;

        Svc(String module, String prefix, String schema) {
            this.module = module;
            this.prefix = prefix;
            this.schema = schema;
        }

        public String openApiPath() {
            return prefix + "openapi?format=json";
        }
    }

    private static Stack instance;

    private final Map<Svc, ServiceProcess> processes = new ConcurrentHashMap<>();
    private final Map<String, String> infraConfig;
    /** The operator of affiliate-billing (its key is in {@code peers.billing.operator-keys}). */
    public final TestPeer billingOperator = TestPeer.create();
    public final String stripeWebhookSecret;
    public final String turnSecret;

    private Stack() {
        PeersInfra infra = PeersInfra.get();
        infraConfig = infra.quarkusConfig();
        Secrets.text("S3 secret key", infra.s3().secretKey());
        Secrets.privateKey("billing operator key", billingOperator.privateKey());
        SecureRandom random = new SecureRandom();
        turnSecret = Secrets.text("TURN static-auth-secret", Base64Url.encode(randomBytes(random, 32)));
        stripeWebhookSecret = Secrets.text("Stripe webhook secret", "whsec_" + Base64Url.encode(randomBytes(random, 24)));
        String stripeApiKey = Secrets.text("Stripe API key", "sk_test_" + Base64Url.encode(randomBytes(random, 24)));
        byte[] kekOld = Secrets.bytes("custodial KEK k0", randomBytes(random, 32));
        byte[] kekNew = Secrets.bytes("custodial KEK k1", randomBytes(random, 32));
        String logKey;
        try {
            var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Secrets.privateKey("registry log signing key", pair.getPrivate());
            logKey = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
            Secrets.text("registry log signing key (PKCS#8 base64, padded)", logKey);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }

        Map<Svc, Map<String, String>> configs = new LinkedHashMap<>();
        for (Svc svc : Svc.values()) {
            Map<String, String> c = new LinkedHashMap<>(infraConfig);
            c.put("quarkus.banner.enabled", "false");
            configs.put(svc, c);
        }
        configs.get(Svc.KEY_REGISTRY).put("peers.registry.log.private-key", logKey);
        configs.get(Svc.KEY_REGISTRY).putAll(generous("registry.register", "registry.write", "registry.lookup", "registry.search"));
        configs.get(Svc.SIGNALING).put("peers.signaling.ice.stun-urls", "stun:127.0.0.1:3478");
        configs.get(Svc.SIGNALING).put("peers.signaling.ice.turn-urls", "turn:127.0.0.1:3478?transport=udp");
        configs.get(Svc.SIGNALING).put("peers.signaling.ice.turn-secret", turnSecret);
        configs.get(Svc.SIGNALING).putAll(generous("signal.connection", "signal.key", "signal.ice", "signal.peerjs-id"));
        configs.get(Svc.SYNC_BUFFER).putAll(generous("sync.write", "sync.read"));
        configs.get(Svc.BACKUP_SERVICE).putAll(generous("backup.write", "backup.read", "backup.restic"));
        configs.get(Svc.MANAGED_KEYS).put("peers.auth.rp-id", Passkeys.RP_ID);
        configs.get(Svc.MANAGED_KEYS).put("peers.auth.origins", Passkeys.ORIGIN);
        configs.get(Svc.MANAGED_KEYS).put("peers.auth.custodial.keys",
                "k0:" + Base64Url.encode(kekOld) + ",k1:" + Base64Url.encode(kekNew));
        configs.get(Svc.MANAGED_KEYS).put("peers.auth.custodial.current-key-id", "k1");
        configs.get(Svc.MANAGED_KEYS).putAll(generous("auth.ceremony", "auth.account", "auth.recovery"));
        configs.get(Svc.AFFILIATE_BILLING).put("peers.billing.operator-keys", billingOperator.id());
        configs.get(Svc.AFFILIATE_BILLING).put("peers.billing.stripe.api-key", stripeApiKey);
        configs.get(Svc.AFFILIATE_BILLING).put("peers.billing.stripe.webhook-secret", stripeWebhookSecret);
        // Stripe's API stands nowhere: nothing in these suites may reach it (the provider is manual).
        configs.get(Svc.AFFILIATE_BILLING).put("peers.billing.stripe.api-base", "http://127.0.0.1:9");
        // renewals only when asked for: a scheduled run would change rows while a suite checks that a refused request did not
        configs.get(Svc.AFFILIATE_BILLING).put("peers.billing.renewal-interval", "off");
        configs.get(Svc.AFFILIATE_BILLING).putAll(generous("billing.write", "billing.read", "billing.webhook"));

        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (Svc svc : Svc.values()) {
            starts.add(CompletableFuture.runAsync(() -> processes.put(svc, startWithRetry(svc, configs.get(svc)))));
        }
        starts.forEach(CompletableFuture::join);
    }

    /** The stack, started on first use (in parallel: about 20-40 s on a busy 2-core machine). */
    public static synchronized Stack get() {
        if (instance == null) {
            instance = new Stack();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> instance.processes.values().forEach(p -> {
                try {
                    p.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })));
        }
        return instance;
    }

    /** Whether the stack was started in this JVM (the log scan scans only what ran). */
    public static synchronized boolean started() {
        return instance != null;
    }

    public String baseUrl(Svc svc) {
        return processes.get(svc).baseUrl();
    }

    public Map<Svc, Path> logFiles() {
        Map<Svc, Path> logs = new LinkedHashMap<>();
        for (Svc svc : Svc.values()) {
            logs.put(svc, processes.get(svc).logFile());
        }
        return logs;
    }

    public Map<String, String> infraConfig() {
        return infraConfig;
    }

    /** Rate limits far above what the suites send from one address (they test access, not limits). */
    private static Map<String, String> generous(String... names) {
        Map<String, String> c = new LinkedHashMap<>();
        for (String n : names) {
            c.put("peers.rate-limits.\"" + n + "\".capacity", "1000000");
            c.put("peers.rate-limits.\"" + n + "\".refill-period", "1s");
        }
        return c;
    }

    /** Other builds repackage services during a run: a jar briefly missing is waited for. */
    private static ServiceProcess startWithRetry(Svc svc, Map<String, String> config) {
        Path jar = Path.of("..", svc.module, "target", "quarkus-app", "quarkus-run.jar");
        IllegalStateException last = null;
        int failedStarts = 0;
        for (int attempt = 0; attempt < 24 && failedStarts < 2; attempt++) {
            try {
                if (!Files.isRegularFile(jar)) {
                    Thread.sleep(5_000);
                    continue;
                }
                long t0 = System.nanoTime();
                ServiceProcess p = new ServiceProcess(snapshot(svc, jar.getParent()), config).start(Duration.ofSeconds(300));
                System.out.printf("Stack: %s ready in %d ms (log %s)%n", svc.module, (System.nanoTime() - t0) / 1_000_000, p.logFile());
                return p;
            } catch (IllegalStateException e) {
                last = e;
                failedStarts++;
                System.out.println("Stack: " + svc.module + " did not start: " + OpenApiFuzzIT.abbreviate(String.valueOf(e.getMessage())));
                sleep(5_000);
            } catch (IOException e) {
                last = new IllegalStateException(e);
                sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw last != null ? last : new IllegalStateException("no packaged " + svc.module + " at " + jar.toAbsolutePath());
    }

    /**
     * A private copy of the packaged service: other builds repackage services while these suites run, and a
     * running fast-jar whose lib/ is replaced under it fails to load classes (a false 500).
     */
    private static Path snapshot(Svc svc, Path app) throws IOException {
        Path copy = Path.of("target", "services", svc.module, "quarkus-app").toAbsolutePath();
        if (Files.exists(copy)) {
            try (var old = Files.walk(copy)) {
                for (Path f : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        try (var files = Files.walk(app)) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(app.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return copy.resolve("quarkus-run.jar");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] randomBytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
