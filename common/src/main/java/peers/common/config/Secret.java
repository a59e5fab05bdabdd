package peers.common.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * A value that must never be printed: {@link #toString()} says {@code [REDACTED]}, so a secret that
 * ends up in a log line, an exception message or a debugger view stays hidden. Call {@link #reveal()}
 * only where the value is used.
 */
public final class Secret<T> {

    private static final String REDACTED = "[REDACTED]";

    private final T value;

    private Secret(T value) {
        this.value = Objects.requireNonNull(value, "secret value");
    }

    public static <T> Secret<T> of(T value) {
        return new Secret<>(value);
    }

    public T reveal() {
        return value;
    }

    public <R> Secret<R> map(Function<T, R> f) {
        return new Secret<>(f.apply(value));
    }

    @Override
    public String toString() {
        return REDACTED;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret<?> s && value.equals(s.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
