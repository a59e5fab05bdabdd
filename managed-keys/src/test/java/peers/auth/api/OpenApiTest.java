package peers.auth.api;

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

/** Every operation is in the OpenAPI document at /auth/openapi with a summary, a success status and its error statuses. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiTest {

    @Test
    void everyOperationIsDescribed() {
        OpenApiAudit audit = OpenApiAudit.fetch("/auth/openapi");
        audit.operations().forEach(op -> assertTrue(op.path().startsWith("/auth/v1/"), "only auth paths: " + op));
        assertEquals(16, audit.operations().size(), "every operation: " + audit.operations());
        // Every operation is rate limited (429); everything but the ceremonies and recovery needs a session (401).
        List<String> problems = audit.problems(Set.of("429"), op -> false);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        audit.operations().stream().filter(op -> op.path().startsWith("/auth/v1/account") || op.path().equals("/auth/v1/session"))
                .forEach(op -> assertTrue(op.statuses().contains("401"), "401 documented: " + op));
        audit.operations().stream().filter(op -> op.path().equals("/auth/v1/registrations") || op.path().equals("/auth/v1/authentications"))
                .forEach(op -> assertTrue(op.statuses().containsAll(Set.of("400", "404", "409", "410", "413", "422")), "ceremony errors documented: " + op));
    }
}
