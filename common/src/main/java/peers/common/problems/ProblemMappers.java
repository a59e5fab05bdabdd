package peers.common.problems;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where exceptions become HTTP answers. Every answer is problem+json; nothing of the
 * server's inside (stack traces, SQL, class names) reaches the client. Unexpected failures are logged
 * with an incident id that the client also receives, so support can find the log line.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return Problems.response(e, uri.getPath());
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<Map<String, String>> errors = new ArrayList<>();
        e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .forEach(v -> errors.add(Map.of("field", field(v), "message", v.getMessage())));
        String detail = errors.stream().map(m -> m.get("field") + ": " + m.get("message")).reduce((a, b) -> a + "; " + b).orElse("invalid request");
        return Problems.response(new ProblemException(ProblemType.INVALID_FIELD, detail).with("errors", errors), uri.getPath());
    }

    @ServerExceptionMapper(priority = 1)
    public Response json(JsonProcessingException e, UriInfo uri) {
        ProblemException inner = causeOf(e, ProblemException.class);
        if (inner != null) {
            return Problems.response(inner, uri.getPath());
        }
        return Problems.response(new ProblemException(ProblemType.MALFORMED_REQUEST, describe(e)), uri.getPath());
    }

    /**
     * A JSON body whose bytes are no text in the encoding Jackson detects from its first bytes (four leading zero
     * bytes make it read UTF-32, then a code point above U+10FFFF follows; a broken UTF-8 sequence) fails with a
     * {@link java.io.CharConversionException}, an {@code IOException} and no {@code JsonProcessingException}: it
     * used to reach the catch-all as a 500. Found by sync-buffer's and managed-keys' fuzz tests.
     */
    @ServerExceptionMapper(priority = 1)
    public Response encoding(java.io.CharConversionException e, UriInfo uri) {
        return Problems.response(new ProblemException(ProblemType.MALFORMED_REQUEST,
                "the body is not valid JSON text (send UTF-8): " + e.getMessage()), uri.getPath());
    }

    /** Quarkus maps this Jackson subtype itself unless told otherwise; ours names the field instead. */
    @ServerExceptionMapper
    public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        ProblemException inner = causeOf(e, ProblemException.class);
        if (inner != null) {
            return Problems.response(inner, uri.getPath());
        }
        JsonProcessingException json = causeOf(e, JsonProcessingException.class);
        if (json != null) {
            return json(json, uri);
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        ProblemException p = switch (e) {
            case NotFoundException nf -> new ProblemException(ProblemType.NOT_FOUND, "nothing is served at " + uri.getPath() + "; see the OpenAPI document for the paths of this service");
            case NotAllowedException na -> new ProblemException(ProblemType.METHOD_NOT_ALLOWED,
                    "this path does not accept that method; allowed: " + String.join(", ", na.getResponse().getAllowedMethods()));
            case NotSupportedException ns -> new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
            case NotAcceptableException nae -> new ProblemException(ProblemType.NOT_ACCEPTABLE, "this resource is available as application/json");
            default -> status >= 500
                    ? null
                    : new ProblemException(ProblemType.of(status == 400 ? "malformed-request" : "http-" + status, status,
                            Response.Status.fromStatusCode(status) == null ? "Client error" : Response.Status.fromStatusCode(status).getReasonPhrase()),
                            "the request was refused (" + status + "); check the method, path, headers and body against the API documentation");
        };
        if (p == null) {
            return unexpected(e, uri);
        }
        return Problems.response(p, uri.getPath());
    }

    @ServerExceptionMapper(priority = 10000)
    public Response unexpected(Throwable e, UriInfo uri) {
        ProblemException inner = causeOf(e, ProblemException.class);
        if (inner != null) {
            return Problems.response(inner, uri.getPath());
        }
        if (isUnavailable(e)) {
            LOG.warnf("dependency unavailable on %s: %s", uri.getPath(), e.toString());
            return Problems.response(new ProblemException(ProblemType.UNAVAILABLE,
                    "a storage dependency of this service is unreachable; retry with backoff").withHeader("Retry-After", "5"), uri.getPath());
        }
        if (isUniqueViolation(e)) {
            // A race the service's own checks did not catch: the database kept its invariant; the client may retry.
            return Problems.response(new ProblemException(ProblemType.CONFLICT,
                    "a concurrent request changed the same data; read the current state and retry"), uri.getPath());
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected failure on %s (incident %s)", uri.getPath(), incident);
        return Problems.response(new ProblemException(ProblemType.INTERNAL,
                "an unexpected error occurred; report incident " + incident + " if it persists").with("incident", incident), uri.getPath());
    }

    /** True when the failure is a dependency (database, broker, object store) being unreachable. */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String cls = t.getClass().getName();
            if (t instanceof ConnectException
                    // a connection the database closed under a request (restart): "Connection reset", broken pipe
                    || t instanceof java.net.SocketException || t instanceof java.nio.channels.ClosedChannelException
                    || cls.equals("io.vertx.sqlclient.ClosedConnectionException")
                    || cls.equals("io.netty.channel.ConnectTimeoutException")
                    || cls.equals("io.netty.channel.AbstractChannel$AnnotatedConnectException")
                    || cls.equals("io.vertx.core.http.ConnectionPoolTooBusyException")
                    || t.getMessage() != null && (t.getMessage().contains("Connection refused") || t.getMessage().contains("Connection is closed")
                            || t.getMessage().contains("the database system is starting up") || t.getMessage().contains("terminating connection due to administrator command"))) {
                return true;
            }
            // PostgreSQL says so itself: class 08 (connection exception) and 57P01-57P03 (admin_shutdown,
            // crash_shutdown, cannot_connect_now: "the database system is shutting down" to a connection opened while
            // it stops). A request caught in that window gets a 503 like one that found the port closed.
            if (t instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().matches("57P0[123]"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** True for PostgreSQL's unique_violation (SQLSTATE 23505), however the driver or ORM wrapped it. */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
            if (t.getClass().getName().equals("io.vertx.pgclient.PgException") && t.getMessage() != null && t.getMessage().contains("23505")) {
                return true;
            }
            if (t instanceof org.hibernate.JDBCException j && "23505".equals(j.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String field(ConstraintViolation<?> v) {
        // "register.body.handle" -> "handle": drop the method and parameter segments.
        String path = v.getPropertyPath().toString();
        String[] parts = path.split("\\.");
        return parts.length > 2 ? String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length)) : parts[parts.length - 1];
    }

    /** Describes a JSON error by location and kind, without Java type names. */
    static String describe(JsonProcessingException e) {
        String where = "";
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    sb.append('[').append(r.getIndex()).append(']');
                }
            }
            where = "field '" + sb + "': ";
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'; remove it (see the API documentation for the fields of this body)";
        }
        if (e instanceof ValueInstantiationException) {
            return where + "invalid value";
        }
        if (e instanceof JsonMappingException) {
            return where + "wrong type or shape of value; check the API documentation for this field";
        }
        var loc = e.getLocation();
        return "the body is not valid JSON" + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")");
    }
}
