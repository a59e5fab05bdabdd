package peers.sync.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import peers.common.outbox.EventEnvelope;
import peers.sync.quota.UsageReporter;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.PeersInfraResource;
import peers.testing.infra.TestPostgres;
import peers.testing.kafka.KafkaTestConsumer;
import peers.testing.peers.TestPeer;

/**
 * Entitlements consumed from affiliate-billing's topic set retention and quotas; usage leaves as
 * events through the outbox.
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class EventsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    UsageReporter usage;

    static String entitlementEvent(String id, Instant time, TestPeer peer, String plan, int days, long bytes, long records, Instant validUntil) throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("peer", peer.id());
        data.put("plan", plan);
        data.put("syncRetentionDays", days);
        data.put("syncBytes", bytes);
        data.put("syncRecords", records);
        data.put("validUntil", validUntil == null ? null : validUntil.toString());
        CloudEvent e = CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:peers:affiliate-billing"))
                .withType("peers.entitlements.changed.v1").withSubject(peer.id()).withTime(time.atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json").withData(JSON.writeValueAsBytes(data)).build();
        return new String(EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(e), StandardCharsets.UTF_8);
    }

    static void produce(String key, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, PeersInfra.get().kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            ProducerRecord<String, String> record = new ProducerRecord<>("peers.entitlements", key, value);
            // Exactly what common's OutboxRelay (and so affiliate-billing) sends: structured-mode CloudEvents with
            // this header, which SmallRye's Kafka connector would otherwise turn into a JsonObject payload.
            record.headers().add("content-type", JsonFormat.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }

    static Connection db() throws Exception {
        var pg = PeersInfra.get().postgres();
        return DriverManager.getConnection(pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE), pg.user(), pg.password());
    }

    static String plan(TestPeer p) throws Exception {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement("SELECT plan FROM sync.entitlements WHERE peer_key = ?")) {
            s.setString(1, p.id());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    static void awaitPlan(TestPeer p, String plan) throws InterruptedException {
        await(() -> {
            try {
                return plan.equals(plan(p));
            } catch (Exception e) {
                return false;
            }
        }, "plan " + plan + " for " + p.id());
    }

    @Test
    void anEntitlementSetsRetentionAndQuotasWhichNameTheirLimit() throws Exception {
        TestPeer owner = TestPeer.create();
        produce(owner.id(), entitlementEvent(UUID.randomUUID().toString(), Instant.now(), owner, "pro", 30, 1_000_000, 5, null));
        awaitPlan(owner, "pro");
        String stream = Sync.createStream(owner);
        Instant expires = Instant.parse(Sync.append(owner, stream, Sync.records(4, 10)).statusCode(200).extract().jsonPath().getString("records[0].expiresAt"));
        long days = Duration.between(Instant.now(), expires).toDays();
        assertTrue(days == 29 || days == 30, "the plan keeps records 30 days: " + expires);
        Sync.append(owner, stream, Sync.records(1, 10)).statusCode(200);
        // Sixth record: over the plan's record quota. The whole batch is refused and the limit is named.
        Sync.problem(Sync.append(owner, stream, Sync.records(2, 10)), 413, "quota-exceeded")
                .body("limit", equalTo("sync.records")).body("max", equalTo(5)).body("used", equalTo(5));
        // A replay of stored ids still answers (it stores nothing).
        assertEquals(5, Sync.lastSeq(owner, stream));

        TestPeer small = TestPeer.create();
        produce(small.id(), entitlementEvent(UUID.randomUUID().toString(), Instant.now(), small, "tiny", 14, 100, 1000, null));
        awaitPlan(small, "tiny");
        String s2 = Sync.createStream(small);
        Sync.append(small, s2, Sync.records(1, 64)).statusCode(200);
        Sync.problem(Sync.append(small, s2, Sync.records(1, 64)), 413, "quota-exceeded").body("limit", equalTo("sync.bytes"));
    }

    @Test
    void eachEntitlementEventAppliesOnceAndOlderEventsDoNotWin() throws Exception {
        TestPeer owner = TestPeer.create();
        String first = UUID.randomUUID().toString();
        Instant t0 = Instant.now().minusSeconds(60);
        produce(owner.id(), entitlementEvent(first, t0, owner, "basic", 14, 1000, 1000, null));
        awaitPlan(owner, "basic");
        produce(owner.id(), entitlementEvent(UUID.randomUUID().toString(), t0.plusSeconds(30), owner, "pro", 30, 1000, 1000, null));
        awaitPlan(owner, "pro");
        // Redelivery of the first event, then an older event with a new id: neither changes anything.
        produce(owner.id(), entitlementEvent(first, t0, owner, "basic", 14, 1000, 1000, null));
        produce(owner.id(), entitlementEvent(UUID.randomUUID().toString(), t0.plusSeconds(10), owner, "stale", 14, 1000, 1000, null));
        // A later marker on the same key (same partition, so processed after them).
        TestPeer marker = TestPeer.create();
        produce(owner.id(), entitlementEvent(UUID.randomUUID().toString(), Instant.now(), marker, "marker", 14, 1, 1, null));
        awaitPlan(marker, "marker");
        assertEquals("pro", plan(owner));
        try (Connection c = db(); PreparedStatement s = c.prepareStatement("SELECT count(*) FROM sync.peers_processed_events WHERE event_id = ?")) {
            s.setString(1, first);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
    }

    @Test
    void anExpiredEntitlementFallsBackToTheFreePlan() throws Exception {
        TestPeer owner = TestPeer.create();
        produce(owner.id(), entitlementEvent(UUID.randomUUID().toString(), Instant.now(), owner, "lapsed", 30, 10, 1, Instant.now().minusSeconds(5)));
        awaitPlan(owner, "lapsed");
        String stream = Sync.createStream(owner);
        // The lapsed plan would allow 1 record of 10 bytes for 30 days; the free plan applies instead.
        Instant expires = Instant.parse(Sync.append(owner, stream, Sync.records(3, 100)).statusCode(200).extract().jsonPath().getString("records[0].expiresAt"));
        long days = Duration.between(Instant.now(), expires).toDays();
        assertTrue(days == 13 || days == 14, "free plan: " + expires);
    }

    @Test
    void malformedEntitlementEventsAreSkipped() throws Exception {
        TestPeer owner = TestPeer.create();
        produce(owner.id(), "not a cloud event");
        produce(owner.id(), entitlementEvent(UUID.randomUUID().toString(), Instant.now(), owner, "neg", -1, 10, 10, null));
        produce(owner.id(), entitlementEvent(UUID.randomUUID().toString(), Instant.now(), owner, "good", 20, 10_000, 10, null));
        awaitPlan(owner, "good");
    }

    @Test
    void storedBytesPerOwnerAreReportedAsUsageEvents() throws Throwable {
        TestPeer owner = TestPeer.create();
        String stream = Sync.createStream(owner);
        Sync.append(owner, stream, Sync.records(3, 100)).statusCode(200);
        try (KafkaTestConsumer c = new KafkaTestConsumer(PeersInfra.get().kafka().bootstrapServers(), UsageReporter.TOPIC)) {
            assertTrue(VertxContextSupport.subscribeAndAwait(() -> usage.report()) >= 1);
            var first = c.awaitRecords(r -> owner.id().equals(r.key()), 1, Duration.ofSeconds(30)).get(0);
            CloudEvent e = EventEnvelope.parse(first.value());
            assertEquals(UsageReporter.TYPE, e.getType());
            assertEquals(owner.id(), e.getSubject());
            assertEquals("urn:peers:sync-buffer", e.getSource().toString());
            JsonNode data = JSON.readTree(EventEnvelope.data(e));
            assertEquals(300, data.get("bytes").asLong());
            assertEquals(3, data.get("records").asLong());
            assertEquals(owner.id(), data.get("peer").asText());

            given().filter(owner.signed()).delete(Sync.BASE + "/" + stream).then().statusCode(204);
            VertxContextSupport.subscribeAndAwait(() -> usage.report());
            var second = c.awaitRecords(r -> owner.id().equals(r.key()), 2, Duration.ofSeconds(30)).get(1);
            JsonNode after = JSON.readTree(EventEnvelope.data(EventEnvelope.parse(second.value())));
            assertEquals(0, after.get("bytes").asLong());
            assertEquals(0, after.get("records").asLong());
        }
    }


}
