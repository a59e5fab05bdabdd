package peers.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coturn as the devstack runs it (when installed): a credential made the way signaling makes them (TURN REST
 * scheme: {@code <expiry>:<peer>}, HMAC-SHA1 with the shared secret) allocates a relay, checked by coturn's own
 * client; a wrong one is refused; the secret survives a restart; the port is free after the stop.
 */
class DevTurnTest {

    @TempDir
    Path dir;

    @Test
    void signalingStyleCredentialsAllocateRelaysAndWrongOnesAreRefused() throws Exception {
        assumeTrue(DevTurn.installed().isPresent() && Files.isExecutable(Path.of("/usr/bin/turnutils_uclient")),
                "coturn is not installed (optional in the devstack)");
        int port = freePort();
        DevTurn turn = new DevTurn(DevTurn.installed().orElseThrow(), dir, dir.resolve("turnserver.log"), port);
        turn.start();
        String secret = turn.secret();
        try {
            String user = (Instant.now().getEpochSecond() + 3600) + ":uTIDcNdVNBlmBW59JQxTngJ2xbhzYe4w0aN5KH3kiE8";
            assertEquals(0, allocate(port, user, credential(secret, user)), "a valid credential allocates; log: " + dir.resolve("turnserver.log"));
            assertNotEquals(0, allocate(port, user, credential("another secret", user)));
            String expired = (Instant.now().getEpochSecond() - 10) + ":uTIDcNdVNBlmBW59JQxTngJ2xbhzYe4w0aN5KH3kiE8";
            assertNotEquals(0, allocate(port, expired, credential(secret, expired)));
            assertEquals("stun:127.0.0.1:" + port, turn.stunUrls());
            assertEquals("turn:127.0.0.1:" + port + "?transport=udp,turn:127.0.0.1:" + port + "?transport=tcp", turn.turnUrls());
        } finally {
            turn.stop();
        }
        try (ServerSocket again = new ServerSocket(port)) {
            assertTrue(again.isBound(), "the TURN port is free after the stop");
        }
        DevTurn restarted = new DevTurn(DevTurn.installed().orElseThrow(), dir, dir.resolve("turnserver.log"), port);
        restarted.start();
        try {
            assertEquals(secret, restarted.secret(), "the shared secret is kept in the data directory");
        } finally {
            restarted.stop();
        }
    }

    private static String credential(String secret, String user) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)));
    }

    /** coturn's test client: one allocation and one message; exit status 0 only when both worked. */
    private int allocate(int port, String user, String password) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("/usr/bin/turnutils_uclient", "-p", Integer.toString(port), "-u", user, "-w", password,
                "-n", "1", "-m", "1", "-y", "127.0.0.1"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("uclient.log").toFile())
                .start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "turnutils_uclient did not finish");
        return p.exitValue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
