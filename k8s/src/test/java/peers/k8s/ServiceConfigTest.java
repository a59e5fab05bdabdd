package peers.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What backup-service, managed-keys and affiliate-billing read from their ConfigMaps (the settings each service's config mapping names). */
class ServiceConfigTest {

    @Test
    void backupServiceGetsTheS3StoreAndItsBucket() {
        Manifests m = Chart.render(Chart.values("s3:\n  endpoint: https://s3.example.org\n  region: eu-central-1\n  pathStyle: false\n"));
        Map<String, String> backup = config(m, "backup-service");
        assertEquals("https://s3.example.org", backup.get("PEERS_S3_ENDPOINT"));
        assertEquals("eu-central-1", backup.get("PEERS_S3_REGION"));
        assertEquals("false", backup.get("PEERS_S3_PATH_STYLE"));
        assertEquals("peers-backup", backup.get("PEERS_BACKUP_BUCKET"), "BackupConfig's bucket, spelled out so operators see it");
        assertTrue(backup.get("QUARKUS_DATASOURCE_JDBC_URL").startsWith("jdbc:postgresql://peers-db-rw:5432/peers?"));
        assertEquals("peers-kafka-kafka-bootstrap:9092", backup.get("KAFKA_BOOTSTRAP_SERVERS"));
        for (String other : List.of("key-registry", "signaling", "sync-buffer", "managed-keys", "affiliate-billing")) {
            assertTrue(config(m, other).keySet().stream().noneMatch(k -> k.startsWith("PEERS_S3_")), other + " does not use S3");
        }
        assertEquals("other-bucket", config(Chart.render(Chart.values("services:\n  backup-service:\n    config: {PEERS_BACKUP_BUCKET: other-bucket}\n")), "backup-service")
                .get("PEERS_BACKUP_BUCKET"));
    }

    @Test
    void managedKeysRelyingPartyFollowsTheHostnameUnlessSet() {
        Map<String, String> byDefault = config(Chart.render(), "managed-keys");
        assertEquals("peers.example.com", byDefault.get("PEERS_AUTH_RP_ID"));
        assertEquals("https://peers.example.com", byDefault.get("PEERS_AUTH_ORIGINS"));
        Map<String, String> otherHost = config(Chart.render(Chart.values("hostname: id.example.org\n")), "managed-keys");
        assertEquals("id.example.org", otherHost.get("PEERS_AUTH_RP_ID"));
        assertEquals("https://id.example.org", otherHost.get("PEERS_AUTH_ORIGINS"));
        Map<String, String> production = config(Chart.render(Chart.CI_DIR.resolve("production-values.yaml")), "managed-keys");
        assertEquals("ci.example.org", production.get("PEERS_AUTH_RP_ID"));
        assertEquals("https://app.ci.example.org,https://peers.ci.example.org", production.get("PEERS_AUTH_ORIGINS"));
        assertEquals("2026-01", production.get("PEERS_AUTH_CUSTODIAL_CURRENT_KEY_ID"));
        assertFalse(byDefault.containsKey("PEERS_AUTH_CUSTODIAL_CURRENT_KEY_ID"), "default: the first listed key");
        assertEquals("peers-kafka-kafka-bootstrap:9092", byDefault.get("KAFKA_BOOTSTRAP_SERVERS"), "account events go out through the outbox");
    }

    @Test
    void signalingKeepsItsCommittedHeapNearTheLiveOne() {
        Manifests m = Chart.render();
        String signaling = config(m, "signaling").get("JDK_JAVA_OPTIONS");
        assertTrue(signaling.contains("-XX:MaxHeapFreeRatio=30") && signaling.contains("-XX:MinHeapFreeRatio=10"), signaling);
        assertTrue(signaling.contains("-XX:MaxRAMPercentage=75"), "the defaults stay: " + signaling);
        assertEquals("-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError", config(m, "sync-buffer").get("JDK_JAVA_OPTIONS"));
    }

    @Test
    void affiliateBillingSettingsPassThrough() {
        Map<String, String> billing = config(Chart.render(Chart.CI_DIR.resolve("production-values.yaml")), "affiliate-billing");
        assertEquals("manual,stripe", billing.get("PEERS_BILLING_PROVIDERS"));
        assertEquals("false", billing.get("PEERS_BILLING_CREATE_TOPICS"));
        assertEquals("JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs", billing.get("PEERS_BILLING_OPERATOR_KEYS"));
        assertEquals("SASL_SSL", billing.get("KAFKA_SECURITY_PROTOCOL"));
        Map<String, String> byDefault = config(Chart.render(), "affiliate-billing");
        assertFalse(byDefault.containsKey("PEERS_BILLING_PROVIDERS"), "the service's default: manual only");
    }

    @Test
    void notesNameWhatTheNewServicesStillNeed() {
        String notes = flat(Chart.notes());
        assertTrue(notes.contains("presigned upload and download URLs on s3.endpoint (http://minio:9000)"), notes);
        assertTrue(notes.contains("PEERS_BILLING_OPERATOR_KEYS"), notes);
        assertTrue(notes.contains(" - backup-service: peers-peers-services-backup-service"), notes);
        String dev = flat(Chart.notes(Chart.values("services:\n  managed-keys:\n    config: {PEERS_AUTH_RP_ID: localhost, PEERS_AUTH_ORIGINS: \"http://localhost:*\"}\n")));
        assertTrue(dev.contains("for development on localhost only"), dev);
        String tls = flat(Chart.notes(Chart.testResource("all-switches-values.yaml")));
        assertTrue(tls.contains("PEERS_BILLING_CREATE_TOPICS=\"false\""), tls);
        assertFalse(Chart.notes(Chart.CI_DIR.resolve("production-values.yaml")).contains("Before production"));
    }

    /** NOTES wraps its list at 96 columns. */
    private static String flat(String notes) {
        return notes.replaceAll("\\s+", " ");
    }

    private static Map<String, String> config(Manifests m, String service) {
        return m.get(ConfigMap.class, Chart.objectName(service)).getData();
    }
}
