package peers.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import peers.common.signatures.ContentDigest;
import peers.common.signatures.RequestSigner;
import peers.common.signatures.RequestView;
import peers.common.signatures.UriRequestView;
import peers.testing.peers.TestPeer;

/**
 * HTTP for the fault and soak tests: the JDK's client (thread-safe, with a timeout per request, so a hang
 * is seen as one), requests signed per RFC 9421 the way a Peers client signs them (the components
 * {@code peers.testing.peers.SigningFilter} covers). A transport failure or timeout is returned as status
 * {@code -1} rather than thrown, so load loops can count it.
 */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> COMPONENTS = List.of("@method", "@authority", "@path", "@query");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Api() {
    }

    /** An answer: status (-1: no answer, {@code body} says why), content type, body text and headers. */
    record Res(int status, String contentType, String body, HttpHeaders headers) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** A clean "try again later": 503, problem+json with a type, no Java internals in the text. */
        boolean cleanUnavailable() {
            return status == 503 && contentType != null && contentType.startsWith("application/problem+json")
                    && body.contains("\"type\"") && !body.contains("Exception") && !body.contains("\tat ");
        }

        @Override
        public String toString() {
            return status + " " + (contentType == null ? "" : contentType + " ") + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Res get(String url, TestPeer signer) {
        return send("GET", url, null, signer, Map.of());
    }

    static Res post(String url, Object body, TestPeer signer) {
        return send("POST", url, body == null ? null : json(body), signer, Map.of());
    }

    /** A POST with a fresh {@code Idempotency-Key} (affiliate-billing requires one on every POST). */
    static Res postIdempotent(String url, Object body, TestPeer signer) {
        return send("POST", url, json(body), signer, Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    }

    static Res send(String method, String url, String json, TestPeer signer, Map<String, String> headers) {
        URI uri = URI.create(url);
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
        headers.forEach(b::header);
        String digest = null;
        if (body.length > 0) {
            b.header("Content-Type", "application/json");
            if (signer != null) {
                digest = ContentDigest.sha256(body);
                b.header("Content-Digest", digest);
            }
        }
        if (signer != null) {
            List<String> components = new ArrayList<>(COMPONENTS);
            if (digest != null) {
                components.add("content-digest");
            }
            String d = digest;
            RequestView view = new UriRequestView(method, uri, name -> "content-digest".equals(name) && d != null ? List.of(d) : List.of());
            RequestSigner.sign(view, new RequestSigner.Spec(components, Instant.now().getEpochSecond(), null, UUID.randomUUID().toString(),
                    signer.id(), "ed25519", "sig"), signer.privateKey()).forEach(b::header);
        }
        b.method(method.toUpperCase(Locale.ROOT), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return exchange(b.build());
    }

    /** Sends any request (e.g. a PUT of bytes to a presigned S3 URL). */
    static Res exchange(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body(), r.headers());
        } catch (IOException e) {
            return new Res(-1, null, e.toString(), HttpHeaders.of(Map.of(), (x, y) -> true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Res(-1, null, e.toString(), HttpHeaders.of(Map.of(), (x, y) -> true));
        }
    }
}
