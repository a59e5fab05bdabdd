package peers.signaling.relay;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the relay has read the topic once: a replica that took sockets before that would miss the
 * other replicas' signals and room events for them. A later Kafka outage does not make the replica unready
 * (that would take every replica out of rotation at once); its local sockets keep working, and signals to
 * keys elsewhere fail with peer-not-connected until the relay is back.
 */
@Readiness
@ApplicationScoped
public class RelayHealth implements HealthCheck {

    private final Relay relay;

    public RelayHealth(Relay relay) {
        this.relay = relay;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("signaling-relay").status(!relay.enabled() || relay.started())
                .withData("enabled", relay.enabled()).withData("reading", relay.active()).build();
    }
}
