package peers.signaling.ws;

/**
 * The {@code code} of every {@code {"type":"error"}} message of the native protocol. Codes are stable: a
 * client may branch on them. docs/api/signaling.md lists each with its cause.
 */
public enum ErrorCode {
    /** The frame is not a JSON object with a string {@code type}. */
    NOT_JSON("not-json"),
    /** Binary frames are not part of the protocol. */
    BINARY_UNSUPPORTED("binary-unsupported"),
    /** The {@code type} is not one this endpoint knows. */
    UNKNOWN_TYPE("unknown-type"),
    /** The frame exceeds the protocol's frame bound. */
    FRAME_TOO_LARGE("frame-too-large"),
    /** A signal's payload exceeds the payload bound. */
    PAYLOAD_TOO_LARGE("payload-too-large"),
    /** A field is missing or has a bad value; {@code field} names it. */
    INVALID_FIELD("invalid-field"),
    /** Only {@code auth} and {@code ping} are allowed before authentication. */
    NOT_AUTHENTICATED("not-authenticated"),
    /** The socket already has an identity. */
    ALREADY_AUTHENTICATED("already-authenticated"),
    /** The answer to the challenge does not verify (or the key is malformed). */
    SIGNATURE_INVALID("signature-invalid"),
    /** Anonymous sessions are not enabled on this server. */
    ANONYMOUS_DISABLED("anonymous-disabled"),
    /** The key holds the most connections allowed. */
    TOO_MANY_CONNECTIONS("too-many-connections"),
    /** A rate limit was hit; {@code limit} names it. The message was dropped. */
    RATE_LIMITED("rate-limited"),
    /** The connection is in the most rooms allowed. */
    TOO_MANY_ROOMS("too-many-rooms"),
    /** The room has the most members allowed. */
    ROOM_FULL("room-full"),
    /** A leave for a room this connection is not in. */
    NOT_IN_ROOM("not-in-room"),
    /** No live connection of the recipient key, on any replica, took the signal. Nothing is stored. */
    PEER_NOT_CONNECTED("peer-not-connected"),
    /** Sent just before the server closes a socket that did not authenticate in time. */
    AUTH_TIMEOUT("auth-timeout"),
    /** Sent just before the server closes a socket that stayed silent too long. */
    IDLE_TIMEOUT("idle-timeout"),
    /** Something failed on the server; the message may not have had its effect. */
    INTERNAL("internal");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
