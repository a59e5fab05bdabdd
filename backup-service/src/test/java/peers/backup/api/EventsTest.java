package peers.backup.api;

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
import io.restassured.http.ContentType;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import peers.backup.quota.UsageReporter;
import peers.common.outbox.EventEnvelope;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.PeersInfraResource;
import peers.testing.infra.TestPostgres;
import peers.testing.kafka.KafkaTestConsumer;
import peers.testing.peers.TestPeer;

/** Entitlements from affiliate-billing set the backup quota; stored bytes leave as usage events through the outbox. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class EventsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    UsageReporter usage;

    static String entitlement(String id, Instant time, TestPeer peer, String plan, long backupBytes, Instant validUntil) throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("peer", peer.id());
        data.put("plan", plan);
        data.put("syncRetentionDays", 14);
        data.put("syncBytes", 1000);
        data.put("syncRecords", 1000);
        data.put("backupBytes", backupBytes);
        data.put("turnBytesPerMonth", 1000);
        data.put("validUntil", validUntil == null ? null : validUntil.toString());
        CloudEvent e = CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:peers:affiliate-billing"))
                .withType("peers.billing.entitlements.v1").withSubject(peer.id()).withTime(time.atOffset(ZoneOffset.UTC))
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
            // What common's OutboxRelay (so affiliate-billing) sends: structured-mode CloudEvents with this header.
            record.headers().add("content-type", JsonFormat.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }

    static String plan(TestPeer p) {
        var pg = PeersInfra.get().postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE), pg.user(), pg.password());
                PreparedStatement s = c.prepareStatement("SELECT plan FROM backup.entitlements WHERE peer_key = ?")) {
            s.setString(1, p.id());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (Exception e) {
            return null;
        }
    }

    static void awaitPlan(TestPeer p, String plan) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!plan.equals(plan(p))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for plan " + plan);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void entitlementsSetTheQuotaAndOlderOrMalformedEventsDoNot() throws Exception {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        String sha = Backup.sha256(new byte[] {1});
        Instant t0 = Instant.now().minusSeconds(60);
        produce(owner.id(), "not a cloud event");
        produce(owner.id(), entitlement(UUID.randomUUID().toString(), t0, owner, "pro", 5L << 30, null));
        awaitPlan(owner, "pro");
        // 3 GiB: over the free plan's 1 GiB, within pro's 5 GiB.
        given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("sha256", sha, "size", 3L << 30))
                .post(Backup.REPOS + "/" + repo + "/uploads").then().statusCode(201);
        // An older event (by CloudEvents time) does not win; a newer one does.
        produce(owner.id(), entitlement(UUID.randomUUID().toString(), t0.minusSeconds(30), owner, "stale", 1, null));
        produce(owner.id(), entitlement(UUID.randomUUID().toString(), t0.plusSeconds(30), owner, "tiny", 1000, null));
        awaitPlan(owner, "tiny");
        given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("sha256", Backup.sha256(new byte[] {2}), "size", 1001))
                .post(Backup.REPOS + "/" + repo + "/uploads").then().statusCode(413)
                .body("limit", equalTo("backupBytes")).body("maxBytes", equalTo(1000));
        // The restic endpoint applies the same quota.
        String[] token = Backup.token(owner, repo, "read-write");
        byte[] blob = Backup.random(2000);
        var r = ResticTest.send(repo, token, "POST", "data/" + Backup.sha256(blob), blob, Map.of());
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(r.body().contains("backupBytes"), r.body());
        // A lapsed entitlement falls back to the free plan.
        TestPeer lapsed = TestPeer.create();
        String repo2 = Backup.createRepo(lapsed);
        String[] token2 = Backup.token(lapsed, repo2, "read-write");
        produce(lapsed.id(), entitlement(UUID.randomUUID().toString(), Instant.now(), lapsed, "lapsed", 10, Instant.now().minusSeconds(5)));
        awaitPlan(lapsed, "lapsed");
        assertEquals(200, ResticTest.send(repo2, token2, "POST", "data/" + Backup.sha256(blob), blob, Map.of()).statusCode());
    }

    @Test
    void storedBytesAreReportedAsUsageEvents() throws Throwable {
        TestPeer owner = TestPeer.create();
        String repo = Backup.createRepo(owner);
        Backup.upload(owner, repo, Backup.random(1234));
        String[] token = Backup.token(owner, repo, "read-write");
        byte[] blob = Backup.random(766);
        assertEquals(200, ResticTest.send(repo, token, "POST", "data/" + Backup.sha256(blob), blob, Map.of()).statusCode());
        try (KafkaTestConsumer c = new KafkaTestConsumer(PeersInfra.get().kafka().bootstrapServers(), UsageReporter.TOPIC)) {
            assertTrue(VertxContextSupport.subscribeAndAwait(() -> usage.report()) >= 1);
            var first = c.awaitRecords(r -> owner.id().equals(r.key()), 1, Duration.ofSeconds(30)).get(0);
            CloudEvent e = EventEnvelope.parse(first.value());
            assertEquals(UsageReporter.TYPE, e.getType());
            assertEquals(owner.id(), e.getSubject());
            assertEquals("urn:peers:backup-service", e.getSource().toString());
            JsonNode data = JSON.readTree(EventEnvelope.data(e));
            assertEquals("backup-service", data.get("service").asText());
            assertEquals(2000, data.get("bytes").asLong());
            assertEquals(2, data.get("objects").asLong());
            // Unchanged usage is not reported again; a deletion (to zero) is.
            VertxContextSupport.subscribeAndAwait(() -> usage.report());
            given().filter(owner.signed()).delete(Backup.REPOS + "/" + repo).then().statusCode(204);
            VertxContextSupport.subscribeAndAwait(() -> usage.report());
            var all = c.awaitRecords(r -> owner.id().equals(r.key()), 2, Duration.ofSeconds(30));
            assertEquals(2, all.size());
            assertEquals(0, JSON.readTree(EventEnvelope.data(EventEnvelope.parse(all.get(1).value()))).get("bytes").asLong());
        }
    }
}
