package peers.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Credentials live in Secrets only: never in a ConfigMap, never inline in a pod spec. */
class SecretsTest {

    private static final String PG_PASSWORD = "pg-Secret-0f3a9c";
    private static final String KAFKA_PASSWORD = "kafka-Secret-77b1e2";
    private static final String S3_KEY_ID = "s3-KeyId-4d2f81";
    private static final String S3_SECRET = "s3-Secret-a1c9e0";
    private static final String LOG_KEY = "MC4CAQAwBQYDK2VwBCIEIJ-logkey-5e8d";
    /** Two custodial key-encryption keys in the form managed-keys parses (`<key id>:<base64url of 32 bytes>`). */
    private static final String KEK = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8,k2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8";
    private static final String TURN = "turn-Secret-c40d12";
    private static final String STRIPE_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
    private static final String STRIPE_WEBHOOK = "whsec_9f1c2d3e4b5a";
    private static final List<String> ALL = List.of(PG_PASSWORD, KAFKA_PASSWORD, S3_KEY_ID, S3_SECRET, LOG_KEY, KEK, TURN, STRIPE_KEY, STRIPE_WEBHOOK);

    /** Names of settings that must never sit in a ConfigMap. */
    private static final Pattern CREDENTIAL_NAME = Pattern.compile(".*(PASSWORD|SECRET|PRIVATE_KEY|KEK|JAAS|TOKEN|ACCESS_KEY|API_KEY|CUSTODIAL_KEYS).*");

    private static final String INLINE = """
            postgresql:
              auth: {password: %s, existingSecret: ""}
            kafka:
              sasl: {enabled: true, username: peers, password: %s}
            s3:
              auth: {accessKeyId: %s, secretAccessKey: %s, existingSecret: ""}
            services:
              key-registry:
                secrets:
                  logPrivateKey: {value: %s}
              managed-keys:
                secrets:
                  custodialKeys: {value: "%s", existingSecret: ""}
              signaling:
                secrets:
                  turnSecret: {value: %s, existingSecret: ""}
              affiliate-billing:
                secrets:
                  stripeApiKey: {value: %s, existingSecret: ""}
                  stripeWebhookSecret: {value: %s, existingSecret: ""}
            """.formatted(PG_PASSWORD, KAFKA_PASSWORD, S3_KEY_ID, S3_SECRET, LOG_KEY, KEK, TURN, STRIPE_KEY, STRIPE_WEBHOOK);

    @Test
    void inlineCredentialsGoIntoSecretsOnly() {
        Manifests m = Chart.render(Chart.testResource("all-services-values.yaml"), Chart.values(INLINE));
        String secretText = m.secrets().stream().flatMap(s -> s.getData().values().stream())
                .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)).collect(Collectors.joining("\n"));
        for (String credential : ALL) {
            assertTrue(secretText.contains(credential), credential + " is stored in a Secret");
        }
        KubernetesSerialization yaml = new KubernetesSerialization();
        for (HasMetadata resource : m.all) {
            if (resource instanceof Secret) {
                continue;
            }
            String text = yaml.asYaml(resource);
            for (String credential : ALL) {
                assertFalse(text.contains(credential), credential + " leaked into " + resource.getKind() + "/" + resource.getMetadata().getName());
                assertFalse(text.contains(Base64.getEncoder().encodeToString(credential.getBytes(StandardCharsets.UTF_8))),
                        credential + " (base64) leaked into " + resource.getKind() + "/" + resource.getMetadata().getName());
            }
        }
        // The pods read them through secretKeyRef.
        Map<String, EnvVar> registryEnv = env(m, "key-registry");
        assertEquals(Chart.objectName("key-registry"), registryEnv.get("PEERS_REGISTRY_LOG_PRIVATE_KEY").getValueFrom().getSecretKeyRef().getName());
        assertEquals("peers-peers-services-postgresql", registryEnv.get("QUARKUS_DATASOURCE_PASSWORD").getValueFrom().getSecretKeyRef().getName());
        assertEquals("peers-peers-services-kafka", registryEnv.get("PEERS_KAFKA_SASL_PASSWORD").getValueFrom().getSecretKeyRef().getName());
        assertTrue(registryEnv.get("KAFKA_SASL_JAAS_CONFIG").getValue().contains("password=\"$(PEERS_KAFKA_SASL_PASSWORD)\""),
                "the JAAS line references the password variable; Kubernetes expands it in the pod");
        var turn = env(m, "signaling").get("PEERS_SIGNALING_ICE_TURN_SECRET").getValueFrom().getSecretKeyRef();
        assertEquals(Chart.objectName("signaling"), turn.getName());
        assertEquals("turnSecret", turn.getKey());
        Map<String, EnvVar> backupEnv = env(m, "backup-service");
        assertEquals("peers-peers-services-s3", backupEnv.get("PEERS_S3_SECRET_KEY").getValueFrom().getSecretKeyRef().getName());
        assertEquals("secret-access-key", backupEnv.get("PEERS_S3_SECRET_KEY").getValueFrom().getSecretKeyRef().getKey());
        assertEquals("access-key-id", backupEnv.get("PEERS_S3_ACCESS_KEY").getValueFrom().getSecretKeyRef().getKey());
        var kek = env(m, "managed-keys").get("PEERS_AUTH_CUSTODIAL_KEYS").getValueFrom().getSecretKeyRef();
        assertEquals(Chart.objectName("managed-keys"), kek.getName());
        assertEquals("custodialKeys", kek.getKey());
        assertEquals(KEK, secretValue(m, Chart.objectName("managed-keys"), "custodialKeys"), "the key list is stored whole, commas and all");
        Map<String, EnvVar> billingEnv = env(m, "affiliate-billing");
        assertEquals("stripeApiKey", billingEnv.get("PEERS_BILLING_STRIPE_API_KEY").getValueFrom().getSecretKeyRef().getKey());
        assertEquals("stripeWebhookSecret", billingEnv.get("PEERS_BILLING_STRIPE_WEBHOOK_SECRET").getValueFrom().getSecretKeyRef().getKey());
        assertEquals(STRIPE_KEY, secretValue(m, Chart.objectName("affiliate-billing"), "stripeApiKey"));
        // Only the services that hold credentials of their own get a Secret of their own.
        assertTrue(m.secrets().stream().noneMatch(s -> s.getMetadata().getName().equals(Chart.objectName("backup-service"))));
        assertTrue(m.secrets().stream().noneMatch(s -> s.getMetadata().getName().equals(Chart.objectName("sync-buffer"))));
    }

    private static String secretValue(Manifests m, String secret, String key) {
        Secret s = m.secrets().stream().filter(x -> x.getMetadata().getName().equals(secret)).findFirst().orElseThrow();
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }

    @Test
    void theNewServicesReadTheirCredentialsOnlyFromExistingSecrets() {
        Manifests m = Chart.render(Chart.testResource("all-services-values.yaml"));
        var kek = env(m, "managed-keys").get("PEERS_AUTH_CUSTODIAL_KEYS").getValueFrom().getSecretKeyRef();
        assertEquals("peers-kek", kek.getName());
        assertEquals("custodial-keys", kek.getKey());
        Map<String, EnvVar> billing = env(m, "affiliate-billing");
        assertEquals("peers-stripe", billing.get("PEERS_BILLING_STRIPE_API_KEY").getValueFrom().getSecretKeyRef().getName());
        assertEquals("api-key", billing.get("PEERS_BILLING_STRIPE_API_KEY").getValueFrom().getSecretKeyRef().getKey());
        assertEquals("peers-stripe", billing.get("PEERS_BILLING_STRIPE_WEBHOOK_SECRET").getValueFrom().getSecretKeyRef().getName());
        assertEquals("webhook-secret", billing.get("PEERS_BILLING_STRIPE_WEBHOOK_SECRET").getValueFrom().getSecretKeyRef().getKey());
        Map<String, EnvVar> backup = env(m, "backup-service");
        assertEquals("peers-s3", backup.get("PEERS_S3_ACCESS_KEY").getValueFrom().getSecretKeyRef().getName(), "s3.auth.existingSecret's default");
        assertEquals("secret-access-key", backup.get("PEERS_S3_SECRET_KEY").getValueFrom().getSecretKeyRef().getKey());
        // The non-secret halves stay in the ConfigMap.
        Map<String, String> authConfig = m.get(ConfigMap.class, Chart.objectName("managed-keys")).getData();
        assertEquals("k2", authConfig.get("PEERS_AUTH_CUSTODIAL_CURRENT_KEY_ID"));
        assertFalse(authConfig.containsKey("PEERS_AUTH_CUSTODIAL_KEYS"));
        Map<String, String> billingConfig = m.get(ConfigMap.class, Chart.objectName("affiliate-billing")).getData();
        assertEquals("manual,stripe", billingConfig.get("PEERS_BILLING_PROVIDERS"));
        assertEquals("JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs", billingConfig.get("PEERS_BILLING_OPERATOR_KEYS"));
        assertTrue(billingConfig.keySet().stream().noneMatch(k -> k.startsWith("PEERS_BILLING_STRIPE")));
        assertTrue(m.secrets().isEmpty(), "nothing inline, so the chart makes no Secret");
    }

    @Test
    void withoutCustodialKeysOrStripeTheirVariablesAreAbsent() {
        Manifests m = Chart.render();
        assertFalse(env(m, "managed-keys").containsKey("PEERS_AUTH_CUSTODIAL_KEYS"), "custodial mode stays off");
        assertFalse(env(m, "affiliate-billing").containsKey("PEERS_BILLING_STRIPE_API_KEY"));
        assertFalse(env(m, "affiliate-billing").containsKey("PEERS_BILLING_STRIPE_WEBHOOK_SECRET"));
        for (String service : List.of("key-registry", "signaling", "sync-buffer", "managed-keys", "affiliate-billing")) {
            assertFalse(env(m, service).containsKey("PEERS_S3_SECRET_KEY"), service + " does not use S3, so it gets no S3 credentials");
        }
        assertTrue(env(m, "backup-service").containsKey("PEERS_S3_SECRET_KEY"));
    }

    @Test
    void existingSecretsAreReferencedAndNoSecretIsMade() {
        Manifests m = Chart.render(Chart.testResource("all-services-values.yaml"), Chart.CI_DIR.resolve("production-values.yaml"));
        assertTrue(m.secrets().isEmpty(), "no chart-made Secret when every credential comes from an existing one");
        Map<String, EnvVar> env = env(m, "key-registry");
        var logKey = env.get("PEERS_REGISTRY_LOG_PRIVATE_KEY").getValueFrom().getSecretKeyRef();
        assertEquals("peers-registry-log-key", logKey.getName());
        assertEquals("log-private-key", logKey.getKey());
        var password = env.get("QUARKUS_DATASOURCE_PASSWORD").getValueFrom().getSecretKeyRef();
        assertEquals("peers-db-app", password.getName());
        assertEquals("password", password.getKey());
        var user = env.get("QUARKUS_DATASOURCE_USERNAME").getValueFrom().getSecretKeyRef();
        assertEquals("username", user.getKey(), "CloudNativePG's app Secret holds the user name too");
        var turn = env(m, "signaling").get("PEERS_SIGNALING_ICE_TURN_SECRET").getValueFrom().getSecretKeyRef();
        assertEquals("peers-turn", turn.getName());
        assertEquals("static-auth-secret", turn.getKey(), "coturn's static-auth-secret, under the variable SmallRye maps to peers.signaling.ice.turn-secret");
        assertEquals("peers-auth-kek", env(m, "managed-keys").get("PEERS_AUTH_CUSTODIAL_KEYS").getValueFrom().getSecretKeyRef().getName());
        assertEquals("peers-stripe", env(m, "affiliate-billing").get("PEERS_BILLING_STRIPE_API_KEY").getValueFrom().getSecretKeyRef().getName());
    }

    @Test
    void noConfigMapCarriesACredentialSetting() {
        for (Manifests m : List.of(Chart.render(), Chart.render(Chart.testResource("all-services-values.yaml"), Chart.values(INLINE)),
                Chart.render(Chart.testResource("all-services-values.yaml"), Chart.testResource("all-switches-values.yaml")))) {
            for (ConfigMap configMap : m.configMaps()) {
                configMap.getData().keySet().forEach(key -> assertFalse(CREDENTIAL_NAME.matcher(key).matches(),
                        configMap.getMetadata().getName() + " has " + key));
            }
            for (Deployment deployment : m.ofType(Deployment.class)) {
                for (EnvVar var : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                    if (CREDENTIAL_NAME.matcher(var.getName()).matches() && !var.getName().equals("KAFKA_SASL_JAAS_CONFIG")) {
                        assertNotNull(var.getValueFrom(), var.getName() + " comes from a Secret");
                        assertNotNull(var.getValueFrom().getSecretKeyRef(), var.getName() + " comes from a Secret");
                    }
                }
            }
        }
    }

    @Test
    void withoutATurnSecretTheVariableIsAbsent() {
        // STUN only; TURN URLs without the secret are refused by validateValues (ValuesSchemaTest).
        assertFalse(env(Chart.render(), "signaling").containsKey("PEERS_SIGNALING_ICE_TURN_SECRET"));
    }

    @Test
    void withoutALogKeyTheVariableIsAbsentAndTheRegistryKeepsItsOwn() {
        Map<String, EnvVar> env = env(Chart.render(), "key-registry");
        assertFalse(env.containsKey("PEERS_REGISTRY_LOG_PRIVATE_KEY"));
        assertTrue(Optional.ofNullable(Chart.notes()).orElse("").contains("no log signing key from a Secret"));
    }

    private static Map<String, EnvVar> env(Manifests m, String service) {
        return m.get(Deployment.class, Chart.objectName(service)).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e));
    }
}
