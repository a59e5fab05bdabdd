package peers.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peers and tools the scenarios measure against, installed by the harness when missing: the npm
 * packages of {@code e2e/} (peerjs-server, y-webrtc's server, the load generator's {@code ws}) with
 * {@code npm ci}, and Debian's {@code restic} and {@code rclone} with {@code apt-get} (as root). A tool that
 * cannot be installed is reported; the scenario that needs it then fails with its own message.
 */
final class Tools {

    private Tools() {
    }

    static void ensure(Path root) {
        Path e2e = root.resolve("e2e");
        if (Files.isRegularFile(e2e.resolve("package-lock.json")) && !Files.isDirectory(e2e.resolve("node_modules/peer"))) {
            run(e2e, List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), "npm packages of e2e/");
        }
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("restic", "rclone")) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            if (!"root".equals(System.getProperty("user.name"))) {
                System.out.println("bench: " + missing + " not installed and not root: install them (apt-get install " + String.join(" ", missing) + ")");
                return;
            }
            run(root, List.of("apt-get", "update", "-qq"), "apt-get update");
            List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends"));
            cmd.addAll(missing);
            run(root, cmd, String.join(" ", missing));
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void run(Path dir, List<String> cmd, String what) {
        System.out.println("bench: installing " + what + " (" + String.join(" ", cmd) + ")");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO();
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                System.out.println("bench: installing " + what + " failed");
            }
        } catch (IOException e) {
            System.out.println("bench: cannot run " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
