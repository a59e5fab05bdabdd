package peers.billing.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import peers.billing.testsupport.BillingTestResource;
import peers.testing.openapi.OpenApiAudit;

/** Every operation is in the OpenAPI document at /billing/openapi with a summary, a success status and its error statuses. */
@QuarkusTest
@WithTestResource(value = BillingTestResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiTest {

    @Test
    void everyOperationIsDescribed() {
        OpenApiAudit audit = OpenApiAudit.fetch("/billing/openapi");
        audit.operations().forEach(op -> assertTrue(op.path().startsWith("/billing/v1/"), "only billing paths: " + op));
        assertEquals(26, audit.operations().size(), "every operation: " + audit.operations());
        // Every operation but the public catalog and Stripe's webhook is signed (401); every one but the catalog is rate limited (429).
        List<String> signed = audit.problems(Set.of("401", "429"), op -> false).stream()
                .filter(p -> !p.startsWith("GET /billing/v1/plans") && !p.startsWith("POST /billing/v1/webhooks/stripe")).toList();
        assertTrue(signed.isEmpty(), String.join("\n", signed));
        assertTrue(audit.problems(Set.of(), op -> op.path().equals("/billing/v1/plans")).isEmpty());
        // Every POST but the webhook documents the idempotency problems (400 missing key, 422 reused key).
        audit.operations().stream().filter(op -> op.method().equals("post") && !op.path().contains("webhooks"))
                .forEach(op -> assertTrue(op.statuses().containsAll(Set.of("400", "422")), op + " documents 400 and 422"));
        Map<String, Object> statement = audit.document().getMap("paths.'/billing/v1/apps/{app}/statements/{month}'.get.responses.'200'.content");
        assertTrue(statement.containsKey("text/csv"), "the statement is documented as CSV too");
    }
}
