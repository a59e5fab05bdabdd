package peers.infra;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.FaultHandlerFactory;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.SharedServer;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.ServerSocketFactory;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.fault.FaultHandler;
import org.apache.kafka.server.fault.LoggingFaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import scala.Tuple2;

/**
 * One combined (broker + controller) KRaft node of Apache Kafka 4.1, running inside this JVM, listening on
 * {@code 127.0.0.1} at ports fixed for the object's life, with its metadata and topic logs under one directory.
 *
 * <p><b>Why not {@code org.apache.kafka.common.test.KafkaClusterTestKit}:</b> in 4.1.1 the kit pre-binds every
 * listener through its {@code PreboundSocketFactoryManager} on the wildcard address
 * ({@code new InetSocketAddress(0)}, i.e. {@code 0.0.0.0}), whatever the configured listeners say, and it has
 * no public way to restart a node on the same port. This class assembles the node the way Kafka's own
 * {@code KafkaRaftServer} (and the kit) do — {@code Formatter}, {@code SharedServer}, {@code ControllerServer},
 * {@code BrokerServer} — but with listeners bound to {@code 127.0.0.1} on fixed ports, and with a fault handler
 * that logs instead of halting the JVM ({@code KafkaRaftServer} would call {@code Exit.halt} on a fatal fault;
 * the JVM is a test's, or Maven's when the devstack runs from it).
 *
 * <p>{@link #stop()} shuts the whole node down cleanly (clients see connection refused; the next start needs no
 * log recovery); {@link #start()} brings it back on the same ports with the same log and metadata directories,
 * so topics, committed offsets and records survive, and clients configured with {@link #bootstrapServers()}
 * reconnect by themselves. Storage is formatted on the first start of an object only, and only the directories
 * not formatted yet (with the cluster id kept in {@code meta.properties} of those that are): a directory that
 * outlives the JVM (the devstack's) keeps its data across runs.
 *
 * <p>Settings for a one-node cluster: every replication factor 1, {@code offsets.topic.num.partitions=1},
 * {@code group.initial.rebalance.delay.ms=0}, auto topic creation on, {@code num.partitions=1}, few threads.
 */
public final class KafkaServer implements Restartable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaServer.class);

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String HOST = "127.0.0.1";

    private final Path baseDirectory;
    private final Path metadataDirectory;
    private final Path logDirectory;
    private final int brokerPort;
    private final int controllerPort;
    private final Map<String, Object> extraConfig;
    private final AtomicReference<Throwable> firstFatalFault = new AtomicReference<>();

    private boolean formatted;
    private ControllerServer controller;
    private BrokerServer broker;

    /**
     * Prepares (but does not start) a node whose data lives under {@code baseDirectory} ({@code metadata/} and
     * {@code logs/}), with {@code extraBrokerConfig} added to or overriding the broker settings (for example
     * {@code log.retention.ms}); listener, role and directory settings are not meant to be overridden.
     */
    public KafkaServer(Path baseDirectory, int brokerPort, int controllerPort, Map<String, ?> extraBrokerConfig) {
        if (brokerPort == controllerPort) {
            throw new IllegalArgumentException("broker and controller need two ports, not " + brokerPort + " twice");
        }
        this.baseDirectory = Objects.requireNonNull(baseDirectory, "baseDirectory").toAbsolutePath();
        this.metadataDirectory = this.baseDirectory.resolve("metadata");
        this.logDirectory = this.baseDirectory.resolve("logs");
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.extraConfig = Map.copyOf(extraBrokerConfig);
    }

    /**
     * Starts the node (formatting its storage on the first start) and returns once the broker is registered and
     * unfenced, i.e. ready for clients. Does nothing when it already runs.
     */
    @Override
    public synchronized void start() {
        if (broker != null) {
            return;
        }
        // Kafka loads configured classes through the context class loader, and its threads inherit it: it
        // must be ours, not the loader of a (Quarkus) application that calls in and will be closed later.
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(KafkaServer.class.getClassLoader());
        try {
            startNode();
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    private void startNode() {
        try {
            KafkaConfig config = new KafkaConfig(serverProperties(), false);
            if (!formatted) {
                format();
                formatted = true;
            }
            Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> dirs =
                    KafkaRaftServer.initializeLogDirs(config, LOG, "[kafka " + brokerPort + "] ");
            SharedServer shared = new SharedServer(
                    config,
                    dirs._1(),
                    Time.SYSTEM,
                    new Metrics(),
                    CompletableFuture.completedFuture(QuorumConfig.parseVoterConnections(config.quorumConfig().voters())),
                    QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
                    new NonHaltingFaultHandlers(firstFatalFault),
                    ServerSocketFactory.INSTANCE);
            ControllerServer newController = new ControllerServer(shared, KafkaRaftServer.configSchema(), dirs._2());
            BrokerServer newBroker = new BrokerServer(shared);
            // same order as KafkaRaftServer.startup(): controller first, then broker
            try {
                newController.startup();
                newBroker.startup(); // returns once the broker is unfenced
            } catch (RuntimeException | Error e) {
                safely(newBroker::shutdown);
                safely(newController::shutdown);
                throw e;
            }
            controller = newController;
            broker = newBroker;
        } catch (RuntimeException e) {
            throw new IllegalStateException("Kafka did not start on " + bootstrapServers() + " (" + baseDirectory + ")", e);
        }
    }

    /** Shuts the node down (broker, then controller); data and ports are kept for {@link #start()}. */
    @Override
    public synchronized void stop() {
        if (broker == null) {
            return;
        }
        BrokerServer b = broker;
        ControllerServer c = controller;
        broker = null;
        controller = null;
        safely(b::shutdown);
        safely(c::shutdown);
        safely(b::awaitShutdown);
        safely(c::awaitShutdown);
    }

    @Override
    public synchronized boolean isRunning() {
        return broker != null;
    }

    /** {@code 127.0.0.1:<port>}; valid before start and across restarts. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    public int port() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path baseDirectory() {
        return baseDirectory;
    }

    /** The first fault Kafka reported as fatal (it would have halted a real broker's JVM), if any. */
    public Throwable firstFatalFault() {
        return firstFatalFault.get();
    }

    private Map<String, Object> serverProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("metadata.log.dir", metadataDirectory.toString());
        p.put("log.dirs", logDirectory.toString());

        // a one-node cluster
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("group.initial.rebalance.delay.ms", "0");

        // small footprint: tests, or a laptop's services, share the cores with it
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("server.max.startup.time.ms", Long.toString(600_000L));
        p.putAll(extraConfig);
        return p;
    }

    /** Formats the directories that are not formatted yet, with the cluster id of those that are. */
    private void format() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Files.createDirectories(metadataDirectory);
            Files.createDirectories(logDirectory);
            new Formatter()
                    .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
                    .setNodeId(NODE_ID)
                    .setClusterId(existingClusterId().orElseGet(() -> Uuid.randomUuid().toString()))
                    .setDirectories(List.of(metadataDirectory.toString(), logDirectory.toString()))
                    .setMetadataLogDirectory(metadataDirectory.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("formatting Kafka storage failed: " + out.toString(StandardCharsets.UTF_8), e);
        }
    }

    private Optional<String> existingClusterId() {
        Path meta = metadataDirectory.resolve("meta.properties");
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta, e);
        }
        return Optional.ofNullable(props.getProperty("cluster.id"));
    }

    private static void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("while stopping Kafka", e);
        }
    }

    @Override
    public String toString() {
        return "KafkaServer[" + bootstrapServers() + ", " + baseDirectory + (isRunning() ? ", running]" : ", stopped]");
    }

    /** Logs faults; fatal ones are also remembered, never turned into {@code Exit.halt} of this JVM. */
    private record NonHaltingFaultHandlers(AtomicReference<Throwable> firstFatal) implements FaultHandlerFactory {
        @Override
        public FaultHandler build(String name, boolean fatal, Runnable action) {
            LoggingFaultHandler logging = new LoggingFaultHandler(name, action);
            if (!fatal) {
                return logging;
            }
            return (message, cause) -> {
                firstFatal.compareAndSet(null, cause != null ? cause : new IllegalStateException(message));
                LOG.error("Kafka reported a FATAL fault in {} (a real broker would halt): {}", name, message, cause);
                return logging.handleFault(message, cause);
            };
        }
    }
}
