package peers.testing.openapi;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Checks a service's OpenAPI document the same way in every service: each operation has a summary,
 * a success status, an error status, and the statuses every operation of that service must name.
 */
public final class OpenApiAudit {

    /** One operation of the document. */
    public record Operation(String method, String path, Map<String, Object> raw) {

        @SuppressWarnings("unchecked")
        public Set<String> statuses() {
            Object r = raw.get("responses");
            return r == null ? Set.of() : ((Map<String, Object>) r).keySet();
        }

        @Override
        public String toString() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    private final JsonPath document;
    private final List<Operation> operations = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private OpenApiAudit(JsonPath document) {
        this.document = document;
        Map<String, Map<String, Object>> paths = document.getMap("paths");
        paths.forEach((path, ops) -> ops.forEach((method, op) -> operations.add(new Operation(method, path, (Map<String, Object>) op))));
    }

    /** Fetches the document (JSON) from the running service under test. */
    public static OpenApiAudit fetch(String documentPath) {
        return new OpenApiAudit(given().accept("application/json").get(documentPath + "?format=json").then().statusCode(200).extract().jsonPath());
    }

    public JsonPath document() {
        return document;
    }

    public List<Operation> operations() {
        return operations;
    }

    /**
     * What is missing: a summary, a 2xx, any of {@code required}, or — unless {@code noErrorsExpected}
     * says the operation cannot fail — any 4xx.
     */
    public List<String> problems(Set<String> required, Predicate<Operation> noErrorsExpected) {
        List<String> problems = new ArrayList<>();
        for (Operation op : operations) {
            Set<String> statuses = op.statuses();
            if (op.raw().get("summary") == null) {
                problems.add(op + " has no summary");
            }
            if (statuses.stream().noneMatch(s -> s.startsWith("2"))) {
                problems.add(op + " documents no success status");
            }
            for (String status : required) {
                if (!statuses.contains(status)) {
                    problems.add(op + " does not document " + status);
                }
            }
            if (!noErrorsExpected.test(op) && statuses.stream().noneMatch(s -> s.startsWith("4"))) {
                problems.add(op + " documents no error status");
            }
        }
        return problems;
    }
}
