package peers.common.problems;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which failures are a dependency being unreachable (503 with Retry-After) rather than a bug (500 with an incident). */
class UnavailableTest {

    private static PgException pg(String message, String sqlState) {
        return new PgException(message, "FATAL", sqlState, null);
    }

    @Test
    void postgresStoppingOrUnreachableIsUnavailable() {
        // a connection opened while pg_ctl stop runs (reliability's PostgresRestartIT saw this as a 500)
        assertTrue(ProblemMappers.isUnavailable(pg("the database system is shutting down", "57P03")));
        assertTrue(ProblemMappers.isUnavailable(pg("terminating connection due to administrator command", "57P01")));
        assertTrue(ProblemMappers.isUnavailable(pg("terminating connection because of crash of another server process", "57P02")));
        assertTrue(ProblemMappers.isUnavailable(pg("connection failure", "08006")));
        assertTrue(ProblemMappers.isUnavailable(new CompletionException(pg("the database system is shutting down", "57P03"))));
        assertTrue(ProblemMappers.isUnavailable(new RuntimeException(new ConnectException("Connection refused"))));
    }

    @Test
    void errorsOfTheRequestItselfAreNot() {
        assertFalse(ProblemMappers.isUnavailable(pg("duplicate key value violates unique constraint", "23505")));
        assertFalse(ProblemMappers.isUnavailable(pg("database \"x\" does not exist", "3D000")));
        assertFalse(ProblemMappers.isUnavailable(pg("database dropped", "57P04")));
        assertFalse(ProblemMappers.isUnavailable(pg("relation does not exist", "42P01")));
        assertFalse(ProblemMappers.isUnavailable(new IllegalStateException("bug")));
    }
}
