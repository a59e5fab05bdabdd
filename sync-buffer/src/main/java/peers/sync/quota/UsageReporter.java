package peers.sync.quota;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import peers.common.events.UsageReports;

/**
 * Reports the bytes and records each owner stores, for billing: an event {@code peers.sync.usage.v1}
 * on topic {@code peers.usage}, keyed by the owner's key, whenever an owner's usage changed since the
 * last report (a drop to zero included). Each report is a snapshot, so a repeated one is harmless.
 */
@ApplicationScoped
public class UsageReporter {

    public static final String TOPIC = UsageReports.TOPIC;
    public static final String TYPE = "peers.sync.usage.v1";
    private static final Logger LOG = Logger.getLogger(UsageReporter.class);

    private final Pool pool;
    private final UsageReports reports;
    private final Clock clock;

    public UsageReporter(Pool pool, UsageReports reports, Clock clock) {
        this.pool = pool;
        this.reports = reports;
        this.clock = clock;
    }

    @Scheduled(every = "${peers.sync.usage-interval:1h}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        return report().onFailure().invoke(e -> LOG.warnf("usage report failed: %s", e.toString())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Enqueues a usage event for every owner whose usage changed since the last report; returns how many. */
    public Uni<Integer> report() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return pool.preparedQuery("SELECT coalesce(c.owner_key, r.owner_key) AS owner, coalesce(c.b, 0) AS b, coalesce(c.n, 0) AS n "
                        + "FROM (SELECT owner_key, sum(bytes) AS b, sum(records) AS n FROM usage_days WHERE day >= $1 GROUP BY owner_key) c "
                        + "FULL JOIN usage_reported r ON r.owner_key = c.owner_key "
                        + "WHERE r.owner_key IS NULL OR c.owner_key IS NULL OR r.bytes <> c.b OR r.records <> c.n")
                .execute(Tuple.of(today))
                .map(rows -> {
                    List<UsageReports.Usage> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new UsageReports.Usage(r.getString("owner"), r.getLong("b"), r.getLong("n")));
                    }
                    return out;
                })
                .chain(changed -> reports.report(changed, "sync-buffer", TYPE, "records"));
    }
}
