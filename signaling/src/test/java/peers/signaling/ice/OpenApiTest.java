package peers.signaling.ice;

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

/** Every REST operation is in the OpenAPI document at /signal/openapi with a summary, a success and its error statuses. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiTest {

    @Test
    void everyOperationIsDescribed() {
        OpenApiAudit audit = OpenApiAudit.fetch("/signal/openapi");
        assertEquals(List.of("200", "401", "429"),
                audit.document().getMap("paths.'/signal/v1/ice-servers'.get.responses").keySet().stream().sorted().toList());
        assertEquals(3, audit.operations().size(), "ice-servers, PeerJS description, PeerJS id: " + audit.operations());
        List<String> problems = audit.problems(Set.of(), op -> false);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
