package peers.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The `helm test` hook: a curl pod that fetches /.well-known/peers-services through the public
 * entry point and checks it lists every enabled service. Its script is also run here, against a
 * stub curl, so its check is known to pass on a real document and to fail on a wrong one.
 */
class HelmTestHookTest {

    /** What key-registry's WellKnownResource returns (Jackson, compact). */
    static final String DOCUMENT = "{\"version\":\"1\",\"services\":{\"registry\":{\"version\":\"v1\",\"baseUrl\":\"/registry/v1\"},"
            + "\"signal\":{\"baseUrl\":\"/signal/v1\",\"version\":\"v1\"},\"backup\":{\"version\":\"v1\",\"baseUrl\":\"/backup/v1\"},"
            + "\"auth\":{\"version\":\"v1\",\"baseUrl\":\"/auth/v1\"},\"billing\":{\"version\":\"v1\",\"baseUrl\":\"/billing/v1\"},"
            + "\"sync\":{\"version\":\"v1\",\"baseUrl\":\"/sync/v1\"}},"
            + "\"registry\":{\"logOrigin\":\"peers-registry\",\"logKey\":\"UR-Et7IXm2NalZAdnv02dH_vZMkOTUEEzYFCo7VB5aY\",\"maxDevices\":32,"
            + "\"handleLength\":{\"min\":3,\"max\":32}}}";

    @Test
    void theHookIsATestHook() throws IOException {
        String template = Files.readString(Chart.DIR.resolve("templates/tests/test-discovery.yaml"));
        assertTrue(template.contains("helm.sh/hook: test"));
    }

    @Test
    void itChecksTheDiscoveryDocumentThroughTheIngressHost() {
        Pod pod = testPod(Chart.renderWithTestHooks());
        Map<String, String> env = env(pod);
        assertEquals("https://peers.example.com/.well-known/peers-services", env.get("DISCOVERY_URL"));
        assertEquals("billing=/billing/v1 backup=/backup/v1 registry=/registry/v1 auth=/auth/v1 signal=/signal/v1 sync=/sync/v1", env.get("EXPECTED_SERVICES"));
        assertEquals("docker.io/curlimages/curl:8.11.1", pod.getSpec().getContainers().get(0).getImage());
        assertEquals("true", pod.getMetadata().getLabels().get("peers-peers-services-client"), "the NetworkPolicy lets it in");
        assertEquals("Never", pod.getSpec().getRestartPolicy());
        assertEquals(Boolean.TRUE, pod.getSpec().getSecurityContext().getRunAsNonRoot());
        assertEquals(Boolean.TRUE, pod.getSpec().getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem());
    }

    @Test
    void itFollowsTheEntryPointThatIsEnabled() {
        assertEquals("http://peers-peers-services-key-registry.peers.svc:80/.well-known/peers-services",
                env(testPod(Chart.renderWithTestHooks(Chart.CI_DIR.resolve("minimal-values.yaml")))).get("DISCOVERY_URL"), "no ingress: the Service");
        assertEquals("https://peers.ci.example.org/.well-known/peers-services",
                env(testPod(Chart.renderWithTestHooks(Chart.CI_DIR.resolve("gateway-api-values.yaml")))).get("DISCOVERY_URL"));
        assertEquals("http://peers.example.com/.well-known/peers-services",
                env(testPod(Chart.renderWithTestHooks(Chart.values("ingress: {tls: {enabled: false}}\n")))).get("DISCOVERY_URL"));
        Map<String, String> all = env(testPod(Chart.renderWithTestHooks(Chart.testResource("all-services-values.yaml"))));
        assertEquals("billing=/billing/v1 backup=/backup/v1 registry=/registry/v1 auth=/auth/v1 signal=/signal/v1 sync=/sync/v1",
                all.get("EXPECTED_SERVICES"));
        assertEquals("--insecure", env(testPod(Chart.renderWithTestHooks(Chart.values("tests: {insecureSkipTLSVerify: true}\n")))).get("CURL_FLAGS"));
    }

    @Test
    void itsScriptPassesOnTheRealDocumentAndFailsOnAWrongOne(@TempDir Path dir) throws Exception {
        Pod pod = testPod(Chart.renderWithTestHooks());
        assertEquals(0, runScript(pod, dir, DOCUMENT), "the document key-registry serves passes");
        String otherOrder = DOCUMENT.replace("{\"version\":\"v1\",\"baseUrl\":\"/registry/v1\"}", "{\"baseUrl\":\"/registry/v1\",\"version\":\"v1\"}");
        assertEquals(0, runScript(pod, dir, otherOrder), "key order does not matter");
        // Only the top-level "registry" block (log key), no service entry: must fail.
        assertNotEquals(0, runScript(pod, dir, DOCUMENT.replace("\"registry\":{\"version\":\"v1\",\"baseUrl\":\"/registry/v1\"},", "")));
        assertNotEquals(0, runScript(pod, dir, DOCUMENT.replace(",\"sync\":{\"version\":\"v1\",\"baseUrl\":\"/sync/v1\"}", "")), "a missing service fails");
        assertNotEquals(0, runScript(pod, dir, DOCUMENT.replace("\"billing\":{\"version\":\"v1\",\"baseUrl\":\"/billing/v1\"},", "")), "a missing service fails");
        assertNotEquals(0, runScript(pod, dir, DOCUMENT.replace("/registry/v1", "/registry/v2")));
        assertNotEquals(0, runScript(pod, dir, null), "curl failing fails the test");
    }

    @Test
    void notesTellTheOperatorWhatToDoNext() {
        String notes = Chart.notes();
        assertTrue(notes.contains("kubectl -n peers rollout status deployment -l app.kubernetes.io/instance=peers"), notes);
        assertTrue(notes.contains("curl https://peers.example.com/.well-known/peers-services"), notes);
        assertTrue(notes.contains("helm test peers -n peers"), notes);
        assertTrue(notes.contains("hostname is still peers.example.com"), notes);
        String production = Chart.notes(Chart.CI_DIR.resolve("production-values.yaml"));
        assertFalse(production.contains("Before production"), production);
        assertTrue(Chart.notes(Chart.CI_DIR.resolve("minimal-values.yaml")).contains("port-forward svc/peers-peers-services-key-registry"));
    }

    /** Runs the pod's command with a stub curl that prints the document (or fails when it is null). */
    private static int runScript(Pod pod, Path dir, String document) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path curl = bin.resolve("curl");
        Files.writeString(curl, document == null ? "#!/bin/sh\necho 'curl: (6) Could not resolve host' >&2\nexit 6\n"
                : "#!/bin/sh\ncat <<'JSON'\n" + document + "\nJSON\n");
        Files.setPosixFilePermissions(curl, PosixFilePermissions.fromString("rwxr-xr-x"));
        Container container = pod.getSpec().getContainers().get(0);
        List<String> command = new ArrayList<>(container.getCommand());
        command.set(0, "/bin/sh");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        container.getEnv().forEach(e -> builder.environment().put(e.getName(), e.getValue()));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), output);
        return process.exitValue();
    }

    private static Pod testPod(Manifests m) {
        List<Pod> pods = m.ofType(Pod.class);
        assertEquals(1, pods.size());
        return pods.get(0);
    }

    private static Map<String, String> env(Pod pod) {
        return pod.getSpec().getContainers().get(0).getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
    }
}
