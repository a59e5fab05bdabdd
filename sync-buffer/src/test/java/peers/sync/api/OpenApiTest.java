package peers.sync.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;

/** Every operation is in the OpenAPI document at /sync/openapi with a summary, a success status and its error statuses. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiTest {

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationIsDescribed() {
        JsonPath doc = given().accept("application/json").get("/sync/openapi?format=json").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        List<String> problems = new ArrayList<>();
        int operations = 0;
        for (var path : paths.entrySet()) {
            assertTrue(path.getKey().startsWith("/sync/v1/"), "only sync paths: " + path.getKey());
            for (var op : path.getValue().entrySet()) {
                operations++;
                Map<String, Object> o = (Map<String, Object>) op.getValue();
                String where = op.getKey().toUpperCase() + " " + path.getKey();
                if (o.get("summary") == null) {
                    problems.add(where + " has no summary");
                }
                Map<String, Object> responses = (Map<String, Object>) o.get("responses");
                if (responses == null || responses.keySet().stream().noneMatch(s -> s.startsWith("2"))) {
                    problems.add(where + " documents no success status");
                }
                if (responses == null || !responses.containsKey("401")) {
                    problems.add(where + " does not document 401 (every operation is signed)");
                }
                if (responses == null || !responses.containsKey("429")) {
                    problems.add(where + " does not document 429");
                }
            }
        }
        assertEquals(9, operations, "every operation: " + paths.keySet());
        assertFalse(!problems.isEmpty(), String.join("\n", problems));
        Map<String, Object> read = doc.getMap("paths.'/sync/v1/streams/{stream}/records'.get.responses");
        assertTrue(read.containsKey("410"), "cursor-expired is documented");
    }
}
