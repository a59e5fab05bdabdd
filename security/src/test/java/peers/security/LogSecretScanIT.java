package peers.security;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import peers.security.Stack.Svc;

/**
 * Runs after the other suites of this module (class order): scans the log of every service process they
 * started for every secret they used (keys, session tokens, PRF outputs, recovery codes and lookups, TURN
 * secret and passwords, KEKs, Stripe keys, S3 secret key, restic token secrets), and every log and test
 * report of the build ({@code ../*}{@code /target}) for secrets by shape. Fails on any finding. The service
 * logs are kept under {@code target/service-logs/}.
 */
@Order(99)
class LogSecretScanIT {

    @Test
    void noSecretInAnyLog() throws Exception {
        Stack stack = Stack.get(); // started by the suites before; started here when this class runs alone
        Map<String, Secrets.Secret> secrets = Secrets.all();
        Set<String> kinds = secrets.values().stream().map(s -> s.label().replaceAll(" \\((base64url|base64|hex)\\)$", ""))
                .collect(Collectors.toSet());
        // the scan can only fail on what it was given: the suites must have handed over each kind of secret
        for (String needed : List.of("S3 secret key", "TURN static-auth-secret", "Stripe API key", "Stripe webhook secret", "custodial KEK k1",
                "registry log signing key seed")) {
            assertTrue(kinds.contains(needed), "no " + needed + " among the secrets to look for: " + kinds);
        }
        if (AccessControlIT.stack != null) {
            for (String needed : List.of("managed-keys session token", "PRF output", "recovery lookup", "recovery code", "TURN password",
                    "restic token secret", "peer private key seed")) {
                assertTrue(kinds.contains(needed), "the suites used no " + needed + ": " + kinds);
            }
        }
        Path kept = Path.of("target", "service-logs");
        Files.createDirectories(kept);
        List<Path> serviceLogs = new ArrayList<>();
        for (Map.Entry<Svc, Path> log : stack.logFiles().entrySet()) {
            Path copy = kept.resolve(log.getKey().module + ".log");
            Files.copy(log.getValue(), copy, StandardCopyOption.REPLACE_EXISTING);
            serviceLogs.add(copy);
        }
        List<LogScanner.Finding> findings = new ArrayList<>(LogScanner.scan(serviceLogs, secrets, true));
        List<Path> buildLogs = LogScanner.buildLogs(Path.of("..").toAbsolutePath().normalize());
        buildLogs.removeIf(p -> p.toAbsolutePath().normalize().startsWith(kept.toAbsolutePath().normalize()));
        findings.addAll(LogScanner.scan(buildLogs, secrets, true));
        System.out.printf("LogSecretScanIT: %d secrets (%d kinds) searched in %d service logs and %d build logs%n", secrets.size(), kinds.size(),
                serviceLogs.size(), buildLogs.size());
        assertTrue(findings.isEmpty(), findings.size() + " secret(s) in logs:\n"
                + findings.stream().limit(50).map(Object::toString).collect(Collectors.joining("\n")));
    }
}
