package peers.security;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.TestPostgres;

/** Read-only looks into the services' schemas, to check that refused requests left no trace. */
final class Db implements AutoCloseable {

    /**
     * Tables that change without a client's write (relays, consumers, schedulers) or by design on a refused
     * request (a nonce is remembered, a ceremony's challenge is spent even when its finish fails).
     */
    static final Set<String> VOLATILE = Set.of("flyway_schema_history", "peers_nonces", "peers_outbox", "peers_processed_events",
            "ceremonies", "idempotency_keys", "peers_seen", "usage", "usage_reported", "entitlements", "tree_heads", "log_nodes");

    private final Connection connection;

    Db() {
        var pg = PeersInfra.get().postgres();
        try {
            connection = DriverManager.getConnection(pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE), pg.user(), pg.password());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Per table of the schema (partitioned tables whole, volatile ones left out): its row count and a hash of
     * every row's content, so that an update is seen as well as an insert or a delete.
     */
    Map<String, String> counts(String schema) {
        List<String> tables = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE n.nspname = '" + schema + "' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1")) {
            while (rs.next()) {
                if (!VOLATILE.contains(rs.getString(1))) {
                    tables.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> counts = new TreeMap<>();
        if (tables.isEmpty()) {
            return counts;
        }
        StringBuilder sql = new StringBuilder();
        for (String t : tables) {
            if (!sql.isEmpty()) {
                sql.append(" UNION ALL ");
            }
            sql.append("SELECT '").append(t).append("', count(*) || ':' || coalesce(sum(hashtext(x::text)::bigint), 0) FROM ")
                    .append(schema).append('.').append('"').append(t).append("\" x");
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return counts;
    }

    long scalar(String sql) {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e, e);
        }
    }

    /** For test set-up only: e.g. to age a session past its expiry without waiting 15 minutes. */
    long update(String sql) {
        try (Statement s = connection.createStatement()) {
            return s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e, e);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
