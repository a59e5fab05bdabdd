package peers.common.outbox;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka as CloudEvents 1.0 (structured JSON), keyed by subject, then deletes
 * them, all in one database transaction: a row disappears only after Kafka acknowledged it. While
 * Kafka is unreachable the rows wait and the relay backs off exponentially; nothing is lost. Delivery
 * is at least once: around an outage a send can fail here yet reach the broker (the Kafka client retries
 * it, or the broker wrote it but its answer was lost), and the next batch publishes the row again —
 * reliability's KafkaOutageIT measures 20–50 % copies of the events held through a 60 s outage.
 * Consumers absorb copies with {@link ProcessedEvents} (the same test shows each event applied once). One replica relays at a time (transaction-scoped advisory
 * lock on this schema's outbox), so events leave in commit order.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final EventFormat FORMAT = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    private final OutboxConfig config;
    private final Clock clock;
    private final Counter published;
    private final Counter failures;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile long nextAttemptMillis;

    public OutboxRelay(Pool pool, @Channel("peers-outbox") MutinyEmitter<String> emitter, OutboxConfig config, Clock clock,
            MeterRegistry metrics) {
        this.pool = pool;
        this.emitter = emitter;
        this.config = config;
        this.clock = clock;
        this.published = metrics.counter("peers.outbox.published");
        this.failures = metrics.counter("peers.outbox.publish.failures");
        metrics.gauge("peers.outbox.consecutive.failures", consecutiveFailures);
    }

    @Scheduled(every = "${peers.outbox.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        if (!config.relayEnabled() || clock.millis() < nextAttemptMillis) {
            return Uni.createFrom().voidItem();
        }
        return drain();
    }

    /** Publishes batches until the outbox is empty or a publish fails. */
    public Uni<Void> drain() {
        return relayBatch()
                .onItem().transformToUni(n -> n >= config.batchSize() ? drain() : Uni.createFrom().voidItem())
                .onFailure().recoverWithUni(e -> {
                    int n = consecutiveFailures.incrementAndGet();
                    failures.increment();
                    long backoff = Math.min(config.maxBackoff().toMillis(), config.initialBackoff().toMillis() << Math.min(n - 1, 16));
                    nextAttemptMillis = clock.millis() + backoff;
                    LOG.warnf("outbox relay failed (%d in a row), next attempt in %d ms: %s", n, backoff, e.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<Integer> relayBatch() {
        return pool.withTransaction(conn -> conn
                .query("SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.peers_outbox'))").execute()
                .chain(lock -> lock.iterator().next().getBoolean(0)
                        ? publishBatch(conn)
                        : Uni.createFrom().item(0)))
                .invoke(n -> {
                    if (n > 0) {
                        consecutiveFailures.set(0);
                        nextAttemptMillis = 0;
                        published.increment(n);
                    }
                });
    }

    private Uni<Integer> publishBatch(SqlConnection conn) {
        return conn.preparedQuery("SELECT seq, id, topic, event_key, type, source, subject, time, data FROM peers_outbox ORDER BY seq LIMIT $1")
                .execute(Tuple.of(config.batchSize()))
                .chain(rows -> {
                    List<Long> seqs = new ArrayList<>();
                    List<Uni<Void>> sends = new ArrayList<>();
                    for (Row row : rows) {
                        seqs.add(row.getLong("seq"));
                        sends.add(send(row));
                    }
                    if (seqs.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return Uni.join().all(sends).andFailFast()
                            .ifNoItem().after(Duration.ofSeconds(30)).fail()
                            .chain(() -> conn.preparedQuery("DELETE FROM peers_outbox WHERE seq = ANY($1)")
                                    .execute(Tuple.of(seqs.toArray(new Long[0]))))
                            .replaceWith(seqs.size());
                });
    }

    private Uni<Void> send(Row row) {
        OffsetDateTime time = row.getOffsetDateTime("time");
        CloudEvent event = CloudEventBuilder.v1()
                .withId(row.getUUID("id").toString())
                .withSource(URI.create(row.getString("source")))
                .withType(row.getString("type"))
                .withSubject(row.getString("subject"))
                .withTime(time)
                .withDataContentType("application/json")
                .withData(row.getString("data").getBytes(StandardCharsets.UTF_8))
                .build();
        String value = new String(FORMAT.serialize(event), StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", JsonFormat.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> md = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.getString("topic"))
                .withKey(row.getString("event_key"))
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(value).addMetadata(md));
    }
}
