package peers.registry.handles;

import java.util.Objects;

/**
 * Thrown by {@link HandlePolicy#check(String)} when a handle is refused.
 *
 * <p>{@link #reason()} is a stable, machine-readable code (safe to expose in API error bodies);
 * {@link #getMessage()} is an English sentence telling the user what to change. Messages never echo
 * the raw input; offending characters are named as {@code U+XXXX NAME}.
 */
public final class InvalidHandle extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a handle was refused. The constant names are part of the public API; do not rename. */
    public enum Reason {
        /** No handle was given (null or empty). */
        REQUIRED,
        /** Fewer than {@link HandlePolicy#MIN_LENGTH} code points after normalization. */
        TOO_SHORT,
        /**
         * More than {@link HandlePolicy#MAX_LENGTH} code points after normalization, or more than
         * {@link HandlePolicy#MAX_INPUT_CHARS} UTF-16 units of raw input.
         */
        TOO_LONG,
        /** A character that is not allowed at all, not allowed at its position, or invisible. */
        BAD_CHARACTER,
        /** A separator ({@code . _ -}) at the start or end, or two separators in a row. */
        BAD_SEPARATOR,
        /** Letters from incompatible scripts, or digits from more than one numbering system. */
        MIXED_SCRIPT,
        /** The handle is, or is confusable with, a reserved name. */
        RESERVED
    }

    private final Reason reason;

    public InvalidHandle(Reason reason, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The stable refusal code. */
    public Reason reason() {
        return reason;
    }
}
