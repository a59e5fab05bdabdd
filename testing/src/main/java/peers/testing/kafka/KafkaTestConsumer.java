package peers.testing.kafka;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Reads one topic from its beginning with a plain {@code KafkaConsumer<String, String>} in a group of its own,
 * for asserting what a service published. Not thread-safe (like the consumer it wraps).
 *
 * <pre>{@code
 * try (var events = new KafkaTestConsumer(PeersInfra.get().kafka().bootstrapServers(), "registry.events")) {
 *     var records = events.awaitRecords(r -> r.key().equals(id), 1, Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class KafkaTestConsumer implements AutoCloseable {

    private static final int MAX_SHOWN = 50;

    private final String topic;
    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    public KafkaTestConsumer(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Map.of());
    }

    /** {@code extraConfig} is added to (and overrides) the consumer settings, e.g. {@code isolation.level}. */
    public KafkaTestConsumer(String bootstrapServers, String topic, Map<String, ?> extraConfig) {
        this.topic = topic;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-consumer-" + UUID.randomUUID());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "test-consumer-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.putAll(extraConfig);
        this.consumer = new KafkaConsumer<>(props);
        this.consumer.subscribe(List.of(topic));
    }

    /**
     * Polls until {@code count} records matching {@code match} have arrived (counting those seen by earlier
     * calls too) and returns the first {@code count} of them, in arrival order. Throws an
     * {@link AssertionError} listing every record seen so far if they do not arrive within {@code timeout}.
     */
    public List<ConsumerRecord<String, String>> awaitRecords(Predicate<ConsumerRecord<String, String>> match,
                                                             int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ConsumerRecord<String, String>> matching = seen.stream().filter(match).limit(count).toList();
            if (matching.size() >= count) {
                return matching;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " matching record(s) on topic '" + topic + "' within "
                        + timeout + ", got " + matching.size() + "; " + describeSeen());
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofNanos(Math.min(left, 200_000_000L)))) {
                seen.add(record);
            }
        }
    }

    /** Every record received so far, in arrival order. */
    public List<ConsumerRecord<String, String>> seen() {
        return List.copyOf(seen);
    }

    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }

    private String describeSeen() {
        if (seen.isEmpty()) {
            return "no records seen at all";
        }
        StringBuilder text = new StringBuilder(seen.size() + " record(s) seen:");
        for (ConsumerRecord<String, String> r : seen.subList(0, Math.min(seen.size(), MAX_SHOWN))) {
            text.append("\n  ").append(r.topic()).append('-').append(r.partition()).append('@').append(r.offset())
                    .append(" key=").append(r.key()).append(" value=").append(abbreviate(r.value()));
        }
        if (seen.size() > MAX_SHOWN) {
            text.append("\n  ... and ").append(seen.size() - MAX_SHOWN).append(" more");
        }
        return text.toString();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
