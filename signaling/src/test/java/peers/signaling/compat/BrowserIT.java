package peers.signaling.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.process.ServiceProcess;

/**
 * The unchanged npm clients in Debian's Chromium against the packaged service: {@code peerjs} 1.5.5 opens a
 * WebRTC data channel between two pages through the PeerJS endpoint, and {@code y-webrtc} 10.3.0 syncs a
 * Y.Doc between two pages through the y-webrtc endpoint ({@code e2e/signaling/browser.mjs}, playwright-core;
 * screenshots in {@code target/e2e}).
 */
class BrowserIT {

    static final ObjectMapper JSON = new ObjectMapper();
    ServiceProcess service;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void peerjsAndYWebrtcClientsConnectTwoBrowsers() throws Exception {
        service = new ServiceProcess(Path.of("target/quarkus-app/quarkus-run.jar"), PeersInfra.get().quarkusConfig()).start(Duration.ofSeconds(60));
        Path script = Path.of("../e2e/signaling/browser.mjs").toAbsolutePath().normalize();
        Path shots = Path.of("target/e2e").toAbsolutePath();
        Path log = Files.createTempFile("signaling-browser-", ".log");
        Process node = new ProcessBuilder("node", script.toString(), service.baseUrl(), shots.toString())
                .directory(script.getParent().toFile()).redirectError(log.toFile()).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(120, TimeUnit.SECONDS), "browser checks did not finish");
        List<JsonNode> results = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            if (line.startsWith("{")) {
                results.add(JSON.readTree(line));
            }
        }
        String context = out + "\nstderr:\n" + Files.readString(log);
        assertEquals(2, results.size(), context);
        for (JsonNode r : results) {
            assertTrue(r.path("ok").asBoolean(), r.path("check").asText() + " failed: " + context);
        }
        assertEquals(0, node.exitValue(), context);
        assertTrue(Files.size(shots.resolve("peerjs-b.png")) > 0);
        assertTrue(Files.size(shots.resolve("y-webrtc-a.png")) > 0);
    }
}
