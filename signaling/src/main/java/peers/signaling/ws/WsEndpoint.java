package peers.signaling.ws;

import peers.signaling.hub.Link;
import peers.signaling.hub.Session;

/**
 * One WebSocket protocol (native, PeerJS, y-webrtc), apart from the transport: {@link WsRoutes} calls it for
 * each socket's events on the socket's event loop, and tests call it with a recording {@link Link}.
 */
public interface WsEndpoint {

    /** A socket opened (query: the handshake's query string, or null); its session, or null when it was refused and closed. */
    Session open(Link link, String query);

    /** One complete text message (fragments joined). */
    void text(Session s, String text);

    /** One complete binary message: not part of any of the protocols. */
    void binary(Session s);

    /** The socket closed (or was closed). */
    void closed(Session s);
}
