package peers.signaling.ws;

import java.util.LinkedHashMap;
import java.util.Map;

/** A typed error answered on the socket; the connection stays open. Carries no stack trace. */
public final class SignalError extends RuntimeException {

    private final ErrorCode code;
    private final Map<String, Object> extra = new LinkedHashMap<>();

    public SignalError(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public static SignalError invalid(String field, String message) {
        return new SignalError(ErrorCode.INVALID_FIELD, message).with("field", field);
    }

    public SignalError with(String name, Object value) {
        extra.put(name, value);
        return this;
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> extra() {
        return extra;
    }
}
