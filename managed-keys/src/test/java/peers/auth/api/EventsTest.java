package peers.auth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import peers.auth.testsupport.Passkey;
import peers.common.outbox.EventEnvelope;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.PeersInfraResource;
import peers.testing.kafka.KafkaTestConsumer;
import peers.testing.peers.TestPeer;

/** Account and passkey events leave through the outbox on peers.accounts, keyed by the identity key, as the contract says. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class EventsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void signUpPasskeyChangesAndDeletionAreEvents() throws Exception {
        Passkey first = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        TestPeer identity = TestPeer.create();
        try (KafkaTestConsumer c = new KafkaTestConsumer(PeersInfra.get().kafka().bootstrapServers(), "peers.accounts")) {
            var s = Auth.signUp(first, identity, "prf", "attributed-app");
            AccountsTest.putWrap(s.token(), s.credentialId(), Auth.wrap(identity, Passkey.random(32), s.prfSaltId())).statusCode(200);
            Passkey second = new Passkey(Passkey.Engine.EMULATOR_NONE);
            String[] added = AccountsTest.addPasskey(s.token(), second, null);
            AccountsTest.putWrap(s.token(), added[0], Auth.wrap(identity, Passkey.random(32), added[1])).statusCode(200);
            AccountsTest.as(s.token()).delete(Auth.BASE + "/account/credentials/" + s.credentialId()).then().statusCode(204);
            String token = Auth.loginToken(second, s.accountId());
            AccountsTest.as(token).delete(Auth.BASE + "/account").then().statusCode(204);

            List<ConsumerRecord<String, String>> records = c.awaitRecords(r -> identity.id().equals(r.key()), 5, Duration.ofSeconds(60));
            List<CloudEvent> events = records.stream().map(r -> EventEnvelope.parse(r.value())).toList();
            assertEquals(List.of("peers.auth.account.created.v1", "peers.auth.credential.added.v1", "peers.auth.credential.added.v1",
                    "peers.auth.credential.removed.v1", "peers.auth.account.deleted.v1"), events.stream().map(CloudEvent::getType).toList());
            for (CloudEvent e : events) {
                assertEquals("urn:peers:managed-keys", e.getSource().toString());
                assertEquals(identity.id(), e.getSubject());
            }
            JsonNode created = JSON.readTree(EventEnvelope.data(events.get(0)));
            assertEquals(identity.id(), created.get("peer").asText());
            assertEquals(s.accountId(), created.get("accountId").asText());
            assertEquals("attributed-app", created.get("appId").asText());
            assertEquals("prf", created.get("mode").asText());
            Instant.parse(created.get("at").asText());
            assertEquals(5, created.size(), "exactly the contract's fields: " + created);
            JsonNode addedEvent = JSON.readTree(EventEnvelope.data(events.get(2)));
            assertEquals(added[0], addedEvent.get("credentialId").asText());
            assertEquals(s.accountId(), addedEvent.get("accountId").asText());
            assertEquals(identity.id(), addedEvent.get("peer").asText());
            assertTrue(addedEvent.has("at"));
            assertEquals(s.credentialId(), JSON.readTree(EventEnvelope.data(events.get(3))).get("credentialId").asText());
            assertEquals(s.accountId(), JSON.readTree(EventEnvelope.data(events.get(4))).get("accountId").asText());
        }
    }

    @Test
    void theAppIdMayComeAsPeersAppHeaderAndIsNullWithout() throws Exception {
        TestPeer identity = TestPeer.create();
        TestPeer anonymous = TestPeer.create();
        try (KafkaTestConsumer c = new KafkaTestConsumer(PeersInfra.get().kafka().bootstrapServers(), "peers.accounts")) {
            var o = io.restassured.RestAssured.given().header("Peers-App", "header-app").contentType("application/json").body("{}")
                    .post(Auth.BASE + "/registrations/options").then().statusCode(200).extract().jsonPath();
            Auth.Options opts = new Auth.Options(o.getString("ceremonyId"), o.getMap("publicKey"));
            Auth.register(Auth.signUpBody(opts, new Passkey(Passkey.Engine.SOFT_EDDSA_NONE).create(opts.publicKey()), identity, "prf")).statusCode(201);
            Auth.signUp(new Passkey(Passkey.Engine.SOFT_EDDSA_NONE), anonymous, "prf", null);
            var a = c.awaitRecords(r -> identity.id().equals(r.key()) && r.value().contains("account.created"), 1, Duration.ofSeconds(60)).get(0);
            assertEquals("header-app", JSON.readTree(EventEnvelope.data(EventEnvelope.parse(a.value()))).get("appId").asText());
            var b = c.awaitRecords(r -> anonymous.id().equals(r.key()) && r.value().contains("account.created"), 1, Duration.ofSeconds(60)).get(0);
            assertTrue(JSON.readTree(EventEnvelope.data(EventEnvelope.parse(b.value()))).get("appId").isNull());
        }
    }
}
