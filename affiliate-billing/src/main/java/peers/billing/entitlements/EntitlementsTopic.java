package peers.billing.entitlements;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes {@code peers.entitlements} a compacted topic at start: it holds the latest entitlements per peer key,
 * and a consumer that starts from the beginning must find every peer's latest event however old. Creates it
 * when missing; when something else created it first (a consumer's auto-creation), sets
 * {@code cleanup.policy=compact} on it. Failures are logged, not fatal: a Kafka outage at start must not
 * keep billing down, and the next start tries again.
 */
@ApplicationScoped
public class EntitlementsTopic {

    private static final Logger LOG = Logger.getLogger(EntitlementsTopic.class);

    private final Optional<String> bootstrap;
    private final boolean enabled;

    public EntitlementsTopic(@ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> bootstrap, peers.billing.BillingConfig config) {
        this.bootstrap = bootstrap;
        this.enabled = config.createTopics();
    }

    void onStart(@Observes StartupEvent e) {
        if (!enabled || bootstrap.isEmpty()) {
            return;
        }
        Thread.ofVirtual().name("entitlements-topic").start(this::ensureCompacted);
    }

    void ensureCompacted() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap.get(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            NewTopic topic = new NewTopic(Entitlements.TOPIC, Optional.empty(), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(topic)).all().get(20, TimeUnit.SECONDS);
                LOG.infof("created compacted topic %s", Entitlements.TOPIC);
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw ex;
                }
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, Entitlements.TOPIC);
                admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT), AlterConfigOp.OpType.SET))))
                        .all().get(20, TimeUnit.SECONDS);
            }
        } catch (Exception ex) {
            LOG.warnf("could not make %s a compacted topic (the chart or an operator should): %s", Entitlements.TOPIC, ex.toString());
        }
    }
}
