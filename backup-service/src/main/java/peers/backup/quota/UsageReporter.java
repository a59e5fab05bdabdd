package peers.backup.quota;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import peers.common.events.UsageReports;

/**
 * Reports the bytes and objects each owner stores, for billing: an event {@code peers.backup.usage.v1} on
 * topic {@code peers.usage}, keyed by the owner's key, through the outbox, whenever an owner's usage changed
 * since the last report (a drop to zero included). Each report is a total, so a repeated one is harmless.
 */
@ApplicationScoped
public class UsageReporter {

    public static final String TOPIC = UsageReports.TOPIC;
    public static final String TYPE = "peers.backup.usage.v1";
    private static final Logger LOG = Logger.getLogger(UsageReporter.class);

    private final Pool pool;
    private final UsageReports reports;

    public UsageReporter(Pool pool, UsageReports reports) {
        this.pool = pool;
        this.reports = reports;
    }

    @Scheduled(every = "${peers.backup.usage-interval:15m}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        return report().onFailure().invoke(e -> LOG.warnf("usage report failed: %s", e.toString())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Enqueues a usage event for every owner whose usage changed since the last report; returns how many. */
    public Uni<Integer> report() {
        return pool.query("SELECT u.owner_key, u.bytes, u.objects FROM owner_usage u LEFT JOIN usage_reported r ON r.owner_key = u.owner_key "
                        + "WHERE r.owner_key IS NULL OR r.bytes <> u.bytes OR r.objects <> u.objects")
                .execute()
                .map(rows -> {
                    List<UsageReports.Usage> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new UsageReports.Usage(r.getString("owner_key"), r.getLong("bytes"), r.getLong("objects")));
                    }
                    return out;
                })
                .chain(changed -> reports.report(changed, "backup-service", TYPE, "objects"));
    }
}
