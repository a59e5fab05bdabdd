package peers.backup.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.openapi.OpenApiAudit;

/** Every operation, native and restic, is in the OpenAPI document at /backup/openapi with a summary and its statuses. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiTest {

    @Test
    void everyOperationIsDescribed() {
        OpenApiAudit audit = OpenApiAudit.fetch("/backup/openapi");
        List<OpenApiAudit.Operation> nativeOps = audit.operations().stream().filter(op -> op.path().startsWith("/backup/v1/")).toList();
        List<OpenApiAudit.Operation> restic = audit.operations().stream().filter(op -> op.path().startsWith("/backup/restic/")).toList();
        assertEquals(audit.operations().size(), nativeOps.size() + restic.size(), "only backup paths: " + audit.operations());
        assertEquals(17, nativeOps.size(), "every native operation: " + nativeOps);
        assertEquals(10, restic.size(), "every restic operation: " + restic);
        List<String> problems = audit.problems(Set.of("401", "429"), op -> false);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
