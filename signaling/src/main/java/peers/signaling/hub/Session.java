package peers.signaling.hub;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import peers.common.limits.RateLimitConfig;

/**
 * One live socket on this replica: its identity once authenticated, its rooms (or y-webrtc topics), when it
 * was last heard from, and its own token bucket for the per-connection rate limit (a field of the socket, so
 * a message costs no lookup and the bucket goes away with the socket). Kept small: there is one per socket.
 */
public final class Session {

    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final Link link;
    private final long openedMillis;
    private volatile String challenge;
    private volatile String peer;
    private volatile long lastSeenMillis;
    /** The key's shared bucket (native protocol), set on authentication. */
    private volatile TokenBucket keyBucket;
    private final TokenBucket bucket;
    /** Rooms (native) or topics (y-webrtc); null until the first. Guarded by the owning hub's lock. */
    Set<String> rooms;

    public Session(Link link, String challenge, long nowMillis, RateLimitConfig.Limit connectionLimit) {
        this.link = link;
        this.challenge = challenge;
        this.openedMillis = nowMillis;
        this.lastSeenMillis = nowMillis;
        this.bucket = new TokenBucket(connectionLimit, nowMillis);
    }

    /** A number unique on this replica, for logs. */
    public long id() {
        return id;
    }

    /** The authentication challenge; null once authenticated (it is never needed again). */
    public String challenge() {
        return challenge;
    }

    /** The peer key (or anonymous session id, or PeerJS id); null until authenticated. */
    public String peer() {
        return peer;
    }

    void peer(String peer, TokenBucket keyBucket) {
        this.peer = peer;
        this.keyBucket = keyBucket;
        this.challenge = null;
    }

    /** Names a compatibility socket (its PeerJS id). */
    public void name(String name) {
        this.peer = name;
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

    /** Takes a token from this connection's bucket: 0, or how many ms until one is back (the message is then refused). */
    public long takeConnectionToken(long nowMillis) {
        return bucket.take(nowMillis);
    }

    /** Takes a token from the bucket shared by every connection of this socket's key; 0 when there is none (not authenticated). */
    public long takeKeyToken(long nowMillis) {
        TokenBucket b = keyBucket;
        return b == null ? 0 : b.take(nowMillis);
    }

    /** Sends one text frame without waiting; a socket that went away meanwhile just misses it. */
    public void send(String text) {
        link.send(text);
    }

    /** Sends a WebSocket ping. */
    public void ping() {
        link.ping();
    }

    public void close(int code, String reason) {
        link.close(code, reason);
    }

    Set<String> rooms() {
        if (rooms == null) {
            rooms = new LinkedHashSet<>(4);
        }
        return rooms;
    }

    int roomCount() {
        return rooms == null ? 0 : rooms.size();
    }

    boolean inRoom(String room) {
        return rooms != null && rooms.contains(room);
    }

    @Override
    public String toString() {
        return "socket " + id;
    }
}
