package peers.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The URL space of ARCHITECTURE ("Public URL space (behind one ingress)") routes each prefix to the
 * right Service and, through the Service's named port, to the container's HTTP port; management
 * endpoints are never routed. Request paths are resolved the way the Ingress and Gateway API specs
 * match (Exact first, then the longest element-wise prefix).
 */
class RoutingTest {

    /** A request path under each ARCHITECTURE prefix → the service that owns it. */
    static final Map<String, String> ARCHITECTURE = new LinkedHashMap<>();

    /** The WebSocket endpoints among them: routed with long timeouts (second Ingress, HTTPRoute rule timeouts). */
    static final Set<String> WEBSOCKETS = Set.of("/signal/v1/ws", "/signal/v1/y-webrtc", "/signal/v1/peerjs/peerjs", "/sync/v1/tail");

    /** The streaming routes among them (restic blobs): no proxy body limit or buffering (third Ingress, HTTPRoute rule timeouts). */
    static final Set<String> STREAMING = Set.of("/backup/restic/repo1/config", "/backup/restic/repo1/data/0123abcd");

    /** The services values.yaml enables. */
    static final Set<String> ENABLED_BY_DEFAULT = Set.of("key-registry", "signaling", "sync-buffer", "backup-service", "managed-keys", "affiliate-billing");

    static {
        ARCHITECTURE.put("/registry/v1/handles/alice", "key-registry");
        ARCHITECTURE.put("/registry", "key-registry");
        ARCHITECTURE.put("/registry/openapi", "key-registry");
        ARCHITECTURE.put("/.well-known/webfinger", "key-registry");
        ARCHITECTURE.put("/.well-known/peers-services", "key-registry");
        // signaling (docs/api/signaling.md): REST, the native socket, y-webrtc and PeerJS compatibility.
        ARCHITECTURE.put("/signal/v1/ice-servers", "signaling");
        ARCHITECTURE.put("/signal/v1/ws", "signaling");
        ARCHITECTURE.put("/signal/v1/y-webrtc", "signaling");
        ARCHITECTURE.put("/signal/v1/peerjs", "signaling");
        ARCHITECTURE.put("/signal/v1/peerjs/peerjs", "signaling");
        ARCHITECTURE.put("/signal/v1/peerjs/peerjs/id", "signaling");
        ARCHITECTURE.put("/signal/openapi", "signaling");
        ARCHITECTURE.put("/signal/asyncapi.yaml", "signaling");
        // sync-buffer (docs/api/sync-buffer.md): REST and the live tail.
        ARCHITECTURE.put("/sync/v1/streams", "sync-buffer");
        ARCHITECTURE.put("/sync/v1/streams/s1/records", "sync-buffer");
        ARCHITECTURE.put("/sync/v1/tail", "sync-buffer");
        ARCHITECTURE.put("/sync/openapi", "sync-buffer");
        // backup-service (docs/api/backup-service.md): the native API and the restic REST backend.
        ARCHITECTURE.put("/backup/v1/repos", "backup-service");
        ARCHITECTURE.put("/backup/v1/repos/r1/uploads", "backup-service");
        ARCHITECTURE.put("/backup/restic/repo1/config", "backup-service");
        ARCHITECTURE.put("/backup/restic/repo1/data/0123abcd", "backup-service");
        ARCHITECTURE.put("/backup/openapi", "backup-service");
        // managed-keys (docs/api/managed-keys.md).
        ARCHITECTURE.put("/auth/v1/passkeys/register", "managed-keys");
        ARCHITECTURE.put("/auth/openapi", "managed-keys");
        // affiliate-billing (docs/api/affiliate-billing.md), the Stripe webhook included.
        ARCHITECTURE.put("/billing/v1/apps", "affiliate-billing");
        ARCHITECTURE.put("/billing/v1/webhooks/stripe", "affiliate-billing");
        ARCHITECTURE.put("/billing/openapi", "affiliate-billing");
    }

    /** Paths that must reach no service. */
    static final List<String> NOT_ROUTED = List.of("/", "/q/health/live", "/q/health/ready", "/q/metrics", "/registryx", "/.well-known/other",
            "/.well-known/webfinger/extra", "/openapi", "/signalx", "/syncx/v1/tail", "/backupx", "/authx/v1", "/billingx", "/restic/repo1/config");

    @Test
    void theEnabledServicesPrefixesRouteToTheirServicesByDefault() {
        Manifests m = Chart.render();
        List<Ingress> ingresses = m.ofType(Ingress.class);
        assertEquals(3, ingresses.size(), "one Ingress, one for the WebSocket routes of signaling and sync-buffer, one for backup-service's restic streams");
        ARCHITECTURE.forEach((path, service) -> {
            String routed = resolveIngress(ingresses, path);
            if (ENABLED_BY_DEFAULT.contains(service)) {
                assertEquals(Chart.objectName(service), routed, path);
                assertReachesHttpPort(m, routed, ingressPortName(ingresses, path), service);
                assertEquals(WEBSOCKETS.contains(path), isWebSocketIngress(ingresses, path), path + ": long timeouts only for WebSockets");
                assertEquals(STREAMING.contains(path), isOnIngress(ingresses, path, "-streaming"), path + ": unbounded bodies only for streaming routes");
            } else {
                assertNull(routed, path + ": " + service + " is not enabled, so it must not be routed");
            }
        });
        NOT_ROUTED.forEach(path -> assertNull(resolveIngress(ingresses, path), path));
    }

    @Test
    void everyArchitecturePrefixRoutesToTheRightServiceWhenEveryServiceIsEnabled() {
        Manifests m = Chart.render(Chart.testResource("all-services-values.yaml"));
        List<Ingress> ingresses = m.ofType(Ingress.class);
        ARCHITECTURE.forEach((path, service) -> {
            String routed = resolveIngress(ingresses, path);
            assertEquals(Chart.objectName(service), routed, path);
            assertReachesHttpPort(m, routed, ingressPortName(ingresses, path), service);
            assertEquals(WEBSOCKETS.contains(path), isWebSocketIngress(ingresses, path), path + ": long timeouts only for WebSockets");
        });
        NOT_ROUTED.forEach(path -> assertNull(resolveIngress(ingresses, path), path));
    }

    @Test
    void theIngressHasClassTlsAndOneHost() {
        Ingress ingress = Chart.render(Chart.values("hostname: peers.example.org\ningress:\n  className: traefik\n")).get(Ingress.class, "peers-peers-services");
        assertEquals("traefik", ingress.getSpec().getIngressClassName());
        assertEquals(List.of("peers.example.org"), ingress.getSpec().getTls().get(0).getHosts());
        assertEquals("peers-peers-services-tls", ingress.getSpec().getTls().get(0).getSecretName());
        assertEquals(List.of("peers.example.org"), ingress.getSpec().getRules().stream().map(r -> r.getHost()).toList());
        Ingress plain = Chart.render(Chart.values("ingress:\n  tls: {enabled: false}\n")).get(Ingress.class, "peers-peers-services");
        assertTrue(plain.getSpec().getTls() == null || plain.getSpec().getTls().isEmpty());
    }

    @Test
    void webSocketPathsGetLongTimeoutsAndOtherPathsDoNot() {
        Manifests m = Chart.render(Chart.testResource("all-services-values.yaml"));
        Ingress main = m.get(Ingress.class, "peers-peers-services");
        Ingress sockets = m.get(Ingress.class, "peers-peers-services-websocket");
        assertEquals(List.of("/signal/v1/ws", "/signal/v1/y-webrtc", "/signal/v1/peerjs/peerjs", "/sync/v1/tail"), paths(sockets));
        assertEquals("3600", sockets.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-read-timeout"));
        assertEquals("3600", sockets.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-send-timeout"));
        assertTrue(main.getMetadata().getAnnotations() == null || !main.getMetadata().getAnnotations().containsKey("nginx.ingress.kubernetes.io/proxy-read-timeout"));
        assertTrue(paths(main).stream().noneMatch(WEBSOCKETS::contains), "no WebSocket path on the plain Ingress");
        assertEquals(main.getSpec().getTls(), sockets.getSpec().getTls(), "same host, same certificate");
        assertEquals(main.getSpec().getIngressClassName(), sockets.getSpec().getIngressClassName());
    }

    @Test
    void resticStreamsPassTheProxyWithoutBodyLimitOrBuffering() {
        Manifests m = Chart.render();
        Ingress main = m.get(Ingress.class, "peers-peers-services");
        Ingress streams = m.get(Ingress.class, "peers-peers-services-streaming");
        assertEquals(List.of("/backup/restic/"), paths(streams));
        Map<String, String> annotations = streams.getMetadata().getAnnotations();
        assertEquals("0", annotations.get("nginx.ingress.kubernetes.io/proxy-body-size"), "backup-service bounds blobs itself (128 MiB)");
        assertEquals("off", annotations.get("nginx.ingress.kubernetes.io/proxy-request-buffering"), "blobs stream through to S3");
        assertEquals("8m", main.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-body-size"),
                "plain routes pass bodies above every service's JSON limit (backup 4 MiB, sync 2 MiB), so the services answer 413 themselves");
        assertTrue(paths(main).contains("/backup/"));
        assertEquals(main.getSpec().getTls(), streams.getSpec().getTls(), "same host, same certificate");
        Ingress withIssuer = Chart.render(Chart.values("ingress:\n  annotations: {cert-manager.io/cluster-issuer: letsencrypt}\n"))
                .get(Ingress.class, "peers-peers-services-streaming");
        assertEquals("letsencrypt", withIssuer.getMetadata().getAnnotations().get("cert-manager.io/cluster-issuer"), "common annotations reach every Ingress");
        assertEquals("0", withIssuer.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-body-size"), "the streaming annotations win");
        Manifests noBackup = Chart.render(Chart.values("services:\n  backup-service: {enabled: false}\n"));
        assertTrue(noBackup.ofType(Ingress.class).stream().noneMatch(i -> i.getMetadata().getName().endsWith("-streaming")), "no streaming route, no third Ingress");
    }

    @Test
    void disablingAServiceRemovesItsRoutesAndDiscoveryEntry() {
        Manifests m = Chart.render(Chart.testResource("all-services-values.yaml"), Chart.values("services:\n  signaling: {enabled: false}\n"));
        List<Ingress> ingresses = m.ofType(Ingress.class);
        assertNull(resolveIngress(ingresses, "/signal/v1/ice-servers"));
        assertNull(resolveIngress(ingresses, "/signal/v1/ws"));
        assertNull(resolveIngress(ingresses, "/signal/v1/peerjs/peerjs"));
        assertEquals(Chart.objectName("sync-buffer"), resolveIngress(ingresses, "/sync/v1/tail"));
        assertFalse(discovery(m).containsKey("PEERS_REGISTRY_DISCOVERY_SERVICES_SIGNAL"));
    }

    @Test
    void theGatewayApiRouteCarriesTheSameUrlSpace() {
        Manifests m = Chart.render(Chart.testResource("all-services-values.yaml"), Chart.CI_DIR.resolve("gateway-api-values.yaml"));
        assertTrue(m.ofType(Ingress.class).isEmpty(), "the Ingress is switched off");
        HTTPRoute route = m.get(HTTPRoute.class, "peers-peers-services");
        assertEquals(List.of("peers.ci.example.org"), route.getSpec().getHostnames());
        assertEquals("shared-gateway", route.getSpec().getParentRefs().get(0).getName());
        assertEquals("gateways", route.getSpec().getParentRefs().get(0).getNamespace());
        assertTrue(route.getSpec().getRules().size() <= 16, "an HTTPRoute holds at most 16 rules");
        ARCHITECTURE.forEach((path, service) -> {
            HTTPRouteRule rule = resolveGateway(route, path);
            assertEquals(Chart.objectName(service), rule == null ? null : rule.getBackendRefs().get(0).getName(), path);
            Service svc = m.get(Service.class, Chart.objectName(service));
            int servicePort = rule.getBackendRefs().get(0).getPort();
            ServicePort port = svc.getSpec().getPorts().stream().filter(p -> p.getPort() == servicePort).findFirst().orElseThrow();
            assertEquals("http", port.getName(), path + " reaches the http port, never management");
            assertEquals(WEBSOCKETS.contains(path) || STREAMING.contains(path), rule.getTimeouts() != null, path + ": timeouts only on WebSocket and streaming rules");
            if (STREAMING.contains(path)) {
                assertEquals("10m", rule.getTimeouts().getRequest(), path);
            } else if (WEBSOCKETS.contains(path)) {
                assertEquals("0s", rule.getTimeouts().getRequest(), path);
            }
        });
        NOT_ROUTED.forEach(path -> assertNull(resolveGateway(route, path), path));
    }

    @Test
    void theDiscoveryDocumentListsTheEnabledServices() {
        Map<String, String> all6 = Map.of(
                "PEERS_REGISTRY_DISCOVERY_SERVICES_REGISTRY", "/registry/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_SIGNAL", "/signal/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_SYNC", "/sync/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_BACKUP", "/backup/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_AUTH", "/auth/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_BILLING", "/billing/v1");
        assertEquals(all6, discovery(Chart.render()), "every service is enabled by default");
        assertEquals(Map.of(
                "PEERS_REGISTRY_DISCOVERY_SERVICES_REGISTRY", "/registry/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_SIGNAL", "/signal/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_SYNC", "/sync/v1"),
                discovery(Chart.render(Chart.values("services:\n  backup-service: {enabled: false}\n  managed-keys: {enabled: false}\n  affiliate-billing: {enabled: false}\n"))),
                "a disabled service leaves the document");
        Manifests all = Chart.render(Chart.testResource("all-services-values.yaml"));
        assertEquals(Map.of(
                "PEERS_REGISTRY_DISCOVERY_SERVICES_REGISTRY", "/registry/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_SIGNAL", "/signal/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_SYNC", "/sync/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_BACKUP", "/backup/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_AUTH", "/auth/v1",
                "PEERS_REGISTRY_DISCOVERY_SERVICES_BILLING", "/billing/v1"), discovery(all));
        // Only the service that serves the document receives the list.
        all.configMaps().stream().filter(c -> !c.getMetadata().getName().equals(Chart.objectName("key-registry")))
                .forEach(c -> assertTrue(c.getData().keySet().stream().noneMatch(k -> k.startsWith("PEERS_REGISTRY_DISCOVERY_")), c.getMetadata().getName()));
    }

    // --- resolution as the specs define it ---

    private static Map<String, String> discovery(Manifests m) {
        Map<String, String> out = new TreeMap<>();
        m.get(ConfigMap.class, Chart.objectName("key-registry")).getData().forEach((k, v) -> {
            if (k.startsWith("PEERS_REGISTRY_DISCOVERY_SERVICES_")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static List<String> paths(Ingress ingress) {
        return ingress.getSpec().getRules().get(0).getHttp().getPaths().stream().map(HTTPIngressPath::getPath).toList();
    }

    /** Backend Service of the Ingress path that wins for this request path, or null (several Ingresses for one host merge). */
    static String resolveIngress(List<Ingress> ingresses, String requestPath) {
        HTTPIngressPath best = bestIngressPath(ingresses, requestPath);
        return best == null ? null : best.getBackend().getService().getName();
    }

    /** Whether the Ingress path that wins for this request path is on the WebSocket Ingress (the one with long timeouts). */
    private static boolean isWebSocketIngress(List<Ingress> ingresses, String requestPath) {
        return isOnIngress(ingresses, requestPath, "-websocket");
    }

    private static boolean isOnIngress(List<Ingress> ingresses, String requestPath, String suffix) {
        HTTPIngressPath best = bestIngressPath(ingresses, requestPath);
        return ingresses.stream().filter(i -> i.getMetadata().getName().endsWith(suffix))
                .anyMatch(i -> i.getSpec().getRules().stream().anyMatch(r -> r.getHttp().getPaths().contains(best)));
    }

    private static String ingressPortName(List<Ingress> ingresses, String requestPath) {
        IngressBackend backend = bestIngressPath(ingresses, requestPath).getBackend();
        assertNull(backend.getService().getPort().getNumber(), "backends name their port");
        return backend.getService().getPort().getName();
    }

    private static HTTPIngressPath bestIngressPath(List<Ingress> ingresses, String requestPath) {
        List<HTTPIngressPath> candidates = new ArrayList<>();
        ingresses.forEach(i -> i.getSpec().getRules().forEach(r -> candidates.addAll(r.getHttp().getPaths())));
        HTTPIngressPath best = null;
        for (HTTPIngressPath p : candidates) {
            if (p.getPathType().equals("Exact") && p.getPath().equals(requestPath)) {
                return p;
            }
            if (p.getPathType().equals("Prefix") && prefixMatches(p.getPath(), requestPath)
                    && (best == null || p.getPath().length() > best.getPath().length())) {
                best = p;
            }
        }
        return best;
    }

    private static HTTPRouteRule resolveGateway(HTTPRoute route, String requestPath) {
        HTTPRouteRule best = null;
        int bestLength = -1;
        for (HTTPRouteRule rule : route.getSpec().getRules()) {
            for (HTTPRouteMatch match : rule.getMatches()) {
                String type = match.getPath().getType();
                String value = match.getPath().getValue();
                if (type.equals("Exact") && value.equals(requestPath)) {
                    return rule;
                }
                if (type.equals("PathPrefix") && prefixMatches(value, requestPath) && value.length() > bestLength) {
                    best = rule;
                    bestLength = value.length();
                }
            }
        }
        return best;
    }

    /** Element-wise prefix match; a trailing slash in the prefix is ignored ("/registry/" matches "/registry"). */
    static boolean prefixMatches(String prefix, String path) {
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return p.isEmpty() || path.equals(p) || path.startsWith(p + "/");
    }

    private static void assertReachesHttpPort(Manifests m, String serviceName, String servicePortName, String component) {
        assertEquals("http", servicePortName, serviceName);
        Service svc = m.get(Service.class, serviceName);
        String target = ServiceResourcesTest.targetPortName(svc, servicePortName);
        Deployment deployment = m.ofComponent(Deployment.class, component).get(0);
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(), svc.getSpec().getSelector());
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(8080, ServiceResourcesTest.port(container, target), serviceName + " → container HTTP port");
    }
}
