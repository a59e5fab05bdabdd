package peers.devstack;

import peers.infra.KafkaServer;
import peers.infra.PostgresServer;
import peers.infra.S3Server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs every service built so far on this machine, with embedded infrastructure and no external server:
 * PostgreSQL (zonky, a child process), Kafka (a KRaft node inside this JVM) and S3 (S3Proxy, a child JVM),
 * then each service's fast-jar as a child JVM. Data persists under {@code ./data}; Ctrl-C stops the services
 * first, then Kafka and S3, then PostgreSQL, so the next start finds everything intact.
 *
 * <p>Usually run from Maven, in Maven's JVM, after every module is packaged:
 * {@code ./mvnw -q package -DskipTests -Pdevstack}. Options: see {@link Settings} or {@code --help}.
 */
public final class DevStack {

    private static final String S3_ACCESS_KEY = "peers-dev-access-key";
    private static final String S3_SECRET_KEY = "peers-dev-secret-key";

    private static final String LOG_FORMAT = "%d{HH:mm:ss} %-5p [%c{2.}] %s%e%n";

    private final Settings settings;
    private final Path runDirectory;
    private final Path logDirectory;
    private final long startedAt = System.nanoTime();
    private final List<ServiceProcess> services = new CopyOnWriteArrayList<>();
    /** Completes with a reason when a service exits on its own. */
    private final CompletableFuture<String> serviceDied = new CompletableFuture<>();
    private volatile boolean stopping;
    /** Whether anything was started (and so needs stopping). */
    private volatile boolean launched;
    private boolean stopped;
    private FileChannel lockChannel;
    private PostgresServer postgres;
    private KafkaServer kafka;
    private S3Server s3;
    private DevRouter router;
    private DevTurn turn;
    private final List<ServiceCatalog.Service> notPackaged = new ArrayList<>();

    private DevStack(Settings settings) {
        this.settings = settings;
        this.runDirectory = settings.data().resolve("run");
        this.logDirectory = settings.data().resolve("logs");
    }

    public static void main(String[] args) throws Exception {
        if (Settings.helpRequested(args)) {
            Console.block(Settings.usage());
            return;
        }
        Settings settings = Settings.parse(args, System.getProperties(), System.getenv());
        configureLogging();
        DevStack stack = new DevStack(settings);
        Thread hook = new Thread(stack::stop, "devstack-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stack.start();
        } catch (Exception | Error e) {
            if (stack.stopping) {
                return; // Ctrl-C while starting: the shutdown hook stops what had started
            }
            Console.say("did not start: " + e.getMessage());
            stack.stop();
            Runtime.getRuntime().removeShutdownHook(hook);
            throw e;
        }
        String reason = stack.serviceDied.join(); // Ctrl-C ends the JVM while this waits
        if (!stack.stopping) {
            Console.say(reason + ": stopping everything");
            stack.stop();
            Runtime.getRuntime().removeShutdownHook(hook);
            throw new IllegalStateException(reason);
        }
    }

    private void start() throws Exception {
        Console.say("root " + settings.root() + ", data " + settings.data());
        Files.createDirectories(runDirectory);
        Files.createDirectories(logDirectory);
        lock();
        List<ServiceCatalog.Service> present = new ArrayList<>();
        for (ServiceCatalog.Service service : ServiceCatalog.present(settings.root())) {
            if (!service.packagedIn(settings.root())) {
                Console.say("warning: " + service.name() + " is not packaged (" + service.fastJar(settings.root()) + " is missing): "
                        + "skipping it; build it, e.g. with ./mvnw -q package -DskipTests -Pdevstack");
                notPackaged.add(service);
                continue;
            }
            if (service.staleIn(settings.root())) {
                Console.say("warning: " + service.name() + "'s jar is older than its sources; running it anyway (rebuild "
                        + "it; with the one command, keep devstack last in the root pom's <modules>)");
            }
            present.add(service);
        }
        // the cluster outlives the devstack, and crashes of the machine; only stop() stops it, after the services
        postgres = new PostgresServer(settings.data().resolve("postgres"), settings.pgPort())
                .durable()
                .logTo(logDirectory.resolve("postgres.log"))
                .stoppedOnlyByStop();
        stopOrphan(postgres);
        DevTurn.stopOrphan(DevTurn.pidFile(runDirectory));
        requireFreePorts(present);
        Path agent = ParentWatch.writeAgentJar(runDirectory.resolve("parent-watch.jar"));
        List<String> javaOptions = new ArrayList<>(settings.serviceJavaOptions());
        javaOptions.add(JavaProcesses.parentWatchOption(agent));

        kafka = new KafkaServer(settings.data().resolve("kafka"), settings.kafkaPort(), settings.kafkaControllerPort(), Map.of());
        if (settings.s3()) {
            Path jar = S3Server.locateJar(settings.s3proxyJar(), "Run the devstack with -Pdevstack (building the infra "
                    + "module fetches org.gaul:s3proxy:" + S3Server.VERSION + ":jar-with-dependencies), or pass --no-s3");
            s3 = new S3Server(settings.data().resolve("s3"), runDirectory, logDirectory.resolve("s3proxy.log"), jar,
                    settings.s3Port(), S3_ACCESS_KEY, S3_SECRET_KEY)
                    .javaOptions(javaOptions)
                    // browsers PUT and GET presigned URLs (backup-service) from the demo page's origin
                    .corsAllowAll()
                    .stopGracefully(Duration.ofSeconds(15));
        }
        Optional<Path> turnserver = DevTurn.installed();
        if (settings.turn().equals("true") && turnserver.isEmpty()) {
            throw new IllegalStateException("--turn true, but coturn's turnserver is not installed (e.g. apt-get install coturn)");
        }
        if (!settings.turn().equals("false") && turnserver.isPresent()) {
            turn = new DevTurn(turnserver.get(), runDirectory, logDirectory.resolve("turnserver.log"), settings.turnPort());
        }
        if (!beginLaunch()) {
            return;
        }
        List<CompletableFuture<Void>> infrastructure = new ArrayList<>();
        infrastructure.add(timed("PostgreSQL on 127.0.0.1:" + settings.pgPort(), postgres::start));
        infrastructure.add(timed("Kafka on " + kafka.bootstrapServers(), kafka::start));
        if (s3 != null) {
            infrastructure.add(timed("S3Proxy on " + s3.endpoint(), s3::start));
        }
        if (turn != null) {
            infrastructure.add(timed("coturn on 127.0.0.1:" + settings.turnPort(), turn::start));
        }
        awaitAll(infrastructure);

        for (ServiceCatalog.Service service : present) {
            ServiceProcess process = new ServiceProcess(service, service.fastJar(settings.root()), service.managementPort(settings));
            if (!register(process)) {
                return;
            }
            process.start(javaOptions, environmentOf(service, present), Settings.environmentVariables());
        }
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (ServiceProcess process : services) {
            ready.add(timed(process.name(), () -> process.awaitReady(settings.readyTimeout())));
        }
        awaitAll(ready);
        for (ServiceProcess process : services) {
            process.onExit().thenAccept(p -> serviceDied.complete(process.name() + " exited with status " + p.exitValue()));
        }
        router = DevRouter.start(settings.host(), settings.httpPort(), routes(present), demoDirectory(), clientDirectory());
        Console.say("router on " + settings.host() + ":" + settings.httpPort());
        printBanner(present);
        // Run from the full build, this JVM is Maven's and holds the build's garbage (Quarkus augmentation
        // included): one collection now hands ~100 MB back to the machine for the rest of the session.
        System.gc();
    }

    /** Marks the infrastructure as launched, unless a stop came first (Ctrl-C during start). */
    private synchronized boolean beginLaunch() {
        launched = !stopping;
        return launched;
    }

    /** Adds a service that {@link #stop()} will stop, unless a stop came first. */
    private synchronized boolean register(ServiceProcess process) {
        if (stopping) {
            return false;
        }
        services.add(process);
        return true;
    }

    /** Stops the services, then Kafka and S3, then PostgreSQL; safe to call more than once, and mid-start. */
    private synchronized void stop() {
        stopping = true;
        if (stopped) {
            return;
        }
        stopped = true;
        if (!launched) {
            unlock();
            return;
        }
        long began = System.nanoTime();
        Console.say("stopping: router and services, then Kafka and S3, then PostgreSQL");
        if (router != null) {
            router.close();
        }
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        services.forEach(s -> steps.add(quietly(s.name(), s::stop)));
        steps.forEach(CompletableFuture::join);
        steps.clear();
        if (kafka != null) {
            steps.add(quietly("Kafka", kafka::stop));
        }
        if (s3 != null) {
            steps.add(quietly("S3Proxy", s3::stop));
        }
        if (turn != null) {
            steps.add(quietly("coturn", turn::stop));
        }
        steps.forEach(CompletableFuture::join);
        if (postgres != null) {
            quietly("PostgreSQL", postgres::stop).join();
        }
        unlock();
        Console.say(String.format(Locale.ROOT, "stopped in %.1f s; data kept in %s", seconds(System.nanoTime() - began), settings.data()));
    }

    /** The router's table: every prefix of the catalog, to its service's port, or to a 503 when it is not running. */
    private List<DevRouter.Route> routes(List<ServiceCatalog.Service> running) {
        List<DevRouter.Route> routes = new ArrayList<>();
        for (ServiceCatalog.Service service : ServiceCatalog.ALL) {
            Integer port = running.contains(service) ? service.httpPort(settings) : null;
            for (String prefix : service.prefixes()) {
                routes.add(new DevRouter.Route(prefix, service.name(), port));
            }
        }
        return routes;
    }

    /** The demo page (plain HTML and ES modules), served at {@code /}. */
    private Path demoDirectory() {
        return settings.root().resolve("e2e/demo");
    }

    /** The {@code @peers/client} ES modules, served at {@code /client/} for the demo page. */
    private Path clientDirectory() {
        return settings.root().resolve("clients/js/src");
    }

    /** What a service is told about its surroundings, as the environment variables Quarkus reads. */
    private Map<String, String> environmentOf(ServiceCatalog.Service service, List<ServiceCatalog.Service> running) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1"); // only the router is reachable from elsewhere
        env.put("QUARKUS_HTTP_PORT", Integer.toString(service.httpPort(settings)));
        env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(service.managementPort(settings)));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(PostgresServer.DEFAULT_DATABASE));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl(PostgresServer.DEFAULT_DATABASE));
        env.put("QUARKUS_DATASOURCE_USERNAME", PostgresServer.USER);
        env.put("QUARKUS_DATASOURCE_PASSWORD", PostgresServer.PASSWORD);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("QUARKUS_LOG_CONSOLE_FORMAT", LOG_FORMAT);
        env.put("QUARKUS_BANNER_ENABLED", "false");
        // behind the router, as behind the ingress: the caller's address comes in X-Forwarded-For
        env.put("QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING", "true");
        env.put("QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED", "true");
        if (service.name().equals("key-registry")) {
            // the discovery document lists what runs here, as the Helm chart does (PEERS_REGISTRY_DISCOVERY_SERVICES_<NAME>)
            for (ServiceCatalog.Service other : running) {
                env.put("PEERS_REGISTRY_DISCOVERY_SERVICES_" + other.discovery().toUpperCase(Locale.ROOT), other.basePath());
            }
        }
        if (service.name().equals("signaling") && turn != null) {
            // ICE servers: coturn's STUN and TURN, with credentials signed by the shared secret
            env.put("PEERS_SIGNALING_ICE_STUN_URLS", turn.stunUrls());
            env.put("PEERS_SIGNALING_ICE_TURN_URLS", turn.turnUrls());
            env.put("PEERS_SIGNALING_ICE_TURN_SECRET", turn.secret());
        }
        if (service.usesS3() && s3 != null) {
            env.put("PEERS_S3_ENDPOINT", s3.endpoint());
            env.put("PEERS_S3_ACCESS_KEY", s3.accessKey());
            env.put("PEERS_S3_SECRET_KEY", s3.secretKey());
            env.put("PEERS_S3_REGION", s3.region());
        }
        return env;
    }

    private void printBanner(List<ServiceCatalog.Service> present) {
        String host = settings.host().equals("0.0.0.0") || settings.host().equals("127.0.0.1") ? "localhost" : settings.host();
        double sinceJvm = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n[devstack] READY in %.1f s (%.1f s since the command started)%n%n",
                seconds(System.nanoTime() - startedAt), sinceJvm));
        String base = "http://" + host + ":" + settings.httpPort();
        b.append(String.format("  %-18s %s/   (the demo page; every service below through this one port)%n", "router", base));
        for (ServiceCatalog.Service service : present) {
            String label = service.name();
            for (String link : service.links()) {
                b.append(link.startsWith("ws: ")
                        ? String.format("  %-18s ws://%s:%d%s%n", label, host, settings.httpPort(), link.substring(4))
                        : String.format("  %-18s %s%s%n", label, base, link));
                label = "";
            }
            String management = "http://localhost:" + service.managementPort(settings);
            b.append(String.format("  %-18s direct http://%s:%d   %s/q/health   metrics %s/q/metrics%n", "",
                    host, service.httpPort(settings), management, management));
        }
        for (ServiceCatalog.Service service : notPackaged) {
            b.append(String.format("  %-18s not packaged: %s answers 503%n", service.name(), String.join(" ", service.prefixes())));
        }
        if (present.isEmpty()) {
            b.append("  (no service module found under ").append(settings.root()).append(")\n");
        }
        b.append(String.format("  %-18s %s  user %s (trust: any password)%n", "PostgreSQL",
                postgres.jdbcUrl(PostgresServer.DEFAULT_DATABASE), PostgresServer.USER));
        b.append(String.format("  %-18s %s%n", "Kafka", kafka.bootstrapServers()));
        if (s3 != null) {
            b.append(String.format("  %-18s %s  path-style, region %s, access key %s, secret %s%n", "S3",
                    s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey()));
        }
        if (turn != null) {
            b.append(String.format("  %-18s %s, %s  (use-auth-secret; signaling issues the credentials)%n", "coturn", turn.stunUrls(),
                    turn.turnUrls().replace(",", ", ")));
        }
        b.append(String.format("  %-18s %s  (postgres/ kafka/ s3/ logs/; delete it to start from scratch)%n", "data", settings.data()));
        b.append(String.format("%n  Ctrl-C stops everything; the data stays for the next start.%n%n"));
        Console.block(b.toString());
    }

    private void requireFreePorts(List<ServiceCatalog.Service> present) {
        Map<Integer, String> ports = new LinkedHashMap<>();
        Map<Integer, String> hosts = new HashMap<>();
        claim(ports, hosts, settings.pgPort(), "127.0.0.1", "PostgreSQL (--pg-port)");
        claim(ports, hosts, settings.kafkaPort(), "127.0.0.1", "Kafka (--kafka-port)");
        claim(ports, hosts, settings.kafkaControllerPort(), "127.0.0.1", "Kafka controller (--kafka-controller-port)");
        if (settings.s3()) {
            claim(ports, hosts, settings.s3Port(), "127.0.0.1", "S3Proxy (--s3-port)");
        }
        if (!settings.turn().equals("false") && DevTurn.installed().isPresent()) {
            claim(ports, hosts, settings.turnPort(), "127.0.0.1", "coturn (--turn-port)");
        }
        claim(ports, hosts, settings.httpPort(), settings.host(), "router (--port)");
        for (ServiceCatalog.Service service : present) {
            claim(ports, hosts, service.httpPort(settings), settings.host(), service.name() + " HTTP (--port + " + service.index() + ")");
            claim(ports, hosts, service.managementPort(settings), "127.0.0.1", service.name() + " management (--management-port)");
        }
        ports.forEach((port, what) -> {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(hosts.get(port), port));
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " for " + what + " is in use on " + hosts.get(port)
                        + " (another devstack?); free it or choose another port");
            }
        });
    }

    private static void claim(Map<Integer, String> ports, Map<Integer, String> hosts, int port, String host, String what) {
        String earlier = ports.putIfAbsent(port, what);
        if (earlier != null) {
            throw new IllegalStateException("port " + port + " is configured twice: " + earlier + " and " + what);
        }
        hosts.put(port, host);
    }

    /**
     * Stops a PostgreSQL left running on the data directory by a devstack that was killed without cleaning up
     * (it holds the port and the cluster's lock). Call before checking ports.
     */
    private static void stopOrphan(PostgresServer postgres) {
        Optional<ProcessHandle> orphan = postgres.postmaster();
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = orphan.get();
        Console.say("stopping PostgreSQL (pid " + postmaster.pid() + ") left running by an earlier devstack");
        postmaster.destroy(); // SIGTERM: smart shutdown; its clients died with that devstack
        try {
            postmaster.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            postmaster.destroyForcibly(); // crash recovery replays the WAL on the next start
            try {
                postmaster.onExit().get(60, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (Exception stillThere) {
                Console.say("PostgreSQL (pid " + postmaster.pid() + ") did not exit within 60 s");
            }
        }
    }

    /** One devstack per data directory: a second one would start a second PostgreSQL on the same cluster. */
    private void lock() throws IOException {
        Path file = runDirectory.resolve("devstack.lock");
        lockChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.tryLock();
        if (lock == null) {
            String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            lockChannel.close();
            lockChannel = null;
            throw new IllegalStateException("another devstack (pid " + holder + ") is using " + settings.data());
        }
        lockChannel.truncate(0);
        lockChannel.write(StandardCharsets.UTF_8.encode(Long.toString(ProcessHandle.current().pid())));
    }

    private void unlock() {
        try {
            if (lockChannel != null) {
                lockChannel.close(); // releases the lock
            }
        } catch (IOException ignored) {
            // released when the process exits anyway
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step} on its own thread and reports how long it took. */
    private CompletableFuture<Void> timed(String what, Step step) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            long began = System.nanoTime();
            try {
                step.run();
                Console.say(String.format(Locale.ROOT, "%s ready in %.1f s", what, seconds(System.nanoTime() - began)));
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(new IllegalStateException(what + ": " + e.getMessage(), e));
            }
        }, "devstack-start");
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    /** Runs {@code step} on its own thread, reporting failures instead of throwing them. */
    private static CompletableFuture<Void> quietly(String what, Step step) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                step.run();
            } catch (Throwable e) {
                Console.say("while stopping " + what + ": " + e);
            } finally {
                done.complete(null);
            }
        }, "devstack-stop-" + what);
        thread.start();
        return done;
    }

    /** Waits for all; throws the first failure (after all have finished, so none is left half-started). */
    private static void awaitAll(List<CompletableFuture<Void>> steps) throws Exception {
        Exception first = null;
        for (CompletableFuture<Void> step : steps) {
            try {
                step.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /**
     * Kafka and zonky log through SLF4J's simple binding: warnings and errors only, to stdout. Set the
     * {@code org.slf4j.simpleLogger.*} system properties yourself to see more.
     */
    private static void configureLogging() {
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.logFile", "System.out");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        // Kafka warns about closing an already closed client on every clean shutdown, and reports as an ERROR
        // every metadata write that a busy laptop's disk made slow
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka.controller.EventPerformanceMonitor", "off");
    }
}
