package peers.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every enabled service gets the full set of objects and the secure defaults the issue asks for. */
class ServiceResourcesTest {

    static final List<String> ALL_SERVICES = List.of("affiliate-billing", "backup-service", "key-registry", "managed-keys", "signaling", "sync-buffer");
    /** The services that exist and values.yaml enables. */
    static final List<String> DEFAULT_SERVICES = ALL_SERVICES;

    static Stream<Arguments> installs() {
        return Stream.of(
                Arguments.of("default values", List.of(), DEFAULT_SERVICES),
                Arguments.of("every service, every switch",
                        List.of(Chart.testResource("all-services-values.yaml"), Chart.testResource("all-switches-values.yaml")), ALL_SERVICES),
                Arguments.of("every service, minimal", List.of(Chart.testResource("all-services-values.yaml"), Chart.CI_DIR.resolve("minimal-values.yaml")),
                        ALL_SERVICES));
    }

    @Test
    void theServicesThatExistAreDeployedByDefault() {
        assertEquals(DEFAULT_SERVICES, Chart.render().deploymentComponents());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("installs")
    void everyServiceHasItsObjectsAndSecureDefaults(String name, List<Path> values, List<String> expected) {
        Manifests m = Chart.render(values.toArray(Path[]::new));
        assertEquals(expected, m.deploymentComponents());
        for (String service : expected) {
            checkService(m, service);
        }
    }

    private static void checkService(Manifests m, String service) {
        String objectName = Chart.objectName(service);
        Deployment deployment = m.get(Deployment.class, objectName);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(podLabels.entrySet().containsAll(deployment.getSpec().getSelector().getMatchLabels().entrySet()), service + ": selector matches pods");
        assertEquals(1, pod.getContainers().size());
        Container container = pod.getContainers().get(0);

        // Ports: the API on "http", health and metrics on "management".
        assertEquals(8080, port(container, "http"), service);
        assertEquals(9000, port(container, "management"), service);

        // Probes on the management port's health endpoints, with a startup probe.
        checkProbe(container.getStartupProbe(), "/q/health/started", service);
        checkProbe(container.getLivenessProbe(), "/q/health/live", service);
        checkProbe(container.getReadinessProbe(), "/q/health/ready", service);
        assertTrue(container.getStartupProbe().getFailureThreshold() * container.getStartupProbe().getPeriodSeconds() >= 120,
                service + ": the startup probe allows at least two minutes (Flyway migrations at start)");

        // Resources.
        assertNotNull(container.getResources().getRequests().get("cpu"), service);
        assertNotNull(container.getResources().getRequests().get("memory"), service);
        assertNotNull(container.getResources().getLimits().get("memory"), service);

        // Secure defaults.
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), service);
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType(), service);
        var sc = container.getSecurityContext();
        assertEquals(Boolean.TRUE, sc.getRunAsNonRoot(), service);
        assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem(), service);
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), service);
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), service);
        assertEquals("RuntimeDefault", sc.getSeccompProfile().getType(), service);
        var tmpMount = container.getVolumeMounts().stream().filter(v -> v.getMountPath().equals("/tmp")).findFirst().orElseThrow();
        Volume tmp = pod.getVolumes().stream().filter(v -> v.getName().equals(tmpMount.getName())).findFirst().orElseThrow();
        assertNotNull(tmp.getEmptyDir(), service + ": /tmp is a writable emptyDir");
        assertFalse(Boolean.TRUE.equals(tmpMount.getReadOnly()));

        // ServiceAccount without an API token.
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), service);
        ServiceAccount account = m.get(ServiceAccount.class, pod.getServiceAccountName());
        assertEquals(Boolean.FALSE, account.getAutomountServiceAccountToken(), service);

        // Configuration from the service's ConfigMap, rolled by checksum annotations.
        String configMapName = container.getEnvFrom().get(0).getConfigMapRef().getName();
        m.get(ConfigMap.class, configMapName);
        Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        assertTrue(annotations.get("checksum/config").matches("[0-9a-f]{64}"), service);
        assertTrue(annotations.get("checksum/secret").matches("[0-9a-f]{64}"), service);

        // Topology spread across zones and nodes, selecting this service's pods.
        List<TopologySpreadConstraint> spread = pod.getTopologySpreadConstraints();
        if (spread != null && !spread.isEmpty()) {
            assertEquals(List.of("topology.kubernetes.io/zone", "kubernetes.io/hostname"), spread.stream().map(TopologySpreadConstraint::getTopologyKey).toList());
            spread.forEach(c -> assertTrue(podLabels.entrySet().containsAll(c.getLabelSelector().getMatchLabels().entrySet()), service));
        }

        // Service: named ports that resolve to the container's ports; selects exactly these pods.
        Service svc = m.get(Service.class, objectName);
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(), svc.getSpec().getSelector(), service);
        assertEquals(8080, port(container, targetPortName(svc, "http")), service);
        assertEquals(9000, port(container, targetPortName(svc, "management")), service);

        // Optional objects select the same pods / target the same Deployment.
        m.find(PodDisruptionBudget.class, objectName).ifPresent(pdb -> assertEquals(deployment.getSpec().getSelector(), pdb.getSpec().getSelector()));
        m.find(NetworkPolicy.class, objectName).ifPresent(np -> assertEquals(deployment.getSpec().getSelector(), np.getSpec().getPodSelector()));
        m.find(HorizontalPodAutoscaler.class, objectName).ifPresentOrElse(hpa -> {
            assertEquals(objectName, hpa.getSpec().getScaleTargetRef().getName());
            assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
            assertNull(deployment.getSpec().getReplicas(), service + ": the HPA owns replicas");
        }, () -> assertNotNull(deployment.getSpec().getReplicas(), service));
        m.find(ServiceMonitor.class, objectName).ifPresent(sm -> {
            assertTrue(svc.getMetadata().getLabels().entrySet().containsAll(sm.getSpec().getSelector().getMatchLabels().entrySet()));
            assertEquals("management", sm.getSpec().getEndpoints().get(0).getPort());
            assertEquals("/q/metrics", sm.getSpec().getEndpoints().get(0).getPath());
        });
    }

    @Test
    void optionalObjectsFollowTheirEnabledSwitch() {
        String on = """
                defaults:
                  autoscaling: {enabled: true}
                  pdb: {enabled: true}
                networkPolicy: {enabled: true}
                metrics: {serviceMonitor: {enabled: true}}
                """;
        String off = """
                defaults:
                  autoscaling: {enabled: false}
                  pdb: {enabled: false}
                networkPolicy: {enabled: false}
                metrics: {serviceMonitor: {enabled: false}}
                """;
        String name = Chart.objectName("key-registry");
        Manifests enabled = Chart.render(Chart.values(on));
        Manifests disabled = Chart.render(Chart.values(off));
        for (var type : List.of(HorizontalPodAutoscaler.class, PodDisruptionBudget.class, NetworkPolicy.class, ServiceMonitor.class)) {
            assertTrue(enabled.find(type, name).isPresent(), type.getSimpleName() + " when enabled");
            assertTrue(disabled.find(type, name).isEmpty(), type.getSimpleName() + " when disabled");
        }
        // A service's own entry can switch off what defaults switch on (false must beat a default true).
        Manifests serviceOff = Chart.render(Chart.values("services:\n  key-registry:\n    pdb: {enabled: false}\n"));
        assertTrue(serviceOff.find(PodDisruptionBudget.class, name).isEmpty());
        Manifests keyRegistryOff = Chart.render(Chart.testResource("all-services-values.yaml"),
                Chart.values("services:\n  key-registry:\n    enabled: false\ndiscovery:\n  servedBy: \"\"\n"));
        assertFalse(keyRegistryOff.deploymentComponents().contains("key-registry"));
    }

    @Test
    void defaultsAreSecureAndHighlyAvailable() {
        Manifests m = Chart.render();
        String name = Chart.objectName("key-registry");
        assertEquals(2, m.get(Deployment.class, name).getSpec().getReplicas());
        assertEquals(new IntOrString(1), m.get(PodDisruptionBudget.class, name).getSpec().getMaxUnavailable());
        assertTrue(m.find(NetworkPolicy.class, name).isPresent(), "NetworkPolicy is on by default");
        assertEquals(new IntOrString(0), m.get(Deployment.class, name).getSpec().getStrategy().getRollingUpdate().getMaxUnavailable());
    }

    @Test
    void checksumChangesWithConfigurationOnly() {
        String before = checksum(Chart.render());
        String changed = checksum(Chart.render(Chart.values("services:\n  key-registry:\n    config:\n      PEERS_REGISTRY_LOG_ORIGIN: peers.example.org/registry\n")));
        String unrelated = checksum(Chart.render(Chart.values("ingress:\n  className: traefik\n")));
        assertNotEquals(before, changed);
        assertEquals(before, unrelated);
    }

    @Test
    void imageComesFromValues() {
        Manifests m = Chart.render(Chart.values("""
                global: {imageRegistry: registry.internal:5000}
                services:
                  key-registry:
                    image: {repository: team/key-registry, tag: "1.2.3"}
                """));
        assertEquals("registry.internal:5000/team/key-registry:1.2.3", container(m).getImage());
        assertEquals("ghcr.io/peers/key-registry:0.1.0", container(Chart.render()).getImage(), "defaults to the chart's appVersion");
        String digest = "sha256:" + "ab".repeat(32);
        assertEquals("ghcr.io/peers/key-registry@" + digest,
                container(Chart.render(Chart.values("services:\n  key-registry:\n    image: {digest: \"" + digest + "\"}\n"))).getImage());
    }

    private static Container container(Manifests m) {
        return m.get(Deployment.class, Chart.objectName("key-registry")).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static String checksum(Manifests m) {
        return m.get(Deployment.class, Chart.objectName("key-registry")).getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
    }

    private static void checkProbe(Probe probe, String path, String service) {
        assertNotNull(probe, service + ": probe on " + path);
        assertEquals(path, probe.getHttpGet().getPath(), service);
        assertEquals("management", probe.getHttpGet().getPort().getStrVal(), service + ": " + path + " on the management port");
    }

    static int port(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + name));
    }

    static String targetPortName(Service service, String portName) {
        ServicePort port = service.getSpec().getPorts().stream().filter(p -> portName.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(service.getMetadata().getName() + " has no port " + portName));
        return port.getTargetPort().getStrVal();
    }
}
