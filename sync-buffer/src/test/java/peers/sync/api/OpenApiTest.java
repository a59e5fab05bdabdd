package peers.sync.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.openapi.OpenApiAudit;

/** Every operation is in the OpenAPI document at /sync/openapi with a summary, a success status and its error statuses. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiTest {

    @Test
    void everyOperationIsDescribed() {
        OpenApiAudit audit = OpenApiAudit.fetch("/sync/openapi");
        audit.operations().forEach(op -> assertTrue(op.path().startsWith("/sync/v1/"), "only sync paths: " + op));
        assertEquals(9, audit.operations().size(), "every operation: " + audit.operations());
        // Every operation is signed (401) and rate limited (429).
        List<String> problems = audit.problems(Set.of("401", "429"), op -> false);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        Map<String, Object> read = audit.document().getMap("paths.'/sync/v1/streams/{stream}/records'.get.responses");
        assertTrue(read.containsKey("410"), "cursor-expired is documented");
        assertTrue(read.containsKey("406"), "not-acceptable is documented");
        Map<String, Object> ok = audit.document().getMap("paths.'/sync/v1/streams/{stream}/records'.get.responses.'200'.content");
        assertTrue(ok.containsKey("application/json") && ok.containsKey("application/octet-stream"), "both page formats: " + ok.keySet());
    }
}
