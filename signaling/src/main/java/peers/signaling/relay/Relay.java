package peers.signaling.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import peers.signaling.SignalingConfig;
import peers.signaling.ws.Frames;

/**
 * The relay between replicas: one Kafka topic that every replica writes to and reads <em>all</em> of.
 *
 * <p>Each replica reads every partition by assignment, from the end, without a consumer group: there is
 * nothing to balance (every replica needs every message), nothing to commit (a message is only worth
 * delivering now; one missed while a replica starts concerns sockets that were not there yet) and no
 * group rebalance delays a start. A replica skips its own messages (field {@code origin}) and delivers
 * the rest to its local sockets only. Messages are small JSON objects with a {@code kind}; see
 * {@code peers.signaling.hub.Hub}.
 */
@ApplicationScoped
public class Relay {

    private static final Logger LOG = Logger.getLogger(Relay.class);

    private final SignalingConfig.Relay config;
    private final Optional<String> bootstrap;
    /** Every {@code kafka.*} setting (TLS, SASL, …) as Quarkus resolved it, so the relay connects like the rest of the service. */
    private final Map<String, Object> kafka;
    private final Instance<RelayListener> listeners;
    private final String instance = UUID.randomUUID().toString();
    static final int PUBLISH_BACKLOG = 10_000;

    private volatile boolean ready;
    private volatile boolean readOnce;
    private volatile boolean stopping;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private Thread reader;
    private ExecutorService publisher;

    public Relay(SignalingConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> bootstrap,
            @io.smallrye.common.annotation.Identifier("default-kafka-broker") Map<String, Object> kafka,
            Instance<RelayListener> listeners) {
        this.config = config.relay();
        this.bootstrap = bootstrap;
        this.kafka = Map.copyOf(kafka);
        this.listeners = listeners;
    }

    /** The connection settings (security protocol, SASL, TLS stores, …) shared with the service's other Kafka clients. */
    private Properties connection() {
        Properties p = new Properties();
        kafka.forEach((k, v) -> {
            if (v != null) {
                p.put(k, v.toString());
            }
        });
        return p;
    }

    /** This replica's id on the relay. */
    public String instance() {
        return instance;
    }

    /** Whether messages go to other replicas (configured, and the reader is positioned). */
    public boolean active() {
        return ready && !stopping;
    }

    /** Whether the reader was positioned at least once since start (a later Kafka outage does not undo it). */
    public boolean started() {
        return readOnce;
    }

    /** Whether the relay is switched on at all (a single-replica deployment may switch it off). */
    public boolean enabled() {
        return config.enabled() && bootstrap.isPresent();
    }

    void start(@Observes StartupEvent ev) {
        if (!enabled()) {
            LOG.info("signaling relay disabled: this replica serves only its own sockets");
            return;
        }
        Properties p = connection();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap.get());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "signaling-relay-" + instance);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        // Relay messages are ephemeral: a leader acknowledgement is enough, and latency matters more than batching.
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        producer = new KafkaProducer<>(p);
        // Bounded: while Kafka is unreachable, sends block up to max.block.ms; beyond this backlog messages are
        // dropped (they are only worth delivering now, and the senders' acks time out into peer-not-connected).
        publisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(PUBLISH_BACKLOG), r -> {
            Thread t = new Thread(r, "signaling-relay-publisher");
            t.setDaemon(true);
            return t;
        }, (r, executor) -> LOG.debug("relay backlog full: message dropped"));
        reader = new Thread(this::read, "signaling-relay-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Publishes to every other replica; never blocks the caller. {@code key} keeps one room's or one recipient's messages in order. */
    public void publish(String key, ObjectNode message) {
        if (!active()) {
            return;
        }
        message.put("origin", instance);
        String text = Frames.text(message);
        try {
            publisher.execute(() -> send(key, text));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // shutting down: the message concerned sockets that are closing anyway
        }
    }

    private void send(String key, String text) {
        try {
            producer.send(new ProducerRecord<>(config.topic(), key, text), (md, e) -> {
                if (e != null) {
                    LOG.warnf("relay publish failed: %s", e.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("relay publish failed: %s", e.toString());
        }
    }

    private void read() {
        while (!stopping) {
            try {
                ensureTopic();
                Properties c = connection();
                c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap.get());
                c.put(ConsumerConfig.CLIENT_ID_CONFIG, "signaling-relay-" + instance);
                c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
                c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
                c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
                c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
                c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
                consumer = new KafkaConsumer<>(c);
                List<TopicPartition> parts = consumer.partitionsFor(config.topic(), Duration.ofSeconds(10)).stream()
                        .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
                consumer.assign(parts);
                consumer.seekToEnd(parts);
                parts.forEach(tp -> consumer.position(tp, Duration.ofSeconds(10)));
                ready = true;
                readOnce = true;
                LOG.infof("signaling relay %s reading %s (%d partitions)", instance, config.topic(), parts.size());
                for (RelayListener l : listeners) {
                    l.onRelayReady();
                }
                while (!stopping) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        dispatch(r.value());
                    }
                }
            } catch (WakeupException e) {
                // stopping
            } catch (RuntimeException | InterruptedException | ExecutionException e) {
                ready = false;
                if (!stopping) {
                    LOG.warnf("signaling relay reader failed, retrying in 1 s: %s (cause: %s)", e.toString(), String.valueOf(e.getCause()));
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            } finally {
                if (consumer != null) {
                    consumer.close(Duration.ofSeconds(2));
                    consumer = null;
                }
            }
        }
    }

    private void dispatch(String text) {
        ObjectNode m = Frames.parseObject(text);
        if (m == null || instance.equals(m.path("origin").asText())) {
            return;
        }
        for (RelayListener l : listeners) {
            try {
                l.onRelay(m);
            } catch (RuntimeException e) {
                LOG.warnf("relay message not handled: %s", e.toString());
            }
        }
    }

    private void ensureTopic() throws InterruptedException, ExecutionException {
        Properties a = connection();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap.get());
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(a)) {
            admin.createTopics(List.of(new NewTopic(config.topic(), Optional.of(config.partitions()), Optional.empty())))
                    .all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** Runs after the hub said goodbye (its leave messages are published first), then stops reading and writing. */
    void stop(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.LIBRARY_AFTER + 100) ShutdownEvent ev) {
        if (!enabled() || stopping) {
            return;
        }
        if (publisher != null) {
            publisher.shutdown();
            try {
                publisher.awaitTermination(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopping = true;
        ready = false;
        if (producer != null) {
            producer.close(Duration.ofSeconds(3));
        }
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
