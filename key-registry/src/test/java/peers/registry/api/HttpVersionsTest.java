package peers.registry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import peers.common.signatures.ContentDigest;
import peers.common.signatures.RequestSigner;
import peers.common.signatures.UriRequestView;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/**
 * A signed POST with a body from the JDK's HttpClient in its default mode, which asks a plain-HTTP server
 * to upgrade to HTTP/2 (h2c) on the request that carries the body. The services answer such requests over
 * HTTP/1.1 (ingresses speak HTTP/1.1 to them anyway): once the upgrade was accepted, the body was read by
 * the upgrade and the resource failed with 500 "Request has already been read".
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class HttpVersionsTest {

    @TestHTTPResource("/registry/v1/identities")
    URI identities;

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void aSignedPostWithABodyRegistersWhateverTheClientsHttpVersion(HttpClient.Version version) throws Exception {
        TestPeer peer = TestPeer.create();
        byte[] body = ("{\"handle\":\"" + Registrations.uniqueHandle() + "\"}").getBytes(StandardCharsets.UTF_8);
        String digest = ContentDigest.sha256(body);
        List<String> components = new ArrayList<>(List.of("@method", "@authority", "@path", "@query", "content-digest"));
        Map<String, String> signature = RequestSigner.sign(
                new UriRequestView("POST", identities, name -> "content-digest".equals(name) ? List.of(digest) : List.of()),
                new RequestSigner.Spec(components, Instant.now().getEpochSecond(), null, UUID.randomUUID().toString(), peer.id(), "ed25519", "sig"),
                peer.privateKey());
        HttpRequest.Builder request = HttpRequest.newBuilder(identities).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Content-Digest", digest)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signature.forEach(request::header);
        HttpClient client = HttpClient.newBuilder().version(version).build();
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), version + ": " + response.body());
    }
}
