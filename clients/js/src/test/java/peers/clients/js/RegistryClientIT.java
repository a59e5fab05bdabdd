package peers.clients.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.process.ServiceProcess;

/**
 * Runs the JavaScript client's integration suite ({@code test/integration/}, node's built-in test
 * runner) against the real, packaged key-registry on embedded PostgreSQL and Kafka: registration
 * with devices, verified lookups, search, rotation, discoverability, revocation, refused
 * signatures and tampered answers, all through {@code @peers/client}.
 */
class RegistryClientIT {

    private static final Path SERVICE_JAR = Path.of("../../key-registry/target/quarkus-app/quarkus-run.jar");

    static ServiceProcess registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        PeersInfra infra = PeersInfra.get(EnumSet.of(PeersInfra.Part.POSTGRES, PeersInfra.Part.KAFKA));
        registry = new ServiceProcess(SERVICE_JAR, infra.quarkusConfig()).start(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopRegistry() throws InterruptedException {
        if (registry != null) {
            registry.stop();
        }
    }

    @Test
    void javascriptClientPassesItsIntegrationSuiteAgainstTheRealRegistry() throws Exception {
        String node = System.getProperty("peers.node", "node");
        ProcessBuilder pb = new ProcessBuilder(List.of(node, "--test", "--test-reporter=spec", "test/integration/"))
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true);
        pb.environment().put("PEERS_BASE_URL", registry.baseUrl());
        Process process = pb.start();
        StringBuilder output = new StringBuilder();
        // Stream node's report line by line (through System.out, so surefire's channel stays intact).
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println("[node] " + line);
                output.append(line).append('\n');
            }
        }
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "node did not finish");
        assertEquals(0, process.exitValue(), "node --test test/integration/ failed; service log: " + registry.logFile());
        String report = output.toString();
        assertTrue(report.contains("ℹ pass ") && !report.contains("ℹ pass 0\n"), "no integration test ran:\n" + report);
        assertTrue(report.contains("ℹ skipped 0"), "integration tests were skipped:\n" + report);
    }
}
