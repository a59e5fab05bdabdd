package peers.signaling.ice;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Every REST operation is in the OpenAPI document at /signal/openapi with a summary, a success and its error statuses. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiTest {

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationIsDescribed() {
        JsonPath doc = given().accept("application/json").get("/signal/openapi?format=json").then().statusCode(200).extract().jsonPath();
        String op = "paths.'/signal/v1/ice-servers'.get";
        assertEquals(List.of("200", "401", "429"), List.copyOf(doc.getMap(op + ".responses").keySet()).stream().sorted().toList());
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        List<String> problems = new ArrayList<>();
        int operations = 0;
        for (var path : paths.entrySet()) {
            for (var o : path.getValue().entrySet()) {
                operations++;
                Map<String, Object> operation = (Map<String, Object>) o.getValue();
                Map<String, Object> responses = (Map<String, Object>) operation.get("responses");
                String where = o.getKey().toUpperCase() + " " + path.getKey();
                if (operation.get("summary") == null) {
                    problems.add(where + " has no summary");
                }
                if (responses == null || responses.keySet().stream().noneMatch(s -> s.startsWith("2"))
                        || responses.keySet().stream().noneMatch(s -> s.startsWith("4"))) {
                    problems.add(where + " lacks a success or an error status");
                }
            }
        }
        assertEquals(3, operations, "ice-servers, PeerJS description, PeerJS id: " + paths.keySet());
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
