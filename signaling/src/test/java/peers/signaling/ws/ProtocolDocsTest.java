package peers.signaling.ws;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;

/** Every error code is documented in docs/api/signaling.md and in the AsyncAPI document the service serves. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class ProtocolDocsTest {

    @Test
    void everyErrorCodeIsDocumented() throws Exception {
        String asyncApi = given().get("/signal/asyncapi.yaml").then().statusCode(200).extract().asString();
        String guide = Files.readString(Path.of("../docs/api/signaling.md"));
        for (ErrorCode c : ErrorCode.values()) {
            assertTrue(asyncApi.contains(c.code()), c.code() + " missing from /signal/asyncapi.yaml");
            assertTrue(guide.contains("| `" + c.code() + "` |"), c.code() + " missing from the error table of docs/api/signaling.md");
        }
    }
}
