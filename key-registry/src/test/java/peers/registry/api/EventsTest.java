package peers.registry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import peers.common.outbox.EventEnvelope;
import peers.common.outbox.ProcessedEvents;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.PeersInfraResource;
import peers.testing.kafka.KafkaTestConsumer;
import peers.testing.peers.TestPeer;

/** Identity events leave through the outbox as CloudEvents, and survive a Kafka outage. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class EventsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ProcessedEvents processed;

    static KafkaTestConsumer consumer() {
        return new KafkaTestConsumer(PeersInfra.get().kafka().bootstrapServers(), "peers.identity");
    }

    @Test
    void registrationAndRevocationArePublishedAsCloudEventsKeyedBySubject() throws Exception {
        TestPeer p = TestPeer.create();
        String handle = Registrations.uniqueHandle();
        try (KafkaTestConsumer c = consumer()) {
            Registrations.register(p, handle).statusCode(201);
            io.restassured.RestAssured.given().filter(p.signed()).post("/registry/v1/identities/" + p.id() + "/revocation").then().statusCode(200);
            List<ConsumerRecord<String, String>> records = c.awaitRecords(r -> p.id().equals(r.key()), 2, Duration.ofSeconds(30));
            CloudEvent registered = EventEnvelope.parse(records.get(0).value());
            assertEquals("peers.identity.registered.v1", registered.getType());
            assertEquals(p.id(), registered.getSubject());
            assertEquals("urn:peers:key-registry", registered.getSource().toString());
            JsonNode data = JSON.readTree(EventEnvelope.data(registered));
            assertEquals(handle, data.get("handle").asText());
            assertEquals("peers.identity.revoked.v1", EventEnvelope.parse(records.get(1).value()).getType());
        }
    }

    @Test
    void eventsWaitInTheOutboxWhileKafkaIsDownAndAllArriveAfterwards() throws Exception {
        var kafka = PeersInfra.get().kafka();
        List<String> keys = new ArrayList<>();
        kafka.stop();
        try {
            for (int i = 0; i < 5; i++) {
                TestPeer p = TestPeer.create();
                keys.add(p.id());
                // Writes keep being acknowledged while the broker is away.
                Registrations.register(p, Registrations.uniqueHandle()).statusCode(201);
            }
            assertTrue(pendingOutboxRows() >= 5, "events wait in the outbox");
        } finally {
            kafka.start();
        }
        try (KafkaTestConsumer c = consumer()) {
            Set<String> wanted = Set.copyOf(keys);
            List<ConsumerRecord<String, String>> got = c.awaitRecords(r -> wanted.contains(r.key()), 5, Duration.ofSeconds(90));
            assertEquals(wanted, got.stream().map(ConsumerRecord::key).collect(Collectors.toSet()));
        }
    }

    @Test
    void processedEventsAreAppliedOnce() throws Throwable {
        String id = UUID.randomUUID().toString();
        assertTrue(VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> processed.firstTime("test-consumer", id))));
        assertFalse(VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> processed.firstTime("test-consumer", id))));
        assertTrue(VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> processed.firstTime("other-consumer", id))));
    }

    static long pendingOutboxRows() throws Exception {
        var pg = PeersInfra.get().postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "postgres");
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM registry.peers_outbox")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
