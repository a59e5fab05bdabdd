package peers.signaling.ws;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns WebSocket compression off (Vert.x offers permessage-deflate by default, and browsers ask for it):
 * each compressed socket holds a zlib deflater and inflater, tens of KB of native memory per connection,
 * for frames (SDP, ICE candidates) of a few hundred bytes. peerjs-server's {@code ws} does the same.
 */
@ApplicationScoped
public class NoCompression implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        off(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        off(options);
    }

    private static void off(HttpServerOptions options) {
        options.setPerMessageWebSocketCompressionSupported(false);
        options.setPerFrameWebSocketCompressionSupported(false);
    }
}
