package peers.billing.invoices;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import peers.billing.BillingProblems;
import peers.common.identity.PeerKey;
import peers.common.problems.ProblemException;

/**
 * Invoices and their lines. An invoice is created as a {@code draft}, gets its lines, and is finalized to
 * {@code open} with the sum of its lines as total; one of zero is {@code paid} at once (nothing to collect,
 * nothing for the ledger). Then {@code open → paid | void | uncollectible}; paid invoices only ever get
 * reversals (refunds, chargebacks) recorded beside them.
 */
@ApplicationScoped
public class InvoiceStore {

    private final Pool pool;

    public InvoiceStore(Pool pool) {
        this.pool = pool;
    }

    /** Creates, fills and finalizes an invoice; collection starts at {@code collectAt} (null: it waits for an operator). */
    public Uni<Invoice> issue(SqlConnection conn, String peer, UUID subscriptionId, String kind, String currency, String provider,
            List<Invoice.Line> lines, Instant now, Instant collectAt) {
        UUID id = UUID.randomUUID();
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        long total = 0;
        int n = lines.size();
        Integer[] nos = new Integer[n];
        String[] descriptions = new String[n];
        String[] plans = new String[n];
        Long[] amounts = new Long[n];
        OffsetDateTime[] starts = new OffsetDateTime[n];
        OffsetDateTime[] ends = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            Invoice.Line l = lines.get(i);
            total = Math.addExact(total, l.amountMinor());
            nos[i] = i + 1;
            descriptions[i] = l.description();
            plans[i] = l.plan();
            amounts[i] = l.amountMinor();
            starts[i] = l.periodStart() == null ? null : l.periodStart().atOffset(ZoneOffset.UTC);
            ends[i] = l.periodEnd() == null ? null : l.periodEnd().atOffset(ZoneOffset.UTC);
        }
        if (total < 0) {
            throw new IllegalStateException("an invoice total is never negative; credits are kept as balance");
        }
        long finalTotal = total;
        return conn.preparedQuery("INSERT INTO invoices (id, peer_key, subscription_id, kind, status, currency, provider, created_at) "
                        + "VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7)")
                .execute(Tuple.from(new Object[] {id, peer, subscriptionId, kind, currency, provider, at}))
                .chain(() -> conn.preparedQuery("INSERT INTO invoice_lines (invoice_id, line_no, description, plan, amount_minor, period_start, period_end) "
                        + "SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::timestamptz[], $7::timestamptz[])")
                        .execute(Tuple.from(new Object[] {id, nos, descriptions, plans, amounts, starts, ends})))
                .chain(() -> conn.preparedQuery("UPDATE invoices SET status = CASE WHEN $2::bigint = 0 THEN 'paid' ELSE 'open' END, total_minor = $2::bigint, finalized_at = $3::timestamptz, "
                        + "paid_at = CASE WHEN $2::bigint = 0 THEN $3::timestamptz END, next_attempt_at = CASE WHEN $2::bigint = 0 THEN NULL ELSE $4::timestamptz END "
                        + "WHERE id = $1 AND status = 'draft' RETURNING *")
                        .execute(Tuple.of(id, finalTotal, at, collectAt == null ? null : collectAt.atOffset(ZoneOffset.UTC))))
                .map(rows -> Invoice.of(rows.iterator().next()).withLines(lines));
    }

    /** The invoice, row-locked for the rest of the caller's transaction. */
    public Uni<Invoice> lock(SqlConnection conn, UUID id) {
        return conn.preparedQuery("SELECT * FROM invoices WHERE id = $1 FOR UPDATE").execute(Tuple.of(id)).map(rows -> {
            if (rows.rowCount() == 0) {
                throw BillingProblems.unknownInvoice(id.toString());
            }
            return Invoice.of(rows.iterator().next());
        });
    }

    /** A peer's own invoice with its lines; someone else's is "unknown" (its existence is not revealed). */
    public Uni<Invoice> mine(PeerKey caller, String id) {
        UUID uuid = parseId(id);
        return withLines(pool, uuid).map(inv -> {
            if (!inv.peer().equals(caller.toString())) {
                throw BillingProblems.unknownInvoice(id);
            }
            return inv;
        });
    }

    public Uni<Invoice> withLines(SqlClient sql, UUID id) {
        return sql.preparedQuery("SELECT * FROM invoices WHERE id = $1").execute(Tuple.of(id)).chain(rows -> {
            if (rows.rowCount() == 0) {
                throw BillingProblems.unknownInvoice(id.toString());
            }
            Invoice inv = Invoice.of(rows.iterator().next());
            return lines(sql, id).map(inv::withLines);
        });
    }

    public Uni<List<Invoice.Line>> lines(SqlClient sql, UUID id) {
        return sql.preparedQuery("SELECT * FROM invoice_lines WHERE invoice_id = $1 ORDER BY line_no").execute(Tuple.of(id)).map(rows -> {
            List<Invoice.Line> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new Invoice.Line(r.getString("description"), r.getString("plan"), r.getLong("amount_minor"),
                        Invoice.instant(r, "period_start"), Invoice.instant(r, "period_end")));
            }
            return out;
        });
    }

    /** A peer's invoices, newest first, without lines. */
    public Uni<List<Invoice>> list(PeerKey caller, int limit) {
        return pool.preparedQuery("SELECT * FROM invoices WHERE peer_key = $1 AND status <> 'draft' ORDER BY created_at DESC, number DESC LIMIT $2")
                .execute(Tuple.of(caller.toString(), limit)).map(rows -> {
                    List<Invoice> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(Invoice.of(r));
                    }
                    return out;
                });
    }

    public static UUID parseId(String id) {
        try {
            if (id == null || id.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("invoice", "an invoice id is a UUID");
        }
    }
}
