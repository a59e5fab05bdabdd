package peers.signaling.ice;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import peers.common.config.Secret;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/**
 * Credentials issued by GET /signal/v1/ice-servers allocate a relay on a real coturn (Debian's
 * {@code turnserver}, unprivileged, loopback only, {@code use-auth-secret} with the service's secret), and
 * relay data to a peer; expired or forged ones are refused. Skipped only when {@code turnserver} is not
 * installed (Debian package {@code coturn}).
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class CoturnTest {

    static final String SECRET = "test-turn-secret"; // = %test.peers.signaling.ice.turn-secret

    static Path dir;
    static int turnPort;
    static int peerPort;
    static Process turn;
    static Process peer;

    @BeforeAll
    static void startCoturn() throws Exception {
        assumeTrue(binary("turnserver").isPresent() && binary("turnutils_uclient").isPresent() && binary("turnutils_peer").isPresent(),
                "turnserver / turnutils_uclient not installed (Debian package coturn): the real TURN test is skipped");
        dir = Files.createTempDirectory("coturn-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        turnPort = freePort();
        peerPort = freePort();
        int relayFrom = 40000 + ThreadLocalRandom.current().nextInt(20000);
        Path conf = dir.resolve("turnserver.conf");
        Files.writeString(conf, String.join("\n",
                "listening-ip=127.0.0.1", "relay-ip=127.0.0.1", "listening-port=" + turnPort,
                "min-port=" + relayFrom, "max-port=" + (relayFrom + 50),
                "use-auth-secret", "static-auth-secret=" + SECRET, "realm=peers.test",
                // coturn 4.6 refuses loopback peers unless told otherwise; this test relays to one.
                "allow-loopback-peers", "no-cli", "no-tls", "no-dtls", "no-multicast-peers",
                "log-file=stdout", "pidfile=" + dir.resolve("turnserver.pid"), "userdb=" + dir.resolve("turndb"), ""));
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> cmd = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // coturn should not run as root; Debian's package creates the turnserver user.
            cmd.addAll(List.of("runuser", "-u", "turnserver", "--"));
        }
        cmd.addAll(List.of("turnserver", "-c", conf.toString()));
        turn = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.log").toFile()).start();
        peer = new ProcessBuilder("turnutils_peer", "-L", "127.0.0.1", "-p", Integer.toString(peerPort))
                .redirectErrorStream(true).redirectOutput(dir.resolve("peer.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", turnPort), 200);
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !turn.isAlive()) {
                    throw new IllegalStateException("coturn did not start: " + Files.readString(dir.resolve("turnserver.log")));
                }
                Thread.sleep(100);
            }
        }
    }

    @AfterAll
    static void stopCoturn() throws Exception {
        Path pidFile = dir == null ? null : dir.resolve("turnserver.pid");
        if (pidFile != null && Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroy);
        }
        for (Process p : new Process[] {turn, peer}) {
            if (p != null) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void issuedCredentialsAllocateAndRelay() throws Exception {
        JsonPath ice = given().filter(TestPeer.create().signed()).get("/signal/v1/ice-servers").then().statusCode(200).extract().jsonPath();
        Result r = uclient(ice.getString("iceServers[1].username"), ice.getString("iceServers[1].credential"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Total lost packets 0"), r.output());
    }

    @Test
    void expiredCredentialsAreRefused() throws Exception {
        TurnCredentials.Credential c = new TurnCredentials(Secret.of(SECRET))
                .issue(TestPeer.create().id(), System.currentTimeMillis() / 1000 - 60);
        Result r = uclient(c.username(), c.credential());
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Cannot complete Allocation"), r.output());
    }

    @Test
    void forgedCredentialsAreRefused() throws Exception {
        JsonPath ice = given().filter(TestPeer.create().signed()).get("/signal/v1/ice-servers").then().statusCode(200).extract().jsonPath();
        String username = ice.getString("iceServers[1].username");
        Result r = uclient(username, new TurnCredentials(Secret.of("not-the-secret")).password(username));
        assertNotEquals(0, r.exit(), r.output());
        // a valid password for another username (another peer's key) is no better
        Result other = uclient(username.replaceAll(":.*", ":" + TestPeer.create().id()), ice.getString("iceServers[1].credential"));
        assertNotEquals(0, other.exit(), other.output());
    }

    record Result(int exit, String output) {
    }

    static Result uclient(String user, String password) throws Exception {
        Process p = new ProcessBuilder("turnutils_uclient", "-p", Integer.toString(turnPort), "-u", user, "-w", password,
                "-n", "1", "-m", "1", "-e", "127.0.0.1", "-r", Integer.toString(peerPort), "127.0.0.1")
                .redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "turnutils_uclient timed out");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    static Optional<Path> binary(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
