package peers.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.TestPostgres;

/** The embedded infrastructure every scenario runs on, and how a packaged service is pointed at it. */
public final class Infra {

    private Infra() {
    }

    /** Starts (or reuses) PostgreSQL and Kafka and says where they are. */
    public static PeersInfra start() {
        long t0 = System.nanoTime();
        PeersInfra infra = PeersInfra.get(EnumSet.of(PeersInfra.Part.POSTGRES, PeersInfra.Part.KAFKA));
        System.out.printf("infrastructure: PostgreSQL %s, Kafka %s (%d ms)%n", infra.postgres().jdbcUrl(TestPostgres.DEFAULT_DATABASE),
                infra.kafka().bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
        return infra;
    }

    /** The environment a service gets in a container: datasource and Kafka settings. */
    public static Map<String, String> serviceEnvironment(PeersInfra infra) {
        TestPostgres pg = infra.postgres();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", pg.reactiveUrl(TestPostgres.DEFAULT_DATABASE));
        env.put("QUARKUS_DATASOURCE_USERNAME", pg.user());
        env.put("QUARKUS_DATASOURCE_PASSWORD", pg.password());
        env.put("KAFKA_BOOTSTRAP_SERVERS", infra.kafka().bootstrapServers());
        return env;
    }

    /** A JDBC connection to {@code pg}'s default database, as the bench's own client (raw baselines, statistics). */
    public static Connection connect(TestPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE), pg.user(), pg.password());
    }
}
