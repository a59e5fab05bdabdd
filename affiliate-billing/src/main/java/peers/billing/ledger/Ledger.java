package peers.billing.ledger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Appends transactions to the ledger, inside the caller's database transaction. Nothing here updates or
 * deletes: the tables refuse it (triggers), and a transaction whose entries do not balance per currency
 * is refused by PostgreSQL too, so no code path can leave the ledger unbalanced.
 */
@ApplicationScoped
public class Ledger {

    /** Kinds of ledger transactions. */
    public enum Kind {
        PAYMENT, REFUND, CHARGEBACK;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Appends one transaction with all its entries (one INSERT statement, checked for balance at its end). */
    public Uni<UUID> post(SqlConnection conn, Kind kind, UUID invoiceId, String externalRef, String description,
            List<Postings.Entry> entries, Instant now) {
        UUID id = UUID.randomUUID();
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        int n = entries.size();
        String[] accounts = new String[n];
        String[] currencies = new String[n];
        Long[] amounts = new Long[n];
        Integer[] lines = new Integer[n];
        for (int i = 0; i < n; i++) {
            accounts[i] = entries.get(i).account();
            currencies[i] = entries.get(i).currency();
            amounts[i] = entries.get(i).amountMinor();
            lines[i] = i + 1;
        }
        return conn.preparedQuery("INSERT INTO ledger_transactions (id, kind, invoice_id, external_ref, description, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.from(new Object[] {id, kind.text(), invoiceId, externalRef, description, at}))
                .chain(() -> conn.preparedQuery("INSERT INTO ledger_entries (transaction_id, line_no, account, currency, amount_minor, created_at) "
                        + "SELECT $1, l, a, c, m, $6 FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[]) AS t(l, a, c, m)")
                        .execute(Tuple.from(new Object[] {id, lines, accounts, currencies, amounts, at})))
                .replaceWith(id);
    }
}
