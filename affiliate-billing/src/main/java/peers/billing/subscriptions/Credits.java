package peers.billing.subscriptions;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** A peer's credit balance per currency: unused time of a dearer plan after a downgrade, applied to later invoices. */
final class Credits {

    private Credits() {
    }

    /** Takes up to {@code upTo} from the balance; returns what was taken. */
    static Uni<Long> take(SqlConnection conn, String peer, String currency, long upTo) {
        if (upTo <= 0) {
            return Uni.createFrom().item(0L);
        }
        return conn.preparedQuery("SELECT balance_minor FROM credits WHERE peer_key = $1 AND currency = $2 FOR UPDATE").execute(Tuple.of(peer, currency))
                .chain(rows -> {
                    long balance = rows.rowCount() == 0 ? 0 : rows.iterator().next().getLong("balance_minor");
                    long taken = Math.min(balance, upTo);
                    if (taken == 0) {
                        return Uni.createFrom().item(0L);
                    }
                    return conn.preparedQuery("UPDATE credits SET balance_minor = balance_minor - $3 WHERE peer_key = $1 AND currency = $2")
                            .execute(Tuple.of(peer, currency, taken)).replaceWith(taken);
                });
    }

    static Uni<Void> add(SqlConnection conn, String peer, String currency, long amount) {
        return conn.preparedQuery("INSERT INTO credits (peer_key, currency, balance_minor) VALUES ($1, $2, $3) "
                        + "ON CONFLICT (peer_key, currency) DO UPDATE SET balance_minor = credits.balance_minor + EXCLUDED.balance_minor")
                .execute(Tuple.of(peer, currency, amount)).replaceWithVoid();
    }

    static Uni<Long> balance(io.vertx.mutiny.sqlclient.SqlClient sql, String peer, String currency) {
        return sql.preparedQuery("SELECT balance_minor FROM credits WHERE peer_key = $1 AND currency = $2").execute(Tuple.of(peer, currency))
                .map(rows -> rows.rowCount() == 0 ? 0L : rows.iterator().next().getLong("balance_minor"));
    }
}
