package peers.billing.testsupport;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;
import peers.testing.infra.PeersInfra;

/**
 * PeersInfra's real PostgreSQL and Kafka, plus a WireMock server standing in for Stripe's remote HTTP API
 * (the only thing a test may stand in for: Stripe is a third party unreachable from here). Tests reach the
 * WireMock server at the port in system property {@code billing.test.stripe.port}.
 */
public class BillingTestResource implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer stripe;

    @Override
    public synchronized Map<String, String> start() {
        if (stripe == null) {
            stripe = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
            stripe.start();
        }
        System.setProperty("billing.test.stripe.port", Integer.toString(stripe.port()));
        Map<String, String> config = new LinkedHashMap<>(PeersInfra.get().quarkusConfig());
        config.put("peers.billing.stripe.api-base", "http://127.0.0.1:" + stripe.port());
        return config;
    }

    @Override
    public void stop() {
        // kept for the whole JVM, like PeersInfra
    }
}
