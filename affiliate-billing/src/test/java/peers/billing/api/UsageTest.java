package peers.billing.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import peers.billing.testsupport.BillingTestResource;
import peers.testing.infra.PeersInfra;
import peers.testing.peers.TestPeer;

/** Usage totals from sync-buffer and backup-service (topic peers.usage) shown against the plan's limits; the entitlements topic is compacted. */
@QuarkusTest
@WithTestResource(value = BillingTestResource.class, scope = TestResourceScope.GLOBAL)
class UsageTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static String usage(String type, TestPeer peer, Map<String, Object> data) throws Exception {
        var e = CloudEventBuilder.v1().withId(UUID.randomUUID().toString()).withSource(URI.create("urn:peers:x")).withType(type)
                .withSubject(peer.id()).withTime(Instant.now().atOffset(ZoneOffset.UTC)).withDataContentType("application/json")
                .withData(JSON.writeValueAsBytes(data)).build();
        return new String(EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(e), StandardCharsets.UTF_8);
    }

    @Test
    void usageIsShownAgainstTheLimitsAndTheNewestTotalWins() throws Exception {
        TestPeer user = TestPeer.create();
        Billing.get(user, "/usage").statusCode(200).body("plan", equalTo("free")).body("syncBytes.used", equalTo(0)).body("syncBytes.reportedAt", nullValue());
        Instant t = Instant.now();
        AppsAndAttributionTest.produce("peers.usage", user.id(), usage("peers.sync.usage.v1", user,
                Map.of("peer", user.id(), "service", "sync-buffer", "bytes", 134217728, "records", 250000, "at", t.toString())));
        AppsAndAttributionTest.produce("peers.usage", user.id(), usage("peers.backup.usage.v1", user,
                Map.of("peer", user.id(), "service", "backup-service", "bytes", 2147483648L, "objects", 12, "at", t.toString())));
        // An older report arriving late, a malformed one and an unknown type change nothing.
        AppsAndAttributionTest.produce("peers.usage", user.id(), usage("peers.sync.usage.v1", user,
                Map.of("peer", user.id(), "service", "sync-buffer", "bytes", 1, "records", 1, "at", t.minusSeconds(60).toString())));
        AppsAndAttributionTest.produce("peers.usage", user.id(), usage("peers.sync.usage.v1", user, Map.of("peer", user.id(), "bytes", -5, "records", "x")));
        AppsAndAttributionTest.produce("peers.usage", user.id(), "not a cloud event");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Billing.scalar("SELECT count(*) FROM billing.usage WHERE peer_key = '" + user.id() + "'") < 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("usage not consumed");
            }
            Thread.sleep(100);
        }
        Thread.sleep(1000);
        Billing.get(user, "/usage").statusCode(200)
                .body("syncBytes.used", equalTo(134217728)).body("syncBytes.limit", equalTo(268435456)).body("syncBytes.perMille", equalTo(500))
                .body("syncRecords.used", equalTo(250000)).body("syncRecords.perMille", equalTo(250))
                .body("backupBytes.used", equalTo(2147483648L)).body("backupBytes.limit", equalTo(1073741824)).body("backupBytes.perMille", equalTo(2000))
                .body("backupObjects", equalTo(12));
        // With a paid plan the same usage is measured against its limits.
        Billing.pay(Billing.subscribe(user, "personal"), 300, "EUR").statusCode(200);
        Billing.get(user, "/usage").statusCode(200).body("plan", equalTo("personal")).body("backupBytes.limit", equalTo(53687091200L))
                .body("backupBytes.perMille", equalTo(40));
    }

    @Test
    void theEntitlementsTopicIsCompacted() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, PeersInfra.get().kafka().bootstrapServers()))) {
            while (true) {
                try {
                    var resource = new ConfigResource(ConfigResource.Type.TOPIC, "peers.entitlements");
                    String policy = admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value();
                    assertEquals("compact", policy);
                    return;
                } catch (Exception | AssertionError e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
        }
    }
}
