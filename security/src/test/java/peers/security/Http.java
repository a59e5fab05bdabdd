package peers.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import peers.common.signatures.ContentDigest;
import peers.common.signatures.RequestSigner;
import peers.common.signatures.UriRequestView;
import peers.testing.peers.TestPeer;

/**
 * Raw HTTP for the suites: any method, any bytes, any header, optionally RFC 9421-signed by a {@link TestPeer}
 * the way a correct client signs (the signed headers can be kept to replay the very same request).
 */
public final class Http {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    private Http() {
    }

    /** A request to send: built, then optionally signed, then sent (possibly twice: a replay). */
    public static final class Req {
        public final String method;
        public final String url;
        public final Map<String, String> headers = new LinkedHashMap<>();
        public byte[] body;
        Duration timeout = Duration.ofSeconds(30);

        public Req(String method, String url) {
            this.method = method;
            this.url = url;
        }

        public Req header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Req json(Object body) {
            try {
                return bytes("application/json", body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public Req bytes(String contentType, byte[] bytes) {
            if (contentType != null) {
                headers.put("Content-Type", contentType);
            }
            body = bytes;
            return this;
        }

        public Req timeout(Duration t) {
            timeout = t;
            return this;
        }

        public Req bearer(String token) {
            return header("Authorization", "Bearer " + token);
        }

        /** Signs as a correct client: @method @authority @path @query (+ content-digest), fresh nonce, now. */
        public Req sign(TestPeer peer) {
            return sign(peer, Instant.now(), null);
        }

        public Req sign(TestPeer peer, Instant created, Long expires) {
            List<String> components = new ArrayList<>(List.of("@method", "@authority", "@path", "@query"));
            if (body != null && body.length > 0) {
                headers.put("Content-Digest", ContentDigest.sha256(body));
                components.add("content-digest");
            }
            Map<String, List<String>> view = new LinkedHashMap<>();
            headers.forEach((k, v) -> view.put(k.toLowerCase(java.util.Locale.ROOT), List.of(v)));
            Map<String, String> sig = RequestSigner.sign(new UriRequestView(method, URI.create(url), n -> view.getOrDefault(n.toLowerCase(java.util.Locale.ROOT), List.of())),
                    new RequestSigner.Spec(components, created.getEpochSecond(), expires, UUID.randomUUID().toString(), peer.id(), "ed25519", "sig"),
                    peer.privateKey());
            headers.putAll(sig);
            return this;
        }

        /** Sends without waiting; completes exceptionally on a timeout. */
        public java.util.concurrent.CompletableFuture<Res> sendAsync() {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
            headers.forEach(b::header);
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            return CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
                    .thenApply(r -> new Res(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers().map()));
        }

        public Res send() {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
            headers.forEach(b::header);
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            try {
                HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                return new Res(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers().map());
            } catch (IOException e) {
                throw new IllegalStateException(method + " " + url + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            if (text.length() > 300) {
                text = text.substring(0, 300) + "...(" + body.length + " bytes)";
            }
            return method + " " + url + " " + headers.keySet() + (body == null ? "" : " body=" + text);
        }
    }

    /** A response. */
    public record Res(int status, String contentType, byte[] body, Map<String, List<String>> headers) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + " " + contentType + "): " + text(), e);
            }
        }

        public boolean isProblem() {
            return contentType.startsWith("application/problem+json");
        }

        public String problemType() {
            if (!isProblem()) {
                return null;
            }
            JsonNode t = json().get("type");
            return t == null ? null : t.asText().replace("urn:peers:problem:", "");
        }

        public Res expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected " + expected + ", got " + status + " " + contentType + ": " + text());
            }
            return this;
        }
    }

    public static Req req(String method, String url) {
        return new Req(method, url);
    }
}
