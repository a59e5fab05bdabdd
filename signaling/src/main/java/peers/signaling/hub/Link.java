package peers.signaling.hub;

/** Where a {@link Session}'s frames go: a WebSocket on this replica (or, in tests, a recording). */
public interface Link {

    /** Sends one text frame without waiting; a link that went away meanwhile just misses it. */
    void send(String text);

    /** Sends a WebSocket ping (keeps NATs and proxies from dropping a quiet socket). */
    void ping();

    /** Closes the link with a WebSocket close code and reason. */
    void close(int code, String reason);
}
