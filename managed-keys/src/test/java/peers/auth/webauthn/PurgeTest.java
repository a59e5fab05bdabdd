package peers.auth.webauthn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.auth.testsupport.TestClock;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.PeersInfraResource;
import peers.testing.infra.TestPostgres;

/** Spent and expired ceremonies are forgotten an hour after they expired; fresh ones stay. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class PurgeTest {

    @Inject
    Ceremonies ceremonies;

    @Inject
    LoginChallenges logins;

    @Inject
    TestClock clock;

    @AfterEach
    void reset() {
        clock.reset();
    }

    @Test
    void expiredCeremoniesArePurged() throws Throwable {
        Ceremony old = VertxContextSupport.subscribeAndAwait(() -> ceremonies.start("authentication", null, null, null, null));
        clock.advance(Duration.ofMinutes(62).plusSeconds(5));
        Ceremony fresh = VertxContextSupport.subscribeAndAwait(() -> ceremonies.start("authentication", null, null, null, null));
        VertxContextSupport.subscribeAndAwait(() -> ceremonies.purge());
        assertEquals(0, count(old.id));
        assertEquals(1, count(fresh.id));
    }

    @Test
    void spentLoginChallengesArePurgedAnHourAfterTheyExpired() throws Throwable {
        LoginChallenges.Parsed old = VertxContextSupport.subscribeAndAwait(() -> logins.issue(null).chain(c -> logins.parse(c.id)));
        VertxContextSupport.subscribeAndAwait(() -> logins.spend(old));
        clock.advance(Duration.ofMinutes(62).plusSeconds(5));
        LoginChallenges.Parsed fresh = VertxContextSupport.subscribeAndAwait(() -> logins.issue(null).chain(c -> logins.parse(c.id)));
        VertxContextSupport.subscribeAndAwait(() -> logins.spend(fresh));
        assertTrue(VertxContextSupport.subscribeAndAwait(() -> logins.used(old)));
        VertxContextSupport.subscribeAndAwait(() -> logins.purge());
        assertFalse(VertxContextSupport.subscribeAndAwait(() -> logins.used(old)));
        assertTrue(VertxContextSupport.subscribeAndAwait(() -> logins.used(fresh)));
    }

    static long count(String id) throws Exception {
        var pg = PeersInfra.get().postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE), pg.user(), pg.password());
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM auth.ceremonies WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
