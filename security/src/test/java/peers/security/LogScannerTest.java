package peers.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peers.common.identity.Base64Url;

/** The scanner itself: it finds what it must (so {@link LogSecretScanIT} can fail) and passes clean logs. */
class LogScannerTest {

    @TempDir
    Path dir;

    @Test
    void findsEachRegisteredSecretInEveryEncoding() throws Exception {
        byte[] kek = new byte[32];
        new java.security.SecureRandom().nextBytes(kek);
        String token = Base64Url.encode(kek);
        Path log = dir.resolve("service.log");
        Files.writeString(log, String.join("\n",
                "2026-11-21 INFO started",
                "2026-11-21 DEBUG session " + token + " issued",
                "2026-11-21 DEBUG kek " + Base64.getEncoder().encodeToString(kek),
                "2026-11-21 DEBUG kek hex " + java.util.HexFormat.of().formatHex(kek),
                "2026-11-21 INFO done"));
        List<LogScanner.Finding> findings = LogScanner.scan(List.of(log),
                Secrets.with(Map.of("planted session token", token,
                        "planted KEK (base64)", Base64.getEncoder().encodeToString(kek).replace("=", ""),
                        "planted KEK (hex)", java.util.HexFormat.of().formatHex(kek))), false);
        assertEquals(3, findings.stream().map(LogScanner.Finding::line).distinct().count(), findings.toString());
        assertTrue(findings.stream().noneMatch(f -> f.excerpt().contains(token)), "findings must not print the secret itself");
    }

    @Test
    void findsSecretsByShapeAndAllowsPublishedTestVectors() throws Exception {
        var key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
        Path log = dir.resolve("build.log");
        Files.writeString(log, String.join("\n",
                "config peers.registry.log.private-key=" + Base64.getEncoder().encodeToString(key.getEncoded()),
                "Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
                "stripe key sk_live_0123456789abcdefABCDEF",
                "RFC 9421 vector MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF",
                "an ordinary line with a peer key uTIDcNdVNBlmBW59JQxTngJ2xbhzYe4w0aN5KH3kiE8"));
        List<LogScanner.Finding> findings = LogScanner.scan(List.of(log), Map.of(), true);
        assertEquals(List.of(1, 2, 3), findings.stream().map(LogScanner.Finding::line).toList(), findings.toString());
    }
}
