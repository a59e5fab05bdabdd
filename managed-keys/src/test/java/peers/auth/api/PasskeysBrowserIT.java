package peers.auth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfra;
import peers.testing.process.ServiceProcess;

/**
 * A real browser against the packaged service: headless Chromium (Debian's) with a CDP virtual
 * authenticator, driven by e2e/passkeys/passkeys.mjs. With PRF the page signs up, wraps an Ed25519
 * key with a key derived from the PRF output, logs in again and unwraps it byte for byte; without PRF
 * the prf sign-up is refused and the opt-in custodial sign-up releases the key after a login.
 * Screenshots land in target/e2e.
 */
class PasskeysBrowserIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> config = new HashMap<>(PeersInfra.get().quarkusConfig());
        // The page runs at http://localhost:<port>: RP ID localhost, that origin allowed.
        config.put("peers.auth.rp-id", "localhost");
        config.put("peers.auth.origins", "http://localhost:*");
        config.put("peers.auth.custodial.keys", "e2e:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8");
        service = new ServiceProcess(Path.of("target/quarkus-app/quarkus-run.jar"), config).start(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (service != null) {
            service.kill();
        }
    }

    static JsonNode run(String mode) throws IOException, InterruptedException {
        Path script = Path.of("../e2e/passkeys/passkeys.mjs").toAbsolutePath().normalize();
        Path shots = Path.of("target/e2e").toAbsolutePath();
        Files.createDirectories(shots);
        Path log = Files.createTempFile("passkeys-e2e-", ".log");
        Process p = new ProcessBuilder("node", script.toString(), "http://localhost:" + service.httpPort(), mode, shots.toString())
                .redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the browser test did not finish in 120 s");
        }
        String[] lines = out.strip().split("\n");
        assertTrue(lines.length > 0 && lines[lines.length - 1].startsWith("{"), "no JSON result; stdout: " + out + "; stderr: " + Files.readString(log));
        JsonNode result = JSON.readTree(lines[lines.length - 1]);
        assertFalse(result.has("error"), "browser run failed: " + result + "; stderr: " + Files.readString(log));
        assertTrue(Files.exists(shots.resolve(mode + "-1-done.png")), "screenshot saved");
        return result;
    }

    static JsonNode step(JsonNode result, String name) {
        for (JsonNode s : result.get("steps")) {
            if (name.equals(s.get("name").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step '" + name + "' in " + result);
    }

    @Test
    void withPrfTheKeyIsWrappedOnTheClientAndUnwrapsByteForByteAfterLogin() throws Exception {
        JsonNode r = run("prf");
        assertTrue(step(r, "created").get("prfEnabled").asBoolean(), r.toString());
        assertEquals(400, step(r, "signup-with-prf-results").get("status").asInt(), r.toString());
        assertEquals("urn:peers:problem:prf-output-sent", step(r, "signup-with-prf-results").get("type").asText());
        assertEquals(201, step(r, "signup").get("status").asInt(), r.toString());
        assertEquals(200, step(r, "wrap-stored").get("status").asInt(), r.toString());
        assertEquals(400, step(r, "login-with-prf-results").get("status").asInt(), r.toString());
        assertEquals(200, step(r, "login").get("status").asInt(), r.toString());
        assertTrue(step(r, "login").get("samePrf").asBoolean(), "the PRF output is deterministic per salt: " + r);
        assertTrue(r.get("unwrappedEqual").asBoolean(), r.toString());
        assertTrue(r.get("unwrappedSigns").asBoolean(), r.toString());
        assertEquals(1, r.get("residentKeys").asInt(), "a discoverable credential: " + r);
    }

    @Test
    void withoutPrfOnlyTheOptedInCustodialModeWorks() throws Exception {
        JsonNode r = run("custodial");
        assertEquals(422, step(r, "signup-prf-refused").get("status").asInt(), r.toString());
        assertEquals("urn:peers:problem:prf-unavailable", step(r, "signup-prf-refused").get("type").asText());
        assertEquals(201, step(r, "signup-custodial").get("status").asInt(), r.toString());
        assertEquals("custodial", step(r, "signup-custodial").get("mode").asText());
        assertEquals(200, step(r, "login-release").get("status").asInt(), r.toString());
        assertTrue(r.get("unwrappedEqual").asBoolean(), r.toString());
    }
}
