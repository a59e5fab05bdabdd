package peers.devstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * coturn, when installed ({@code turnserver} on the PATH): a STUN/TURN server on 127.0.0.1 with coturn's
 * {@code use-auth-secret} scheme, the secret that signaling signs ephemeral TURN credentials with (the "TURN REST
 * API"). The secret is made once and kept in the data directory. Relay ports: the TURN port + 1 … + 100.
 */
final class DevTurn {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    static final String REALM = "peers.localhost";

    private final Path binary;
    private final Path runDirectory;
    private final Path logFile;
    private final int port;
    private Process process;
    private String secret;

    DevTurn(Path binary, Path runDirectory, Path logFile, int port) {
        this.binary = binary;
        this.runDirectory = runDirectory;
        this.logFile = logFile;
        this.port = port;
    }

    static Path pidFile(Path runDirectory) {
        return runDirectory.resolve("turnserver.pid");
    }

    /** coturn's {@code turnserver} on the PATH, if installed. */
    static Optional<Path> installed() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        return Stream.concat(Stream.of(path.split(":")), Stream.of("/usr/bin", "/usr/local/bin"))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "turnserver"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    synchronized void start() throws IOException {
        secret = loadOrMakeSecret();
        Path pidFile = pidFile(runDirectory);
        stopOrphan(pidFile);
        Path conf = runDirectory.resolve("turnserver.conf");
        Files.writeString(conf, String.join("\n",
                "listening-ip=127.0.0.1",
                "relay-ip=127.0.0.1",
                "listening-port=" + port,
                "min-port=" + (port + 1),
                "max-port=" + (port + 100),
                "use-auth-secret",
                "static-auth-secret=" + secret,
                "realm=" + REALM,
                // the demo's two browser tabs relay to each other on loopback (refused by default since coturn 4.6)
                "allow-loopback-peers",
                "no-cli",
                "no-tls",
                "no-dtls",
                "fingerprint",
                "no-software-attribute",
                "simple-log",
                "log-file=stdout",
                "pidfile=" + pidFile,
                ""), StandardCharsets.UTF_8);
        process = new ProcessBuilder(List.of(binary.toString(), "-c", conf.toString()))
                .directory(runDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        process.getOutputStream().close();
        awaitListening();
    }

    /** The shared secret: made once (32 random bytes), kept in the data directory so credentials survive restarts. */
    private String loadOrMakeSecret() throws IOException {
        Path file = runDirectory.resolve("turn-secret");
        if (Files.isRegularFile(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String made = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.writeString(file, made, StandardCharsets.UTF_8);
        return made;
    }

    /** A turnserver left by a devstack that was killed (kill -9) still holds the port: stop it. */
    static void stopOrphan(Path pidFile) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
            ProcessHandle.of(pid)
                    .filter(p -> p.info().command().map(c -> c.endsWith("turnserver")).orElse(false))
                    .ifPresent(p -> {
                        p.destroy();
                        p.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
                    });
            Files.deleteIfExists(pidFile);
        } catch (IOException | NumberFormatException e) {
            // nothing usable: the port check reports a port that is still taken
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("turnserver exited with status " + process.exitValue() + "; see " + logFile);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return; // coturn listens on TCP and UDP on the same port
            } catch (IOException notYet) {
                JavaProcesses.pause(Duration.ofMillis(100));
            }
        }
        throw new IOException("turnserver did not listen on 127.0.0.1:" + port + " within " + STARTUP_TIMEOUT.toSeconds() + " s; see " + logFile);
    }

    synchronized void stop() {
        Process p = process;
        process = null;
        if (p != null) {
            JavaProcesses.stop(p, STOP_WAIT);
        }
    }

    int port() {
        return port;
    }

    String secret() {
        return secret;
    }

    /** What signaling hands to browsers ({@code RTCConfiguration.iceServers}): STUN, and TURN over UDP and TCP. */
    String stunUrls() {
        return "stun:127.0.0.1:" + port;
    }

    String turnUrls() {
        return "turn:127.0.0.1:" + port + "?transport=udp,turn:127.0.0.1:" + port + "?transport=tcp";
    }
}
