package peers.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the services answer and how much memory each uses: the services this module starts ({@link Stack}), or
 * an already running devstack behind its router ({@link Devstack}, for the on-demand soak).
 */
interface Endpoints {

    /** The base URL (scheme, host, port) a service's API paths are appended to. */
    String url(String service);

    /** Resident memory of each service's process in KiB (-1 when unknown), by service name. */
    Map<String, Long> rssKiB();

    /** VmRSS of /proc/&lt;pid&gt;/status in KiB, -1 when unknown. */
    static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * A running devstack (README's run command): every service through the router at {@code base}, as clients
     * meet them; the service processes are found by the fast-jar each runs ({@code <module>/target/quarkus-app}).
     */
    record Devstack(String base) implements Endpoints {

        @Override
        public String url(String service) {
            return base.replaceAll("/+$", "");
        }

        @Override
        public Map<String, Long> rssKiB() {
            Map<String, Long> out = new LinkedHashMap<>();
            for (String service : Stack.ALL) {
                String jar = "/" + service + "/target/quarkus-app/quarkus-run.jar";
                Optional<ProcessHandle> p = ProcessHandle.allProcesses()
                        .filter(h -> h.info().arguments().map(args -> String.join(" ", args).contains(jar)).orElse(false))
                        .findFirst();
                out.put(service, p.map(h -> Endpoints.rssKiB(h.pid())).orElse(-1L));
            }
            return out;
        }
    }
}
