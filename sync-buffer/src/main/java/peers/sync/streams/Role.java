package peers.sync.streams;

import java.util.Locale;

/** A member's role in a stream; each role includes the rights of the ones before it. */
public enum Role {
    /** Reads records and tails the stream. */
    READ,
    /** Also appends records. */
    WRITE,
    /** Also manages members and deletes the stream. */
    ADMIN;

    public boolean includes(Role other) {
        return ordinal() >= other.ordinal();
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code read}, {@code write} or {@code admin}; null when it is none of them. */
    public static Role parse(String text) {
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "read" -> READ;
            case "write" -> WRITE;
            case "admin" -> ADMIN;
            default -> null;
        };
    }
}
