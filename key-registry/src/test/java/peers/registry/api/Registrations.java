package peers.registry.api;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.UUID;
import peers.registry.identities.Proofs;
import peers.testing.peers.TestPeer;

/** Request builders shared by the key-registry tests. */
final class Registrations {

    private Registrations() {
    }

    /** A handle no other test uses: "h" + 12 random letters/digits. */
    static String uniqueHandle() {
        return "h" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static ValidatableResponse register(TestPeer peer, String handle) {
        return registerJson(peer, "{\"handle\":\"" + handle + "\"}");
    }

    static ValidatableResponse registerJson(TestPeer peer, String json) {
        return given().filter(peer.signed()).contentType(ContentType.JSON).body(json)
                .when().post("/registry/v1/identities").then();
    }

    static String deviceJson(TestPeer identity, TestPeer device, long expires) {
        String cert = identity.signText(new String(Proofs.deviceCertificate(identity.id(), device.id(), expires), java.nio.charset.StandardCharsets.UTF_8));
        return "{\"key\":\"" + device.id() + "\",\"expires\":" + expires + ",\"certificate\":\"" + cert + "\"}";
    }

    static long inDays(int days) {
        return Instant.now().plusSeconds(86400L * days).getEpochSecond();
    }
}
