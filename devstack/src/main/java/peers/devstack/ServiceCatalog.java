package peers.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

/**
 * The services of ARCHITECTURE.md, in start order. The devstack runs those whose module exists in the
 * repository and has a packaged fast-jar; a module that is not packaged is skipped with a warning (its prefix
 * answers 503 behind the router).
 *
 * <p>The router listens on {@code --port}; each service listens on its own HTTP port, {@code --port} plus its
 * {@link Service#index()} (key-registry on {@code --port} + 1). Management ports (health, metrics) are
 * {@code --management-port} plus the index, and are never routed.
 */
final class ServiceCatalog {

    /**
     * One service.
     *
     * @param name       module directory and log prefix
     * @param index      1-based, fixes its ports
     * @param prefixes   the URL prefixes it serves under (behind the ingress and the devstack router)
     * @param discovery  its name in the discovery document ({@code /.well-known/peers-services}), as in the Helm chart
     * @param usesS3     whether it gets the S3 settings
     * @param links      paths worth printing once it is ready, relative to the router's base URL
     */
    record Service(String name, int index, List<String> prefixes, String discovery, boolean usesS3, List<String> links) {

        /** Base path of its current API version, as the discovery document lists it. */
        String basePath() {
            return prefixes.getFirst() + "v1";
        }

        /** Whether its module has been packaged. */
        boolean packagedIn(Path root) {
            return Files.isRegularFile(fastJar(root));
        }

        Path fastJar(Path root) {
            return root.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        }

        boolean existsIn(Path root) {
            return Files.isRegularFile(root.resolve(name).resolve("pom.xml"));
        }

        /**
         * Whether a file under the module's {@code src/main} is newer than its fast-jar: a stale build, e.g. because
         * the module comes after {@code devstack} in the root POM's {@code <modules>} (devstack must be last).
         */
        boolean staleIn(Path root) {
            try (Stream<Path> sources = Files.walk(root.resolve(name).resolve("src/main"))) {
                FileTime built = Files.getLastModifiedTime(fastJar(root));
                return sources.anyMatch(f -> lastModified(f).compareTo(built) > 0);
            } catch (IOException | UncheckedIOException e) {
                return false; // cannot tell; the jar's presence was checked already
            }
        }

        private static FileTime lastModified(Path file) {
            try {
                return Files.getLastModifiedTime(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int httpPort(Settings settings) {
            return settings.httpPort() + index;
        }

        int managementPort(Settings settings) {
            return settings.managementPort() + index;
        }
    }

    static final List<Service> ALL = List.of(
            new Service("key-registry", 1, List.of("/registry/", "/.well-known/"), "registry", false, List.of(
                    "/registry/v1/handles?prefix=a",
                    "/.well-known/peers-services",
                    "/registry/openapi")),
            new Service("signaling", 2, List.of("/signal/"), "signal", false, List.of("/signal/openapi", "ws: /signal/v1/ws")),
            new Service("sync-buffer", 3, List.of("/sync/"), "sync", false, List.of("/sync/openapi", "ws: /sync/v1/tail")),
            new Service("backup-service", 4, List.of("/backup/"), "backup", true, List.of("/backup/openapi")),
            new Service("managed-keys", 5, List.of("/auth/"), "auth", false, List.of("/auth/openapi")),
            new Service("affiliate-billing", 6, List.of("/billing/"), "billing", false, List.of("/billing/openapi")));

    private ServiceCatalog() {
    }

    /** The services whose module exists under {@code root}. */
    static List<Service> present(Path root) {
        return ALL.stream().filter(s -> s.existsIn(root)).toList();
    }
}
