package peers.auth.api;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.TestPostgres;

/** Direct reads of the service's tables, for tests that inspect what is stored. */
final class Rows {

    private Rows() {
    }

    static Connection db() throws Exception {
        var pg = PeersInfra.get().postgres();
        return DriverManager.getConnection(pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE), pg.user(), pg.password());
    }

    static long count(String sql, Object... params) throws Exception {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
