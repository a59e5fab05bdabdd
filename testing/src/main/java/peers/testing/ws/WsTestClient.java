package peers.testing.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import peers.common.identity.Base64Url;
import peers.common.ws.WsAuth;
import peers.testing.peers.TestPeer;

/**
 * A real WebSocket client for tests (the JDK's): collects text frames, sends raw or JSON frames,
 * and performs the in-band key authentication of {@link WsAuth}.
 */
public final class WsTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private WsTestClient(URI uri) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new Listener()).join();
    }

    /** Connects to {@code ws://…} and starts collecting frames. */
    public static WsTestClient connect(URI uri) {
        return new WsTestClient(uri);
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public void sendJson(Object value) {
        try {
            send(JSON.writeValueAsString(value));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The next text frame that matches, waiting up to {@code timeout}; skipped frames are dropped. */
    public JsonNode await(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            String frame = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("no matching frame within " + timeout + "; saw " + seen + (closed.isDone() ? " (socket closed " + closed.join() + ")" : ""));
            }
            seen.add(frame);
            try {
                JsonNode node = JSON.readTree(frame);
                if (match.test(node)) {
                    return node;
                }
            } catch (Exception notJson) {
                // keep waiting
            }
        }
    }

    /** The next frame whose {@code type} is {@code type}. */
    public JsonNode awaitType(String type, Duration timeout) throws InterruptedException {
        return await(n -> type.equals(n.path("type").asText()), timeout);
    }

    /** Waits for the server's challenge, answers it as {@code peer} for {@code endpoint}, and returns the server's reply. */
    public JsonNode authenticate(TestPeer peer, String endpoint, Duration timeout) throws InterruptedException {
        String challenge = awaitType(WsAuth.CHALLENGE, timeout).path("challenge").asText();
        String sig = Base64Url.encode(peer.sign(WsAuth.message(endpoint, challenge)));
        sendJson(java.util.Map.of("type", WsAuth.AUTH, "key", peer.id(), "signature", sig));
        return await(n -> !WsAuth.CHALLENGE.equals(n.path("type").asText()), timeout);
    }

    /** Completes with the close status code when the server closes the socket. */
    public CompletableFuture<Integer> closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            received.add(StandardCharsets.UTF_8.decode(data).toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }
}
