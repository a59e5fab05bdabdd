package peers.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Searches log files for secrets: the exact secrets a suite used (in every encoding {@link Secrets} records),
 * and shapes that are secrets wherever they appear (Ed25519 private keys in PKCS#8, PEM private keys, Stripe
 * live/test keys and webhook secrets, bearer tokens, Basic credentials).
 */
final class LogScanner {

    /** One secret found: where, what, and the line (with the secret masked). */
    record Finding(Path file, int line, String what, String excerpt) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + what + ": " + excerpt;
        }
    }

    /** Secrets by shape. Published test vectors are allowed (see {@link #PUBLISHED}). */
    static final Map<String, Pattern> SHAPES = Map.of(
            "Ed25519 private key (PKCS#8, base64)", Pattern.compile("MC4CAQAwBQYDK2VwBCIEI[A-Za-z0-9+/_-]{20,}"),
            "Ed25519 private key (PKCS#8, hex)", Pattern.compile("(?i)302e020100300506032b657004220420[0-9a-f]{64}"),
            "PEM private key", Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            "Stripe secret key", Pattern.compile("\\b[sr]k_(live|test)_[A-Za-z0-9_-]{16,}"),
            "Stripe webhook secret", Pattern.compile("\\bwhsec_[A-Za-z0-9_-]{16,}"),
            "bearer token", Pattern.compile("(?i)\\bBearer [A-Za-z0-9_-]{32,}"),
            "HTTP Basic credentials", Pattern.compile("(?i)\\bBasic [A-Za-z0-9+/]{24,}={0,2}"));

    /** Test vectors published in RFCs and the repository's docs: not secrets of anyone. */
    static final Set<String> PUBLISHED = Set.of(
            "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF"); // RFC 9421 B.1.4 test-key-ed25519

    private LogScanner() {
    }

    static List<Finding> scan(Collection<Path> files, Map<String, Secrets.Secret> secrets, boolean shapes) throws IOException {
        List<Finding> findings = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            for (int i = 0; i < lines.size(); i++) {
                String line = new String(lines.get(i).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                for (Secrets.Secret s : secrets.values()) {
                    if (line.contains(s.value())) {
                        findings.add(new Finding(file, i + 1, s.label(), mask(line, s.value())));
                    }
                }
                if (shapes) {
                    for (Map.Entry<String, Pattern> shape : SHAPES.entrySet()) {
                        Matcher m = shape.getValue().matcher(line);
                        while (m.find()) {
                            if (PUBLISHED.stream().noneMatch(p -> m.group().startsWith(p) || p.startsWith(m.group()))) {
                                findings.add(new Finding(file, i + 1, shape.getKey(), mask(line, m.group())));
                            }
                        }
                    }
                }
            }
        }
        return findings;
    }

    /** Every log and test report of the build: {@code <root>/*}{@code /target/**} files named *.log, *-output.txt or TEST-*.xml. */
    static List<Path> buildLogs(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(p -> Files.isDirectory(p.resolve("target"))).toList()) {
                try (Stream<Path> files = Files.walk(module.resolve("target"), 4)) {
                    files.filter(Files::isRegularFile).filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".log") || n.endsWith("-output.txt") || n.startsWith("TEST-") && n.endsWith(".xml");
                    }).forEach(out::add);
                }
            }
        }
        return out;
    }

    static String mask(String line, String secret) {
        String masked = line.replace(secret, secret.substring(0, Math.min(6, secret.length())) + "…[" + secret.length() + " chars]");
        return masked.length() > 300 ? masked.substring(0, 300) + "…" : masked;
    }
}
