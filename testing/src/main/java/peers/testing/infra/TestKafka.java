package peers.testing.infra;

import org.apache.kafka.clients.CommonClientConfigs;
import peers.infra.FileTrees;
import peers.infra.FreePorts;
import peers.infra.KafkaServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * One combined (broker + controller) KRaft node of Apache Kafka 4.1, running inside the test JVM: a
 * {@link KafkaServer} (see there why not {@code KafkaClusterTestKit}) on two free loopback ports chosen once,
 * with its data in a directory that {@link #close()} deletes.
 *
 * <p>{@link #stop()} shuts the whole node down (clients see connection refused); {@link #start()} brings it
 * back on the same ports with the same log and metadata directories, so topics, committed offsets and
 * records survive, and clients configured with {@link #bootstrapServers()} reconnect by themselves.
 *
 * <p>Settings for a one-node test cluster: every replication factor 1, {@code offsets.topic.num.partitions=1},
 * {@code group.initial.rebalance.delay.ms=0}, auto topic creation on, {@code num.partitions=1}.
 */
public final class TestKafka implements AutoCloseable {

    /** The node, unless this instance is a view from another class loader (see {@link PeersInfra}). */
    private final KafkaServer server;
    private final Path baseDirectory;
    private final int brokerPort;
    /** The real instance when this one is a view from another class loader (see {@link PeersInfra}). */
    private final Object home;

    private boolean closed;

    /** Prepares (but does not start) a node whose data lives under {@code baseDirectory}. */
    public TestKafka(Path baseDirectory) {
        this(baseDirectory, Map.of());
    }

    /**
     * Like {@link #TestKafka(Path)}, with broker settings added or overridden (for example
     * {@code log.retention.ms}); listener, role and directory settings are not meant to be overridden.
     */
    public TestKafka(Path baseDirectory, Map<String, ?> extraBrokerConfig) {
        Objects.requireNonNull(baseDirectory, "baseDirectory");
        int brokerPort = FreePorts.loopbackPort();
        int controllerPort;
        do {
            controllerPort = FreePorts.loopbackPort();
        } while (controllerPort == brokerPort);
        this.server = new KafkaServer(baseDirectory, brokerPort, controllerPort, extraBrokerConfig);
        this.baseDirectory = server.baseDirectory();
        this.brokerPort = brokerPort;
        this.home = null;
    }

    /** A view of {@code home}, the same class loaded by another class loader. */
    TestKafka(Object home) {
        this.home = home;
        this.server = null;
        this.baseDirectory = (Path) HomeCalls.call(home, "baseDirectory");
        this.brokerPort = (Integer) HomeCalls.call(home, "port");
    }

    /** Creates a node in a fresh temporary directory and starts it. */
    public static TestKafka startNew() {
        try {
            TestKafka kafka = new TestKafka(Files.createTempDirectory("peers-kafka-"));
            kafka.start();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the node (formatting its storage the first time) and returns once the broker is registered and
     * unfenced, i.e. ready for clients. Does nothing when it already runs.
     */
    public synchronized void start() {
        if (home != null) {
            HomeCalls.call(home, "start");
            return;
        }
        if (closed) {
            throw new IllegalStateException("TestKafka was closed");
        }
        server.start();
    }

    /** Shuts the node down (broker, then controller); data and ports are kept for {@link #start()}. */
    public synchronized void stop() {
        if (home != null) {
            HomeCalls.call(home, "stop");
            return;
        }
        server.stop();
    }

    public synchronized boolean isRunning() {
        if (home != null) {
            return (Boolean) HomeCalls.call(home, "isRunning");
        }
        return server.isRunning();
    }

    /** Stops the node and deletes its directories. */
    @Override
    public synchronized void close() {
        if (home != null) {
            HomeCalls.call(home, "close");
            return;
        }
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            FileTrees.deleteQuietly(baseDirectory);
        }
    }

    /** {@code 127.0.0.1:<port>}; valid before start and across restarts. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public int port() {
        return brokerPort;
    }

    public Path baseDirectory() {
        return baseDirectory;
    }

    /** The first fault Kafka reported as fatal (it would have halted a real broker's JVM), if any. */
    public Throwable firstFatalFault() {
        if (home != null) {
            return (Throwable) HomeCalls.call(home, "firstFatalFault");
        }
        return server.firstFatalFault();
    }

    /** Minimal client settings: just {@code bootstrap.servers}. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    @Override
    public String toString() {
        return "TestKafka[" + bootstrapServers() + ", " + baseDirectory + (isRunning() ? ", running]" : ", stopped]");
    }
}
