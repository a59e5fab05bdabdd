package peers.testing.infra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Hands {@link PeersInfra}'s settings to a Quarkus test application. Register it on each {@code @QuarkusTest}
 * class with
 * <pre>{@code @WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)}</pre>
 * ({@code io.quarkus.test.common.WithTestResource}, {@code io.quarkus.test.common.TestResourceScope}).
 *
 * <p>{@link #stop()} does nothing: the infrastructure belongs to the JVM, not to one application, so data
 * survives when a test restarts its application.
 */
public class PeersInfraResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return PeersInfra.get().quarkusConfig();
    }

    @Override
    public void stop() {
        // the JVM-wide PeersInfra outlives every application; its shutdown hook stops it
    }
}
