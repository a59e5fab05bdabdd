package peers.billing.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import peers.billing.BillingConfig;
import peers.billing.BillingProblems;
import peers.common.problems.ProblemException;

/**
 * Every POST of this service takes an {@code Idempotency-Key}: the change and the response it produced are
 * stored in one transaction under (signing key, idempotency key); a retry with the same key and the same
 * request gets the stored response again (header {@code Idempotent-Replayed: true}) and changes nothing;
 * the same key with another request is refused (422). Concurrent requests with one key serialize on the
 * key's row: the second waits for the first's commit and then replays it. A request that failed (4xx)
 * stores nothing, so it can be corrected and sent again with the same key.
 */
@ApplicationScoped
public class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{8,255}");
    private static final Logger LOG = Logger.getLogger(Idempotency.class);

    private final Pool pool;
    private final ObjectMapper json;
    private final Clock clock;
    private final BillingConfig config;

    public Idempotency(Pool pool, ObjectMapper json, Clock clock, BillingConfig config) {
        this.pool = pool;
        this.json = json;
        this.clock = clock;
        this.config = config;
    }

    /** The outcome of the work: status and JSON body. */
    public record Outcome(int status, Object body) {
    }

    /**
     * Runs {@code work} in a transaction under the idempotency key, or replays the stored response.
     *
     * @param caller the signing key (keys are scoped per caller)
     * @param key the header's value
     * @param request what identifies the request: method, path and the parsed body
     */
    public Uni<Response> run(String caller, String key, String method, String path, Object request, Function<SqlConnection, Uni<Outcome>> work) {
        checkKey(key);
        byte[] fingerprint = fingerprint(method, path, request);
        return pool.withTransaction(conn -> conn
                .preparedQuery("INSERT INTO idempotency_keys (caller, key, fingerprint, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(caller, key, io.vertx.core.buffer.Buffer.buffer(fingerprint), clock.instant().atOffset(ZoneOffset.UTC)))
                .chain(inserted -> {
                    if (inserted.rowCount() == 0) {
                        return replay(conn, caller, key, fingerprint);
                    }
                    return work.apply(conn).chain(outcome -> {
                        String body = serialize(outcome.body());
                        return conn.preparedQuery("UPDATE idempotency_keys SET status = $3, response = $4 WHERE caller = $1 AND key = $2")
                                .execute(Tuple.of(caller, key, outcome.status(), body))
                                .replaceWith(Response.status(outcome.status()).type(MediaType.APPLICATION_JSON).entity(body).build());
                    });
                }));
    }

    /** Checks the header before anything else is looked at. */
    public static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new ProblemException(BillingProblems.IDEMPOTENCY_KEY_REQUIRED,
                    "send an Idempotency-Key header (8-255 printable ASCII characters, e.g. a UUID) with every POST; reuse it only to retry the same request");
        }
        if (!KEY.matcher(key).matches()) {
            throw ProblemException.invalid(HEADER, "Idempotency-Key must be 8-255 printable ASCII characters without spaces");
        }
    }

    private Uni<Response> replay(SqlConnection conn, String caller, String key, byte[] fingerprint) {
        return conn.preparedQuery("SELECT fingerprint, status, response FROM idempotency_keys WHERE caller = $1 AND key = $2")
                .execute(Tuple.of(caller, key))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    if (!Arrays.equals(r.getBuffer("fingerprint").getBytes(), fingerprint)) {
                        throw new ProblemException(BillingProblems.IDEMPOTENCY_KEY_REUSED, "this Idempotency-Key was used for a different request; "
                                + "use a new key for a new request").with("field", HEADER);
                    }
                    return Response.status(r.getInteger("status")).type(MediaType.APPLICATION_JSON).entity(r.getString("response"))
                            .header("Idempotent-Replayed", "true").build();
                });
    }

    private byte[] fingerprint(String method, String path, Object request) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(serialize(request).getBytes(StandardCharsets.UTF_8));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String serialize(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response is not serializable", e);
        }
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        return pool.preparedQuery("DELETE FROM idempotency_keys WHERE created_at < $1")
                .execute(Tuple.of(clock.instant().minus(config.idempotencyRetention()).atOffset(ZoneOffset.UTC)))
                .onFailure().invoke(e -> LOG.warnf("idempotency key purge failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
