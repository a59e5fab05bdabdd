package peers.signaling.hub;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jboss.logging.Logger;

/** One live socket on this replica: its identity once authenticated, its rooms and when it was last heard from. */
public final class Session {

    private static final Logger LOG = Logger.getLogger(Session.class);

    private final WebSocketConnection connection;
    private final String challenge;
    private final long openedMillis;
    private volatile String peer;
    private volatile long lastSeenMillis;
    /** Guarded by the Hub's lock. */
    final Set<String> rooms = new LinkedHashSet<>();

    public Session(WebSocketConnection connection, String challenge, long nowMillis) {
        this.connection = connection;
        this.challenge = challenge;
        this.openedMillis = nowMillis;
        this.lastSeenMillis = nowMillis;
    }

    public String id() {
        return connection.id();
    }

    public String challenge() {
        return challenge;
    }

    /** The peer key (or anonymous session id); null until authenticated. */
    public String peer() {
        return peer;
    }

    void peer(String peer) {
        this.peer = peer;
    }

    public boolean authenticated() {
        return peer != null;
    }

    public long openedMillis() {
        return openedMillis;
    }

    public long lastSeenMillis() {
        return lastSeenMillis;
    }

    public void touch(long nowMillis) {
        lastSeenMillis = nowMillis;
    }

    /** Sends one text frame without waiting; a socket that went away meanwhile just misses it. */
    public void send(String text) {
        // no isOpen() check first: it costs as much as the send, which fails harmlessly on a closed socket
        connection.sendText(text).subscribe().with(ok -> { }, e -> LOG.debugf("send to %s failed: %s", id(), e));
    }

    public void close(int code, String reason) {
        connection.close(new CloseReason(code, reason)).subscribe().with(ok -> { }, e -> { });
    }
}
