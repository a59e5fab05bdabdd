package peers.registry.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.openapi.OpenApiAudit;

/** Every operation is in the OpenAPI document with a summary, a success status and its error statuses. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiTest {

    @Test
    void everyOperationIsDescribed() {
        OpenApiAudit audit = OpenApiAudit.fetch("/registry/openapi");
        assertTrue(audit.operations().size() >= 17, "expected every operation, found " + audit.operations());
        // The discovery document and the CORS preflight cannot fail.
        List<String> problems = audit.problems(Set.of(),
                op -> op.path().equals("/.well-known/peers-services") || op.method().equals("options"));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
