package peers.billing;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.jboss.logging.Logger;
import peers.billing.invoices.Collections;
import peers.billing.subscriptions.Renewals;

/** The periodic work: renewals and grace ends, then payment attempts. Safe on every replica at once (SKIP LOCKED). */
@ApplicationScoped
public class BillingJobs {

    private static final Logger LOG = Logger.getLogger(BillingJobs.class);

    private final Renewals renewals;
    private final Collections collections;
    private final Clock clock;

    public BillingJobs(Renewals renewals, Collections collections, Clock clock) {
        this.renewals = renewals;
        this.collections = collections;
        this.clock = clock;
    }

    @Scheduled(every = "${peers.billing.renewal-interval:30s}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tick() {
        return run().onFailure().invoke(e -> LOG.warnf("billing jobs failed: %s", e.toString())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Runs everything due now; returns what the renewal part did. */
    public Uni<Renewals.Run> run() {
        return renewals.runDue(clock.instant()).call(r -> collections.runDue(clock.instant()));
    }
}
