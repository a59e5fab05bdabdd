package peers.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The unchanged restic client (Debian's), pointed at backup-service's restic endpoint with a token. */
final class Restic {

    private final String repository;
    private final Path cache;

    /** {@code token}: the answer of {@code POST …/tokens} ({@code id}, {@code secret}). */
    Restic(String backupUrl, String repo, String tokenId, String secret) throws IOException {
        this.repository = "rest:" + backupUrl.replace("http://", "http://" + tokenId + ":" + secret + "@") + "/backup/restic/" + repo + "/";
        this.cache = Files.createTempDirectory("restic-cache-");
    }

    /** A started restic process with these arguments; output goes to {@code log}. */
    Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("restic", "--cache-dir", cache.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("RESTIC_REPOSITORY", repository);
        env.put("RESTIC_PASSWORD", "reliability-suite");
        env.remove("AWS_CA_BUNDLE");
        return pb.start();
    }

    /** Runs restic to completion; the exit code (the log has the output). */
    int run(Path log, Duration limit, String... args) throws IOException, InterruptedException {
        Process p = start(log, args);
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("restic " + String.join(" ", args) + " did not finish within " + limit + ": " + tail(log));
        }
        return p.exitValue();
    }

    static String tail(Path log) throws IOException {
        String s = Files.readString(log, StandardCharsets.UTF_8);
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    /** {@code files} files of {@code bytes} random (incompressible) bytes each under a new directory. */
    static Path randomTree(int files, int bytes) throws IOException {
        Path dir = Files.createTempDirectory("restic-data-");
        for (int i = 0; i < files; i++) {
            Files.write(dir.resolve("file-" + i + ".bin"), Workload.random(bytes));
        }
        return dir;
    }
}
