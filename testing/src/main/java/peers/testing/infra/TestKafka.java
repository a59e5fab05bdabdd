package peers.testing.infra;

import org.apache.kafka.clients.CommonClientConfigs;
import peers.infra.FreePorts;
import peers.infra.KafkaServer;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * One combined (broker + controller) KRaft node of Apache Kafka 4.1, running inside the test JVM: a
 * {@link KafkaServer} (see there why not {@code KafkaClusterTestKit}) on two free loopback ports chosen once,
 * with its data in a directory that {@link #close()} deletes.
 *
 * <p>{@link #stop()} shuts the whole node down (broker, then controller; clients see connection refused);
 * {@link #start()} brings it back on the same ports with the same log and metadata directories, so topics,
 * committed offsets and records survive, and clients configured with {@link #bootstrapServers()} reconnect by
 * themselves. {@link #start()} returns once the broker is registered and unfenced, i.e. ready for clients.
 *
 * <p>Settings for a one-node test cluster: every replication factor 1, {@code offsets.topic.num.partitions=1},
 * {@code group.initial.rebalance.delay.ms=0}, auto topic creation on, {@code num.partitions=1}.
 */
public final class TestKafka extends InfraPart {

    /** The node, unless this instance is a view from another class loader (see {@link PeersInfra}). */
    private final KafkaServer server;
    private final Path baseDirectory;
    private final int brokerPort;

    /** Prepares (but does not start) a node whose data lives under {@code baseDirectory}. */
    public TestKafka(Path baseDirectory) {
        this(baseDirectory, Map.of());
    }

    /**
     * Like {@link #TestKafka(Path)}, with broker settings added or overridden (for example
     * {@code log.retention.ms}); listener, role and directory settings are not meant to be overridden.
     */
    public TestKafka(Path baseDirectory, Map<String, ?> extraBrokerConfig) {
        this(newServer(baseDirectory, extraBrokerConfig));
    }

    private TestKafka(KafkaServer server) {
        super(server, server.baseDirectory());
        this.server = server;
        this.baseDirectory = server.baseDirectory();
        this.brokerPort = server.port();
    }

    private static KafkaServer newServer(Path baseDirectory, Map<String, ?> extraBrokerConfig) {
        int brokerPort = FreePorts.loopbackPort();
        int controllerPort;
        do {
            controllerPort = FreePorts.loopbackPort();
        } while (controllerPort == brokerPort);
        return new KafkaServer(baseDirectory, brokerPort, controllerPort, extraBrokerConfig);
    }

    /** A view of {@code home}, the same class loaded by another class loader. */
    TestKafka(Object home) {
        super(home);
        this.server = null;
        this.baseDirectory = fromHome("baseDirectory");
        this.brokerPort = fromHome("port");
    }

    /** Creates a node in a fresh temporary directory and starts it. */
    public static TestKafka startNew() {
        return startInTemporaryDirectory("peers-kafka-", TestKafka::new);
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
        return isView() ? fromHome("firstFatalFault") : server.firstFatalFault();
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
