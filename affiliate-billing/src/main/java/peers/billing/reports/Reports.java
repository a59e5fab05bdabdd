package peers.billing.reports;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import peers.billing.apps.App;
import peers.billing.ledger.Postings;

/**
 * What an app's owner sees: sign-ups attributed, active subscriptions and monthly recurring revenue of
 * attributed peers, and the app's payable account by month (from the ledger, so it matches the books),
 * plus the monthly statement: one line per invoice paid in the month, and the reversals posted in it.
 * Months are calendar months in UTC.
 */
@ApplicationScoped
public class Reports {

    private final Pool pool;

    public Reports(Pool pool) {
        this.pool = pool;
    }

    public record Money(String currency, long amountMinor) {
    }

    public record Month(String month, String currency, long earnedMinor, long reversedMinor, long payableMinor) {
    }

    public record Summary(String appId, int shareBps, long signUps, long activeSubscriptions, List<Money> monthlyRecurringRevenue,
            List<Money> payableBalance, List<Month> months) {
    }

    public record StatementLine(String kind, long invoiceNumber, String invoiceId, Instant at, String peer, String plan, String currency,
            long amountMinor, int shareBps, long shareMinor) {
    }

    public record Statement(String appId, String month, List<StatementLine> lines, List<Month> totals) {
    }

    public Uni<Summary> summary(App app) {
        String account = Postings.payable(app.id());
        Uni<Long> signUps = pool.preparedQuery("SELECT count(*) AS n FROM attributions WHERE app_id = $1").execute(Tuple.of(app.id()))
                .map(r -> r.iterator().next().getLong("n"));
        Uni<List<Object[]>> active = pool.preparedQuery("SELECT s.currency, count(*) AS n, sum(s.price_minor / s.period_months) AS mrr FROM subscriptions s "
                        + "JOIN attributions a ON a.peer_key = s.peer_key WHERE a.app_id = $1 AND s.status IN ('active', 'past_due') GROUP BY s.currency ORDER BY s.currency")
                .execute(Tuple.of(app.id())).map(rows -> {
                    List<Object[]> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Object[] {r.getString("currency"), r.getLong("n"), r.getLong("mrr")});
                    }
                    return out;
                });
        Uni<List<Month>> months = pool.preparedQuery("SELECT to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, e.currency, "
                        + "coalesce(sum(-e.amount_minor) FILTER (WHERE t.kind = 'payment'), 0) AS earned, "
                        + "coalesce(sum(e.amount_minor) FILTER (WHERE t.kind <> 'payment'), 0) AS reversed "
                        + "FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id WHERE e.account = $1 GROUP BY 1, 2 ORDER BY 1, 2")
                .execute(Tuple.of(account)).map(Reports::months);
        return Uni.combine().all().unis(signUps, active, months).asTuple().map(t -> {
            long subs = 0;
            List<Money> mrr = new ArrayList<>();
            for (Object[] row : t.getItem2()) {
                subs += (Long) row[1];
                mrr.add(new Money((String) row[0], (Long) row[2]));
            }
            List<Money> balance = new ArrayList<>();
            for (Month m : t.getItem3()) {
                Money last = balance.isEmpty() ? null : balance.stream().filter(b -> b.currency().equals(m.currency())).findFirst().orElse(null);
                if (last == null) {
                    balance.add(new Money(m.currency(), m.payableMinor()));
                } else {
                    balance.set(balance.indexOf(last), new Money(m.currency(), last.amountMinor() + m.payableMinor()));
                }
            }
            return new Summary(app.id(), app.effectiveShareBps(), t.getItem1(), subs, mrr, balance, t.getItem3());
        });
    }

    public Uni<Statement> statement(App app, YearMonth month) {
        OffsetDateTime from = month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime to = month.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        String account = Postings.payable(app.id());
        return pool.preparedQuery("SELECT t.kind, i.number, i.id, t.created_at, i.peer_key, "
                        + "(SELECT l.plan FROM invoice_lines l WHERE l.invoice_id = i.id AND l.amount_minor > 0 ORDER BY l.line_no DESC LIMIT 1) AS plan, "
                        + "i.currency, (SELECT sum(abs(c.amount_minor)) FROM ledger_entries c WHERE c.transaction_id = t.id AND c.account LIKE 'cash:%') AS amount, "
                        + "i.share_bps, coalesce((SELECT sum(-p.amount_minor) FROM ledger_entries p WHERE p.transaction_id = t.id AND p.account = $2), 0) AS share "
                        + "FROM ledger_transactions t JOIN invoices i ON i.id = t.invoice_id "
                        + "WHERE i.app_id = $1 AND t.created_at >= $3 AND t.created_at < $4 ORDER BY t.seq")
                .execute(Tuple.of(app.id(), account, from, to))
                .map(rows -> {
                    List<StatementLine> lines = new ArrayList<>();
                    List<Month> totals = new ArrayList<>();
                    for (Row r : rows) {
                        String kind = r.getString("kind");
                        long share = r.getLong("share");
                        lines.add(new StatementLine(kind, r.getLong("number"), r.getUUID("id").toString(), r.getOffsetDateTime("created_at").toInstant(),
                                r.getString("peer_key"), r.getString("plan"), r.getString("currency"),
                                "payment".equals(kind) ? r.getLong("amount") : -r.getLong("amount"), r.getInteger("share_bps"), share));
                        String currency = r.getString("currency");
                        Month m = totals.stream().filter(x -> x.currency().equals(currency)).findFirst().orElse(null);
                        long earned = "payment".equals(kind) ? share : 0;
                        long reversed = "payment".equals(kind) ? 0 : -share;
                        Month next = m == null ? new Month(month.toString(), currency, earned, reversed, earned - reversed)
                                : new Month(month.toString(), currency, m.earnedMinor() + earned, m.reversedMinor() + reversed,
                                        m.payableMinor() + earned - reversed);
                        if (m == null) {
                            totals.add(next);
                        } else {
                            totals.set(totals.indexOf(m), next);
                        }
                    }
                    return new Statement(app.id(), month.toString(), lines, totals);
                });
    }

    private static List<Month> months(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Month> out = new ArrayList<>();
        for (Row r : rows) {
            long earned = r.getLong("earned");
            long reversed = r.getLong("reversed");
            out.add(new Month(r.getString("month"), r.getString("currency"), earned, reversed, earned - reversed));
        }
        return out;
    }
}
