package peers.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Only the ingress controller reaches a service's API; only scrapers reach its management port;
 * a service reaches DNS, the stores it uses and the services it calls, and nothing else.
 */
class NetworkPolicyTest {

    @Test
    void keyRegistryIsReachableOnlyThroughTheIngressController() {
        NetworkPolicy np = Chart.render().get(NetworkPolicy.class, Chart.objectName("key-registry"));
        assertEquals(List.of("Ingress", "Egress"), np.getSpec().getPolicyTypes());
        List<NetworkPolicyIngressRule> rules = np.getSpec().getIngress();
        assertEquals(2, rules.size(), "API from the ingress controller; management from scrapers");

        NetworkPolicyIngressRule api = rules.get(0);
        assertEquals(List.of("http"), ports(api.getPorts()));
        NetworkPolicyPeer controller = api.getFrom().get(0);
        assertEquals(Map.of("kubernetes.io/metadata.name", "ingress-nginx"), controller.getNamespaceSelector().getMatchLabels());
        assertEquals(Map.of("app.kubernetes.io/name", "ingress-nginx"), controller.getPodSelector().getMatchLabels());
        NetworkPolicyPeer clients = api.getFrom().get(1);
        assertEquals(Map.of("peers-peers-services-client", "true"), clients.getPodSelector().getMatchLabels(),
                "labelled pods of the release namespace (the helm test pod) may call the API");
        assertEquals(null, clients.getNamespaceSelector());

        NetworkPolicyIngressRule management = rules.get(1);
        assertEquals(List.of("management"), ports(management.getPorts()));
        assertEquals(Map.of("kubernetes.io/metadata.name", "monitoring"), management.getFrom().get(0).getNamespaceSelector().getMatchLabels());
    }

    @Test
    void keyRegistryReachesOnlyDnsPostgresqlAndKafka() {
        NetworkPolicy np = Chart.render().get(NetworkPolicy.class, Chart.objectName("key-registry"));
        assertEquals(Set.of("53/UDP", "53/TCP", "5432/TCP", "9092/TCP", "9093/TCP"), egressPorts(np));
    }

    @Test
    void onlyBackupServiceReachesS3() {
        Manifests m = Chart.render();
        NetworkPolicy backup = m.get(NetworkPolicy.class, Chart.objectName("backup-service"));
        assertEquals(Set.of("53/UDP", "53/TCP", "5432/TCP", "9092/TCP", "9093/TCP", "443/TCP", "9000/TCP"), egressPorts(backup),
                "backup-service reaches PostgreSQL, Kafka and the S3 store (s3.networkPolicy.ports)");
        for (String service : List.of("key-registry", "signaling", "sync-buffer", "managed-keys", "affiliate-billing")) {
            Set<String> ports = egressPorts(m.get(NetworkPolicy.class, Chart.objectName(service)));
            assertTrue(!ports.contains("443/TCP") && !ports.contains("9000/TCP"), service + " has no S3 egress: " + ports);
        }
        assertEquals(2, backup.getSpec().getIngress().size(), "API from the ingress controller, management from scrapers; no service calls it");
    }

    @Test
    void backupServicesS3EgressFollowsTheStoresNetworkPolicyValues() {
        Manifests m = Chart.render(Chart.values("""
                s3:
                  networkPolicy:
                    to:
                      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: minio}}
                        podSelector: {matchLabels: {v1.min.io/tenant: peers}}
                    ports: [9000]
                """));
        NetworkPolicy backup = m.get(NetworkPolicy.class, Chart.objectName("backup-service"));
        NetworkPolicyEgressRule s3 = backup.getSpec().getEgress().stream().filter(r -> ports(r.getPorts()).equals(List.of("9000"))).findFirst().orElseThrow();
        assertEquals(Map.of("v1.min.io/tenant", "peers"), s3.getTo().get(0).getPodSelector().getMatchLabels());
        assertEquals(Map.of("kubernetes.io/metadata.name", "minio"), s3.getTo().get(0).getNamespaceSelector().getMatchLabels());
        assertTrue(!egressPorts(backup).contains("443/TCP"), "only the ports listed");
        assertTrue(!egressPorts(m.get(NetworkPolicy.class, Chart.objectName("sync-buffer"))).contains("9000/TCP"));
    }

    @Test
    void stripeEgressIsOpenedForAffiliateBillingOnly() {
        Manifests m = Chart.render(Chart.testResource("all-services-values.yaml"));
        NetworkPolicy billing = m.get(NetworkPolicy.class, Chart.objectName("affiliate-billing"));
        NetworkPolicyEgressRule stripe = billing.getSpec().getEgress().stream().filter(r -> ports(r.getPorts()).equals(List.of("443"))).findFirst().orElseThrow();
        assertEquals("0.0.0.0/0", stripe.getTo().get(0).getIpBlock().getCidr());
        assertEquals(List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"), stripe.getTo().get(0).getIpBlock().getExcept());
        for (String service : List.of("key-registry", "signaling", "sync-buffer", "managed-keys")) {
            assertTrue(!egressPorts(m.get(NetworkPolicy.class, Chart.objectName(service))).contains("443/TCP"), service);
        }
        assertEquals(Set.of("53/UDP", "53/TCP", "5432/TCP", "9092/TCP", "9093/TCP"),
                egressPorts(Chart.render().get(NetworkPolicy.class, Chart.objectName("affiliate-billing"))), "without Stripe: no way out");
    }

    @Test
    void signalingSyncBufferManagedKeysAndBillingReachOnlyDnsPostgresqlAndKafkaByDefault() {
        Manifests m = Chart.render();
        for (String service : List.of("signaling", "sync-buffer", "managed-keys", "affiliate-billing")) {
            NetworkPolicy np = m.get(NetworkPolicy.class, Chart.objectName(service));
            assertEquals(Set.of("53/UDP", "53/TCP", "5432/TCP", "9092/TCP", "9093/TCP"), egressPorts(np),
                    service + " uses no S3 and calls no service (signaling computes TURN credentials, coturn is never called)");
            assertEquals(2, np.getSpec().getIngress().size(), service + ": API from the ingress controller, management from scrapers; no service calls it");
        }
    }

    @Test
    void eachServiceReachesOnlyWhatItUses() {
        Manifests m = Chart.render(Chart.testResource("all-services-values.yaml"));
        assertEquals(Set.of("53/UDP", "53/TCP", "5432/TCP", "9092/TCP", "9093/TCP"), egressPorts(m.get(NetworkPolicy.class, Chart.objectName("signaling"))),
                "signaling uses no S3 and calls no service");
        Manifests kafkaOnly = Chart.render(Chart.testResource("all-services-values.yaml"), Chart.values("services:\n  signaling:\n    uses: [kafka]\n"));
        assertEquals(Set.of("53/UDP", "53/TCP", "9092/TCP", "9093/TCP"), egressPorts(kafkaOnly.get(NetworkPolicy.class, Chart.objectName("signaling"))),
                "no PostgreSQL egress for a service that does not use it");
        assertEquals(Set.of("53/UDP", "53/TCP", "5432/TCP", "9092/TCP", "9093/TCP", "443/TCP", "9000/TCP"),
                egressPorts(m.get(NetworkPolicy.class, Chart.objectName("backup-service"))), "backup-service also reaches S3");
        assertEquals(Set.of("53/UDP", "53/TCP", "5432/TCP", "9092/TCP", "9093/TCP"),
                egressPorts(m.get(NetworkPolicy.class, Chart.objectName("managed-keys"))), "managed-keys calls no service");
        assertEquals(Set.of("53/UDP", "53/TCP", "5432/TCP", "9092/TCP", "9093/TCP", "443/TCP"),
                egressPorts(m.get(NetworkPolicy.class, Chart.objectName("affiliate-billing"))), "affiliate-billing reaches Stripe (its extraEgress)");
        for (Deployment d : m.ofType(Deployment.class)) {
            String name = d.getMetadata().getName();
            assertEquals(1, m.ofType(NetworkPolicy.class).stream().filter(np -> np.getSpec().getPodSelector().equals(d.getSpec().getSelector())).count(), name);
        }
    }

    @Test
    void aCallBetweenServicesOpensBothEndsForThoseTwoOnly() {
        // No service calls another today; a hypothetical call of managed-keys to key-registry shows the mechanism.
        Manifests m = Chart.render(Chart.testResource("all-services-values.yaml"), Chart.values("services:\n  managed-keys:\n    calls: [key-registry]\n"));
        NetworkPolicy caller = m.get(NetworkPolicy.class, Chart.objectName("managed-keys"));
        NetworkPolicyEgressRule toRegistry = caller.getSpec().getEgress().stream()
                .filter(r -> r.getTo() != null && !r.getTo().isEmpty() && r.getTo().get(0).getPodSelector() != null
                        && "key-registry".equals(r.getTo().get(0).getPodSelector().getMatchLabels().get("app.kubernetes.io/component")))
                .findFirst().orElseThrow();
        assertEquals(List.of("8080"), ports(toRegistry.getPorts()));

        NetworkPolicy callee = m.get(NetworkPolicy.class, Chart.objectName("key-registry"));
        List<String> callers = callee.getSpec().getIngress().stream().flatMap(r -> r.getFrom().stream())
                .filter(p -> p.getPodSelector() != null && p.getNamespaceSelector() == null)
                .map(p -> p.getPodSelector().getMatchLabels().get("app.kubernetes.io/component")).filter(c -> c != null).toList();
        assertEquals(List.of("managed-keys"), callers);
        NetworkPolicy billing = m.get(NetworkPolicy.class, Chart.objectName("affiliate-billing"));
        assertEquals(2, billing.getSpec().getIngress().size(), "no other service calls affiliate-billing");
    }

    @Test
    void storesCanBeNarrowedToTheirPods() {
        NetworkPolicy np = Chart.render(Chart.CI_DIR.resolve("production-values.yaml")).get(NetworkPolicy.class, Chart.objectName("key-registry"));
        NetworkPolicyEgressRule postgres = np.getSpec().getEgress().stream().filter(r -> ports(r.getPorts()).equals(List.of("5432"))).findFirst().orElseThrow();
        assertEquals(Map.of("cnpg.io/cluster", "peers-db"), postgres.getTo().get(0).getPodSelector().getMatchLabels());
        assertEquals(Map.of("kubernetes.io/metadata.name", "databases"), postgres.getTo().get(0).getNamespaceSelector().getMatchLabels());
        NetworkPolicyEgressRule kafka = np.getSpec().getEgress().stream().filter(r -> ports(r.getPorts()).equals(List.of("9093"))).findFirst().orElseThrow();
        assertEquals(Map.of("strimzi.io/cluster", "peers-kafka"), kafka.getTo().get(0).getPodSelector().getMatchLabels());
    }

    private static List<String> ports(List<NetworkPolicyPort> ports) {
        return ports.stream().map(p -> portText(p.getPort())).toList();
    }

    private static String portText(IntOrString port) {
        return port.getIntVal() != null ? port.getIntVal().toString() : port.getStrVal();
    }

    private static Set<String> egressPorts(NetworkPolicy np) {
        Set<String> out = new TreeSet<>();
        np.getSpec().getEgress().forEach(rule -> rule.getPorts().forEach(p -> out.add(portText(p.getPort()) + "/" + p.getProtocol())));
        return out;
    }
}
