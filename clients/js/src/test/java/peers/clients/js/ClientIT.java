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
 * runner) against the real, packaged key-registry, signaling, sync-buffer, backup-service and
 * affiliate-billing on embedded PostgreSQL, Kafka and S3: registration with devices, verified lookups, search, rotation, discoverability,
 * revocation, refused signatures and tampered answers; socket key authentication, rooms, signals,
 * ICE servers; encrypted streams with wrapped keys, cursors and the live tail; encrypted backups through
 * presigned S3 URLs (embedded S3) with snapshots; plans, apps, attribution, subscriptions and
 * entitlements, all through {@code @peers/client}. (Passkeys need a browser: the demo's e2e covers them.)
 */
class ClientIT {

    static ServiceProcess registry;
    static ServiceProcess signaling;
    static ServiceProcess sync;
    static ServiceProcess backup;
    static ServiceProcess billing;

    @BeforeAll
    static void startServices() throws Exception {
        PeersInfra infra = PeersInfra.get(EnumSet.allOf(PeersInfra.Part.class));
        registry = new ServiceProcess(jar("key-registry"), infra.quarkusConfig());
        signaling = new ServiceProcess(jar("signaling"), infra.quarkusConfig());
        sync = new ServiceProcess(jar("sync-buffer"), infra.quarkusConfig());
        backup = new ServiceProcess(jar("backup-service"), infra.quarkusConfig());
        billing = new ServiceProcess(jar("affiliate-billing"), infra.quarkusConfig());
        for (ServiceProcess service : List.of(registry, signaling, sync, backup, billing)) {
            service.start(Duration.ofSeconds(120));
        }
    }

    /** The repository root whose packaged services run ({@code -Dpeers.services.root=…} to test other builds). */
    private static Path jar(String module) {
        return Path.of(System.getProperty("peers.services.root", "../..")).resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    @AfterAll
    static void stopServices() throws InterruptedException {
        for (ServiceProcess service : new ServiceProcess[] {registry, signaling, sync, backup, billing}) {
            if (service != null) {
                service.stop();
            }
        }
    }

    @Test
    void javascriptClientPassesItsIntegrationSuiteAgainstTheRealServices() throws Exception {
        String node = System.getProperty("peers.node", "node");
        ProcessBuilder pb = new ProcessBuilder(List.of(node, "--experimental-websocket", "--test", "--test-reporter=spec", "test/integration/"))
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true);
        pb.environment().put("PEERS_BASE_URL", registry.baseUrl());
        pb.environment().put("PEERS_SIGNAL_URL", signaling.baseUrl());
        pb.environment().put("PEERS_SYNC_URL", sync.baseUrl());
        pb.environment().put("PEERS_BACKUP_URL", backup.baseUrl());
        pb.environment().put("PEERS_BILLING_URL", billing.baseUrl());
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
        assertEquals(0, process.exitValue(), "node --test test/integration/ failed; service logs: " + List.of(registry, signaling, sync, backup, billing).stream()
                .map(p -> p.logFile().toString()).toList());
        String report = output.toString();
        assertTrue(report.contains("ℹ pass ") && !report.contains("ℹ pass 0\n"), "no integration test ran:\n" + report);
        assertTrue(report.contains("ℹ skipped 0"), "integration tests were skipped:\n" + report);
    }
}
