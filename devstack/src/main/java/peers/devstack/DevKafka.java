package peers.devstack;

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
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import scala.Tuple2;

/**
 * One combined broker + controller KRaft node of Apache Kafka 4.1, inside the devstack's JVM, listening on
 * 127.0.0.1 at fixed ports, with its metadata and topic logs under one directory that outlives the devstack:
 * storage is formatted only once (the cluster id is kept in {@code meta.properties}), so topics, records and
 * committed offsets survive a restart.
 *
 * <p>Assembled like the testing module's {@code TestKafka} (and Kafka's own {@code KafkaRaftServer}):
 * {@code Formatter}, {@code SharedServer}, {@code ControllerServer}, {@code BrokerServer}; {@code TestKafka}
 * itself picks random ports and formats a fresh directory on every start, which a devstack must not do.
 * A fatal fault is logged instead of halting the JVM, which is Maven's when the devstack runs from it.
 */
final class DevKafka {

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String HOST = "127.0.0.1";

    private final Path metadataDirectory;
    private final Path logDirectory;
    private final int brokerPort;
    private final int controllerPort;
    private ControllerServer controller;
    private BrokerServer broker;

    DevKafka(Path baseDirectory, int brokerPort, int controllerPort) {
        this.metadataDirectory = baseDirectory.resolve("metadata");
        this.logDirectory = baseDirectory.resolve("logs");
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /** Starts the node (formatting its storage the first time); returns once the broker is unfenced. */
    synchronized void start() throws IOException {
        KafkaConfig config = new KafkaConfig(serverProperties(), false);
        format();
        Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> dirs =
                KafkaRaftServer.initializeLogDirs(config, LoggerFactory.getLogger(DevKafka.class), "[devstack] ");
        SharedServer shared = new SharedServer(
                config,
                dirs._1(),
                Time.SYSTEM,
                new Metrics(),
                CompletableFuture.completedFuture(QuorumConfig.parseVoterConnections(config.quorumConfig().voters())),
                QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
                new NonHaltingFaultHandlers(),
                ServerSocketFactory.INSTANCE);
        ControllerServer newController = new ControllerServer(shared, KafkaRaftServer.configSchema(), dirs._2());
        BrokerServer newBroker = new BrokerServer(shared);
        try {
            newController.startup(); // same order as KafkaRaftServer.startup()
            newBroker.startup();
        } catch (RuntimeException | Error e) {
            newBroker.shutdown();
            newController.shutdown();
            throw e;
        }
        controller = newController;
        broker = newBroker;
    }

    /** Shuts the node down cleanly (broker, then controller), so the next start needs no log recovery. */
    synchronized void stop() {
        if (broker == null) {
            return;
        }
        BrokerServer b = broker;
        ControllerServer c = controller;
        broker = null;
        controller = null;
        b.shutdown();
        c.shutdown();
        b.awaitShutdown();
        c.awaitShutdown();
    }

    String bootstrapServers() {
        return HOST + ":" + brokerPort;
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

        // small footprint: a laptop runs the services beside it
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("server.max.startup.time.ms", Long.toString(600_000L));
        return p;
    }

    /** Formats the directories that are not formatted yet, with the cluster id of those that are. */
    private void format() throws IOException {
        Files.createDirectories(metadataDirectory);
        Files.createDirectories(logDirectory);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
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
            throw new IOException("formatting Kafka storage failed: " + out.toString(StandardCharsets.UTF_8), e);
        }
    }

    private Optional<String> existingClusterId() throws IOException {
        Path meta = metadataDirectory.resolve("meta.properties");
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            props.load(in);
        }
        return Optional.ofNullable(props.getProperty("cluster.id"));
    }

    /** Logs faults; a fatal one is not turned into {@code Exit.halt} of the JVM (Maven's, under exec:java). */
    private record NonHaltingFaultHandlers() implements FaultHandlerFactory {
        @Override
        public FaultHandler build(String name, boolean fatal, Runnable action) {
            return new LoggingFaultHandler(name, action);
        }
    }
}
