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
 * repository; a module without a packaged fast-jar is an error (build it first).
 *
 * <p>Until the router exists, each service listens on its own HTTP port: {@code --port} plus its
 * {@link Service#index()} minus one (key-registry on {@code --port} itself). Management ports (health,
 * metrics) are {@code --management-port} plus the index, and are never the public port.
 */
final class ServiceCatalog {

    /**
     * One service.
     *
     * @param name       module directory and log prefix
     * @param index      1-based, fixes its ports
     * @param pathPrefix the URL prefix it serves under (behind the ingress and, later, the devstack router)
     * @param usesS3     whether it gets the S3 settings
     * @param links      paths worth printing once it is ready, relative to its HTTP base URL
     */
    record Service(String name, int index, String pathPrefix, boolean usesS3, List<String> links) {

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
            return settings.httpPort() + index - 1;
        }

        int managementPort(Settings settings) {
            return settings.managementPort() + index;
        }
    }

    static final List<Service> ALL = List.of(
            new Service("key-registry", 1, "/registry/", false, List.of(
                    "/registry/v1/handles?prefix=a",
                    "/.well-known/peers-services",
                    "/registry/openapi")),
            new Service("signaling", 2, "/signal/", false, List.of("/signal/openapi")),
            new Service("sync-buffer", 3, "/sync/", false, List.of("/sync/openapi")),
            new Service("backup-service", 4, "/backup/", true, List.of("/backup/openapi")),
            new Service("managed-keys", 5, "/auth/", false, List.of("/auth/openapi")),
            new Service("affiliate-billing", 6, "/billing/", false, List.of("/billing/openapi")));

    private ServiceCatalog() {
    }

    /** The services whose module exists under {@code root}. */
    static List<Service> present(Path root) {
        return ALL.stream().filter(s -> s.existsIn(root)).toList();
    }
}
