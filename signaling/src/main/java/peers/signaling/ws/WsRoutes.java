package peers.signaling.ws;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import peers.signaling.compat.PeerJsEndpoint;
import peers.signaling.compat.YWebrtcEndpoint;
import peers.signaling.hub.Link;
import peers.signaling.hub.Session;

/**
 * Serves the WebSocket endpoints with Vert.x's own server WebSocket, straight from the HTTP router: a relay's
 * work per message is a parse and a write, so nothing sits between the socket and the protocol (no per-message
 * context activation, no reactive wrapper per send, no per-connection attribute map). Frame and message bounds
 * are the HTTP server's ({@code quarkus.http.websocket-server.*}); a message over the bound closes the socket
 * with 1009.
 */
@ApplicationScoped
public class WsRoutes {

    private static final Logger LOG = Logger.getLogger(WsRoutes.class);

    void install(@Observes Router router, SignalEndpoint signal, PeerJsEndpoint peerJs, YWebrtcEndpoint yWebrtc) {
        route(router, SignalEndpoint.PATH, signal);
        route(router, PeerJsEndpoint.PATH, peerJs);
        route(router, YWebrtcEndpoint.PATH, yWebrtc);
    }

    private static void route(Router router, String path, WsEndpoint endpoint) {
        router.get(path).order(-200).handler(rc -> {
            HttpServerRequest req = rc.request();
            if (!req.headers().contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true)) {
                rc.next(); // not a WebSocket handshake: whatever else serves the path (or 404)
                return;
            }
            req.toWebSocket().onComplete(ar -> {
                if (ar.failed()) {
                    LOG.debugf("WebSocket handshake on %s failed: %s", path, ar.cause().toString());
                    return;
                }
                ServerWebSocket ws = ar.result();
                Session s = endpoint.open(new VertxLink(ws), ws.query());
                if (s == null) {
                    return;
                }
                ws.textMessageHandler(text -> endpoint.text(s, text));
                ws.binaryMessageHandler(data -> endpoint.binary(s));
                ws.exceptionHandler(t -> LOG.debugf("%s error: %s", s, t.toString()));
                ws.closeHandler(v -> endpoint.closed(s));
            });
        });
    }

    /** A session's link to its Vert.x socket. */
    record VertxLink(ServerWebSocket ws) implements Link {

        @Override
        public void send(String text) {
            // no isClosed() check first: a write to a closed socket fails harmlessly
            ws.writeTextMessage(text);
        }

        @Override
        public void ping() {
            ws.writePing(io.vertx.core.buffer.Buffer.buffer());
        }

        @Override
        public void close(int code, String reason) {
            ws.close((short) code, reason);
        }
    }
}
