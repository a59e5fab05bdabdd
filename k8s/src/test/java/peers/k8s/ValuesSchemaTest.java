package peers.k8s;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * values.schema.json rejects typos and wrong types before anything renders, and validateValues
 * rejects contradictions with a message that names the value to change.
 */
class ValuesSchemaTest {

    static Stream<Arguments> rejectedBySchema() {
        return Stream.of(
                Arguments.of("unknown top-level key", "ingres:\n  enabled: true\n", "ingres"),
                Arguments.of("unknown nested key", "ingress:\n  tls:\n    secretNmae: x\n", "secretNmae"),
                Arguments.of("unknown key in a service", "services:\n  key-registry:\n    replicaCont: 3\n", "replicaCont"),
                Arguments.of("unknown key in defaults", "defaults:\n  livenessProbe:\n    periodSecond: 3\n", "periodSecond"),
                Arguments.of("typo in a security context", "defaults:\n  containerSecurityContext:\n    runAsNonroot: true\n", "runAsNonroot"),
                Arguments.of("string for an integer", "defaults:\n  replicaCount: two\n", "replicaCount"),
                Arguments.of("string for a boolean", "ingress:\n  enabled: \"yes\"\n", "enabled"),
                Arguments.of("string for a port", "postgresql:\n  port: \"5432\"\n", "port"),
                Arguments.of("object for a list", "services:\n  key-registry:\n    uses: {postgresql: true}\n", "uses"),
                Arguments.of("unknown store", "services:\n  key-registry:\n    uses: [postgresql, redis]\n", "uses"),
                Arguments.of("unknown pathType", "services:\n  key-registry:\n    routes:\n      - {path: /x/, pathType: ImplementationSpecific}\n", "pathType"),
                Arguments.of("relative route path", "services:\n  key-registry:\n    routes:\n      - {path: registry/, pathType: Prefix}\n", "path"),
                Arguments.of("bad service name", "services:\n  Key_Registry:\n    enabled: false\n", "Key_Registry"),
                Arguments.of("discovery name that cannot be an env var part", "services:\n  key-registry:\n    discovery: {name: key-registry}\n", "name"),
                Arguments.of("bad TLS mode", "postgresql:\n  tls:\n    mode: required\n", "mode"),
                Arguments.of("bad image digest", "services:\n  key-registry:\n    image: {digest: latest}\n", "digest"),
                Arguments.of("unknown NetworkPolicy peer field", "networkPolicy:\n  ingressControllers:\n    - namespaceSelektor: {}\n", "namespaceSelektor"),
                Arguments.of("credential without env", "services:\n  key-registry:\n    secrets:\n      extra: {existingSecret: s}\n", "env"),
                Arguments.of("negative replicas", "defaults:\n  replicaCount: -1\n", "replicaCount"),
                Arguments.of("string for streaming", "services:\n  backup-service:\n    routes:\n      - {path: /backup/restic/, pathType: Prefix, streaming: \"yes\"}\n", "streaming"),
                Arguments.of("bad streaming timeout", "gatewayAPI:\n  streamingTimeouts: {request: 10 minutes}\n", "request"),
                Arguments.of("unknown field in a service's egress rule", "services:\n  affiliate-billing:\n    extraEgress:\n      - too: []\n", "too"),
                Arguments.of("bad protocol in a service's egress rule",
                        "services:\n  affiliate-billing:\n    extraEgress:\n      - ports: [{port: 443, protocol: HTTPS}]\n", "protocol"),
                Arguments.of("list for a credential", "services:\n  managed-keys:\n    secrets:\n      custodialKeys: [k1]\n", "custodialKeys"),
                Arguments.of("typo in a credential", "services:\n  affiliate-billing:\n    secrets:\n      stripeApiKey: {existingSecet: s}\n", "existingSecet"),
                Arguments.of("object for a config value", "services:\n  backup-service:\n    config:\n      PEERS_BACKUP_BUCKET: {name: b}\n", "PEERS_BACKUP_BUCKET"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedBySchema")
    void theSchemaRejects(String what, String values, String named) {
        String message = renderFailure(values);
        assertTrue(message.contains("values don't meet the specifications of the schema") || message.contains("schema"), what + ": " + message);
        assertTrue(message.contains(named), what + ": the message should name " + named + ": " + message);
    }

    static Stream<Arguments> rejectedByValidation() {
        return Stream.of(
                Arguments.of("password and existingSecret", "postgresql:\n  auth:\n    password: p\n", "postgresql.auth: both password and existingSecret"),
                Arguments.of("no PostgreSQL credentials", "postgresql:\n  auth:\n    existingSecret: \"\"\n", "postgresql.auth: no credentials"),
                Arguments.of("verify-full without a CA", "postgresql:\n  tls:\n    mode: verify-full\n", "postgresql.tls.caSecret"),
                Arguments.of("SASL without a user", "kafka:\n  sasl:\n    enabled: true\n    existingSecret: k\n", "kafka.sasl.username"),
                Arguments.of("SASL without a password", "kafka:\n  sasl:\n    enabled: true\n    username: u\n", "kafka.sasl: SASL is enabled but no password"),
                Arguments.of("autoscaling min above max", "defaults:\n  autoscaling: {enabled: true, minReplicas: 5, maxReplicas: 3}\n",
                        "services.key-registry.autoscaling: minReplicas (5) is above maxReplicas (3)"),
                Arguments.of("PDB with both bounds", "defaults:\n  pdb: {minAvailable: 1, maxUnavailable: 1}\n", "minAvailable and maxUnavailable are both set"),
                Arguments.of("grace period too short", "defaults:\n  terminationGracePeriodSeconds: 5\n", "terminationGracePeriodSeconds (5) must exceed"),
                Arguments.of("same port for API and management", "defaults:\n  containerPorts: {http: 9000}\n", "the management port must stay apart"),
                Arguments.of("required credential missing", "services:\n  key-registry:\n    secrets:\n      logPrivateKey: {required: true}\n",
                        "services.key-registry.secrets.logPrivateKey: required"),
                Arguments.of("credential value and existingSecret", "services:\n  key-registry:\n    secrets:\n      logPrivateKey: {value: k, existingSecret: s}\n",
                        "services.key-registry.secrets.logPrivateKey: both value and existingSecret"),
                Arguments.of("discovery served by a disabled service", "services:\n  signaling: {enabled: false}\ndiscovery:\n  servedBy: signaling\n",
                        "discovery.servedBy: \"signaling\" is not an enabled service"),
                Arguments.of("nothing enabled",
                        "services:\n  key-registry: {enabled: false}\n  signaling: {enabled: false}\n  sync-buffer: {enabled: false}\n"
                                + "  backup-service: {enabled: false}\n  managed-keys: {enabled: false}\n  affiliate-billing: {enabled: false}\n"
                                + "discovery: {servedBy: \"\"}\n",
                        "no service is enabled"),
                // backup-service
                Arguments.of("no S3 credentials", "s3:\n  auth:\n    existingSecret: \"\"\n", "s3.auth: no credentials"),
                Arguments.of("no S3 endpoint", "s3:\n  endpoint: \"\"\n", "s3.endpoint: empty"),
                Arguments.of("bucket name S3 refuses", "services:\n  backup-service:\n    config: {PEERS_BACKUP_BUCKET: Peers_Backup}\n",
                        "services.backup-service.config.PEERS_BACKUP_BUCKET: \"Peers_Backup\" is not a valid S3 bucket name"),
                // managed-keys
                Arguments.of("no RP id", "services:\n  managed-keys:\n    config: {PEERS_AUTH_RP_ID: \"\"}\n",
                        "services.managed-keys.config.PEERS_AUTH_RP_ID: empty"),
                Arguments.of("no RP id without a hostname", "hostname: \"\"\ningress: {enabled: false}\n",
                        "services.managed-keys.config.PEERS_AUTH_RP_ID: empty"),
                Arguments.of("no origins", "services:\n  managed-keys:\n    config: {PEERS_AUTH_ORIGINS: \" , \"}\n",
                        "services.managed-keys.config.PEERS_AUTH_ORIGINS: empty"),
                Arguments.of("origin outside the RP id", "services:\n  managed-keys:\n    config: {PEERS_AUTH_ORIGINS: \"https://peers.example.com,https://evil.example.net\"}\n",
                        "the host of \"https://evil.example.net\" is not peers.example.com or below it"),
                Arguments.of("origin that only ends like the RP id", "services:\n  managed-keys:\n    config: {PEERS_AUTH_ORIGINS: \"https://notpeers.example.com\"}\n",
                        "the host of \"https://notpeers.example.com\" is not peers.example.com"),
                Arguments.of("plain http origin", "services:\n  managed-keys:\n    config: {PEERS_AUTH_ORIGINS: \"http://peers.example.com\"}\n",
                        "\"http://peers.example.com\" is plain http; browsers offer passkeys only to https origins"),
                Arguments.of("origin with a path", "services:\n  managed-keys:\n    config: {PEERS_AUTH_ORIGINS: \"https://peers.example.com/app\"}\n",
                        "\"https://peers.example.com/app\" is not an origin"),
                Arguments.of("current KEK id without keys", "services:\n  managed-keys:\n    config: {PEERS_AUTH_CUSTODIAL_CURRENT_KEY_ID: k1}\n",
                        "PEERS_AUTH_CUSTODIAL_CURRENT_KEY_ID is \"k1\" but there are no custodial keys"),
                Arguments.of("malformed custodial key", "services:\n  managed-keys:\n    secrets:\n      custodialKeys: {value: \"k1:c2hvcnQ\"}\n",
                        "services.managed-keys.secrets.custodialKeys.value: an entry is not <key id>:<base64url of 32 bytes>"),
                Arguments.of("current KEK id not among the keys",
                        "services:\n  managed-keys:\n    config: {PEERS_AUTH_CUSTODIAL_CURRENT_KEY_ID: k9}\n    secrets:\n      custodialKeys: {value: \"k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\"}\n",
                        "PEERS_AUTH_CUSTODIAL_CURRENT_KEY_ID: \"k9\" is not among the key ids of secrets.custodialKeys (k1)"),
                Arguments.of("custodial keys required but missing", "services:\n  managed-keys:\n    secrets:\n      custodialKeys: {required: true}\n",
                        "services.managed-keys.secrets.custodialKeys: required"),
                // affiliate-billing
                Arguments.of("Stripe without its API key",
                        "services:\n  affiliate-billing:\n    config: {PEERS_BILLING_PROVIDERS: \"manual,stripe\"}\n    extraEgress: [{ports: [{port: 443}]}]\n"
                                + "    secrets:\n      stripeWebhookSecret: {existingSecret: s}\n",
                        "services.affiliate-billing.secrets.stripeApiKey: PEERS_BILLING_PROVIDERS lists stripe"),
                Arguments.of("Stripe without its webhook secret",
                        "services:\n  affiliate-billing:\n    config: {PEERS_BILLING_PROVIDERS: stripe}\n    extraEgress: [{ports: [{port: 443}]}]\n"
                                + "    secrets:\n      stripeApiKey: {existingSecret: s}\n",
                        "services.affiliate-billing.secrets.stripeWebhookSecret: PEERS_BILLING_PROVIDERS lists stripe"),
                Arguments.of("Stripe behind a NetworkPolicy without egress",
                        "services:\n  affiliate-billing:\n    config: {PEERS_BILLING_PROVIDERS: \"manual,stripe\"}\n"
                                + "    secrets:\n      stripeApiKey: {existingSecret: s}\n      stripeWebhookSecret: {existingSecret: s}\n",
                        "services.affiliate-billing.extraEgress: PEERS_BILLING_PROVIDERS lists stripe, but the NetworkPolicy"),
                Arguments.of("unknown payment provider", "services:\n  affiliate-billing:\n    config: {PEERS_BILLING_PROVIDERS: \"manual,paypal\"}\n",
                        "unknown provider \"paypal\""),
                Arguments.of("calls an unknown service", "services:\n  key-registry:\n    calls: [billing]\n", "services.key-registry.calls: \"billing\" is not a service"),
                Arguments.of("no image", "services:\n  key-registry:\n    image: {repository: \"\"}\n", "services.key-registry.image.repository"),
                Arguments.of("TURN URLs without a TURN secret",
                        "services:\n  signaling:\n    config: {PEERS_SIGNALING_ICE_TURN_URLS: \"turn:turn.example.org:3478\"}\n",
                        "services.signaling.secrets.turnSecret: config.PEERS_SIGNALING_ICE_TURN_URLS is set"),
                Arguments.of("one path for two services",
                        "services:\n  other:\n    image: {repository: peers/other}\n    routes:\n      - {path: /registry/, pathType: Prefix}\n",
                        "Prefix path /registry/ is also routed to"),
                Arguments.of("public entry point without a host", "hostname: \"\"\n", "hostname: the Ingress/HTTPRoute needs the public host name"),
                Arguments.of("route both websocket and streaming",
                        "services:\n  backup-service:\n    routes:\n      - {path: /backup/restic/, pathType: Prefix, streaming: true, websocket: true}\n",
                        "services.backup-service.routes: /backup/restic/ is marked both websocket and streaming"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedByValidation")
    void validateValuesRejects(String what, String values, String expected) {
        String message = renderFailure(values);
        assertTrue(message.contains("VALUES VALIDATION"), what + ": " + message);
        assertTrue(message.contains(expected), what + ": expected «" + expected + "» in: " + message);
    }

    @Test
    void validationReportsEveryProblemAtOnce() {
        String message = renderFailure("postgresql:\n  auth:\n    password: p\ndefaults:\n  pdb: {minAvailable: 1, maxUnavailable: 1}\n");
        assertTrue(message.contains("postgresql.auth: both password and existingSecret"), message);
        assertTrue(message.contains("minAvailable and maxUnavailable are both set"), message);
    }

    /**
     * Every value in values.yaml has a {@code ## @param} line (Bitnami convention). That the schema covers
     * every value needs no test of its own: it forbids unknown keys, so the default render would fail.
     */
    @Test
    void everyValueIsDocumentedWithAParamLine() throws IOException {
        List<String> lines = Files.readAllLines(Chart.DIR.resolve("values.yaml"));
        List<String> params = new ArrayList<>();
        Pattern param = Pattern.compile("^\\s*## @param (\\S+) \\S.*");
        for (String line : lines) {
            Matcher matcher = param.matcher(line);
            if (matcher.matches()) {
                params.add(matcher.group(1));
            }
        }
        JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(Chart.DIR.resolve("values.yaml").toFile());
        List<String> undocumented = new ArrayList<>();
        collectLeaves(values, "", params, undocumented);
        assertTrue(undocumented.isEmpty(), "values without a ## @param line: " + undocumented);
    }

    /** A leaf (or a map/list documented as a whole) needs a @param line for itself or an enclosing key. */
    private static void collectLeaves(JsonNode node, String path, List<String> params, List<String> undocumented) {
        if (!path.isEmpty() && params.contains(path)) {
            return;
        }
        if (node.isObject() && !node.isEmpty()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                collectLeaves(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), params, undocumented);
            }
        } else {
            undocumented.add(path);
        }
    }

    private static String renderFailure(String values) {
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> Chart.template(Chart.values(values)),
                "the render should fail for:\n" + values);
        return failure.getMessage();
    }
}
