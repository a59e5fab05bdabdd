package peers.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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

    /** The secrets to look for, indexed by a rolling hash of their first {@value #WINDOW} characters. */
    static final int WINDOW = 12;

    static List<Finding> scan(Collection<Path> files, Map<String, Secrets.Secret> secrets, boolean shapes) throws IOException {
        Map<Long, List<Secrets.Secret>> index = new HashMap<>();
        for (Secrets.Secret s : secrets.values()) {
            index.computeIfAbsent(hash(s.value(), 0), k -> new ArrayList<>()).add(s);
        }
        List<Finding> findings = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                String raw;
                int lineNo = 0;
                while ((raw = in.readLine()) != null) {
                    lineNo++;
                    if (!index.isEmpty() && raw.length() >= WINDOW) {
                        bySecret(file, lineNo, raw, index, findings);
                    }
                    if (shapes && mayHoldShape(raw)) {
                        for (Map.Entry<String, Pattern> shape : SHAPES.entrySet()) {
                            Matcher m = shape.getValue().matcher(raw);
                            while (m.find()) {
                                String found = m.group();
                                if (PUBLISHED.stream().noneMatch(p -> found.startsWith(p) || p.startsWith(found))) {
                                    findings.add(new Finding(file, lineNo, shape.getKey(), mask(raw, found)));
                                }
                            }
                        }
                    }
                }
            }
        }
        return findings;
    }

    /** Secrets are ASCII, so searching the ISO-8859-1 text finds them whatever the file's encoding of other text. */
    private static void bySecret(Path file, int lineNo, String line, Map<Long, List<Secrets.Secret>> index, List<Finding> findings) {
        long h = hash(line, 0);
        for (int i = 0; ; i++) {
            List<Secrets.Secret> candidates = index.get(h);
            if (candidates != null) {
                for (Secrets.Secret s : candidates) {
                    if (line.startsWith(s.value(), i)) {
                        findings.add(new Finding(file, lineNo, s.label(), mask(line, s.value())));
                    }
                }
            }
            if (i + WINDOW >= line.length()) {
                return;
            }
            h = (h - line.charAt(i) * POW) * BASE + line.charAt(i + WINDOW);
        }
    }

    private static final long BASE = 1_000_003L;
    private static final long POW = pow();

    private static long pow() {
        long p = 1;
        for (int i = 0; i < WINDOW - 1; i++) {
            p *= BASE;
        }
        return p;
    }

    private static long hash(String s, int from) {
        long h = 0;
        for (int i = from; i < from + WINDOW; i++) {
            h = h * BASE + s.charAt(i);
        }
        return h;
    }

    private static final List<String> MARKERS = List.of("MC4CAQAw", "302e0201", "302E0201", "PRIVATE KEY", "k_live_", "k_test_", "whsec_",
            "earer ", "EARER ", "asic ", "ASIC ");

    private static boolean mayHoldShape(String line) {
        for (String m : MARKERS) {
            if (line.contains(m)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every log and test report of the build: {@code <root>/*}{@code /target/**} files named *.log, *-output.txt or
     * TEST-*.xml, except the benchmark module's.
     */
    static List<Path> buildLogs(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            // bench/ keeps the logs of benchmark runs, not of the test run
            for (Path module : modules.filter(p -> Files.isDirectory(p.resolve("target")) && !p.getFileName().toString().equals("bench")).toList()) {
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
