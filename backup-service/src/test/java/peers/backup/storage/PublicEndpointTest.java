package peers.backup.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import peers.backup.BackupConfig;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.TestS3;

/**
 * With peers.s3.public-endpoint set, presigned URLs name the host clients reach and are signed for it: the
 * service talks to S3 at 127.0.0.1, clients PUT and GET through "localhost".
 */
class PublicEndpointTest {

    @SuppressWarnings("unchecked")
    static <T> T config(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            if (!values.containsKey(m.getName())) {
                throw new UnsupportedOperationException(m.getName());
            }
            return values.get(m.getName());
        });
    }

    @Test
    void presignedUrlsUseThePublicEndpoint() throws Exception {
        TestS3 s3 = PeersInfra.get(java.util.EnumSet.of(PeersInfra.Part.S3)).s3();
        String publicEndpoint = "http://localhost:" + s3.port();
        S3Config s3Config = config(S3Config.class, Map.of("endpoint", s3.endpoint(), "publicEndpoint", Optional.of(publicEndpoint),
                "accessKey", s3.accessKey(), "secretKey", s3.secretKey(), "region", s3.region(), "pathStyle", true));
        BackupConfig backup = config(BackupConfig.class, Map.of("bucket", "public-endpoint-test"));
        Vertx vertx = Vertx.vertx();
        try {
            ObjectStore store = new ObjectStore(s3Config, backup, vertx);
            store.ensureBucket();
            String put = store.presignPut("k/object", Duration.ofMinutes(1));
            assertTrue(put.startsWith(publicEndpoint + "/public-endpoint-test/k/object?"), put);
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(put)).PUT(HttpRequest.BodyPublishers.ofString("hello")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            String get = store.presignGet("k/object", Duration.ofMinutes(1));
            assertEquals("hello", http.send(HttpRequest.newBuilder(URI.create(get)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(5, store.stat("k/object").await().atMost(Duration.ofSeconds(30)).size(), "the service itself uses the internal endpoint");
        } finally {
            vertx.close();
        }
    }
}
