package peers.testing.infra;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import peers.testing.kafka.KafkaTestConsumer;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeersInfraTest {

    private static PeersInfra infra;

    @BeforeAll
    static void startInfra() {
        infra = PeersInfra.get();
        System.out.println("PeersInfra start-up times: " + infra.startupTimes());
    }

    @Test
    void singletonAndQuarkusConfig() {
        assertSame(infra, PeersInfra.get());
        Map<String, String> config = infra.quarkusConfig();
        assertEquals("false", config.get("quarkus.devservices.enabled"));
        assertEquals("postgresql", config.get("quarkus.datasource.db-kind"));
        assertEquals(infra.postgres().jdbcUrl("postgres"), config.get("quarkus.datasource.jdbc.url"));
        assertTrue(config.get("quarkus.datasource.reactive.url").matches("postgresql://127\\.0\\.0\\.1:\\d+/postgres"),
                config.get("quarkus.datasource.reactive.url"));
        assertEquals("postgres", config.get("quarkus.datasource.username"));
        assertTrue(config.containsKey("quarkus.datasource.password"));
        assertTrue(config.get("kafka.bootstrap.servers").matches("127\\.0\\.0\\.1:\\d+"));
        assertTrue(config.get("peers.s3.endpoint").matches("http://127\\.0\\.0\\.1:\\d+"));
        assertEquals(TestS3.ACCESS_KEY, config.get("peers.s3.access-key"));
        assertEquals(TestS3.SECRET_KEY, config.get("peers.s3.secret-key"));
        assertEquals(TestS3.REGION, config.get("peers.s3.region"));
        assertEquals(new PeersInfraResource().start(), config);
    }

    @Test
    void postgresKeepsDataAcrossRestart() throws Exception {
        TestPostgres pg = infra.postgres();
        String table = "restart_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = connect(pg); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, note text)");
            s.execute("INSERT INTO " + table + " VALUES (1, 'survives')");
        }

        pg.stop();
        assertFalse(pg.isRunning());
        assertThrows(SQLException.class, () -> connect(pg).close());

        pg.start();
        try (Connection c = connect(pg); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT note FROM " + table + " WHERE id = 1")) {
            assertTrue(rs.next());
            assertEquals("survives", rs.getString(1));
            s.execute("DROP TABLE " + table);
        }
        // the same URL as before: clients configured once keep working
        assertEquals(infra.quarkusConfig().get("quarkus.datasource.jdbc.url"), pg.jdbcUrl("postgres"));
    }

    @Test
    void kafkaRoundTrip() {
        String topic = "infra-test-" + UUID.randomUUID();
        String key = "k-" + UUID.randomUUID();
        try (KafkaTestConsumer consumer = new KafkaTestConsumer(infra.kafka().bootstrapServers(), topic)) {
            try (KafkaProducer<String, String> producer = producer()) {
                producer.send(new ProducerRecord<>(topic, "other", "ignored"));
                producer.send(new ProducerRecord<>(topic, key, "hello"));
                producer.flush();
            }
            var records = consumer.awaitRecords(r -> key.equals(r.key()), 1, Duration.ofSeconds(30));
            assertEquals("hello", records.get(0).value());

            AssertionError timeout = assertThrows(AssertionError.class,
                    () -> consumer.awaitRecords(r -> "absent".equals(r.key()), 1, Duration.ofMillis(300)));
            assertTrue(timeout.getMessage().contains("key=other"), timeout.getMessage());
        }
    }

    @Test
    void kafkaKeepsRecordsAcrossRestartAndClientsReconnect() throws Exception {
        TestKafka kafka = infra.kafka();
        String bootstrap = kafka.bootstrapServers();
        String topic = "restart-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = producer();
             KafkaTestConsumer consumer = new KafkaTestConsumer(bootstrap, topic)) {
            producer.send(new ProducerRecord<>(topic, "before", "restart")).get();
            consumer.awaitRecords(r -> "before".equals(r.key()), 1, Duration.ofSeconds(30));

            long t0 = System.nanoTime();
            kafka.stop();
            assertFalse(kafka.isRunning());
            kafka.start();
            System.out.println("Kafka stop+start took " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
            assertEquals(bootstrap, kafka.bootstrapServers());

            // the clients created before the outage carry on against the same address
            producer.send(new ProducerRecord<>(topic, "after", "restart")).get(30, java.util.concurrent.TimeUnit.SECONDS);
            consumer.awaitRecords(r -> "after".equals(r.key()), 1, Duration.ofSeconds(30));
        }
        // and what was written before the restart is still there for a new reader
        try (KafkaTestConsumer fresh = new KafkaTestConsumer(bootstrap, topic)) {
            assertEquals(List.of("before", "after"),
                    fresh.awaitRecords(r -> true, 2, Duration.ofSeconds(30)).stream().map(r -> r.key()).toList());
        }
        assertNull(kafka.firstFatalFault());
    }

    @Test
    void s3PutAndGetWithV4Signatures() throws Exception {
        TestS3 s3 = infra.s3();
        MinioClient client = MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(s3.accessKey(), s3.secretKey())
                .region(s3.region())
                .build();
        String bucket = "infra-test-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] body = "hello, s3".getBytes(StandardCharsets.UTF_8);

        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        assertTrue(client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
        client.putObject(PutObjectArgs.builder().bucket(bucket).object("dir/object.txt")
                .stream(new ByteArrayInputStream(body), body.length, -1).contentType("text/plain").build());
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object("dir/object.txt").build())) {
            assertEquals("hello, s3", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }

        long t0 = System.nanoTime();
        s3.stop();
        assertFalse(s3.isRunning());
        s3.start();
        System.out.println("S3 stop+start took " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object("dir/object.txt").build())) {
            assertEquals("hello, s3", new String(in.readAllBytes(), StandardCharsets.UTF_8), "objects survive a restart");
        }

        MinioClient wrongSecret = MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(s3.accessKey(), "not-the-secret")
                .region(s3.region())
                .build();
        assertThrows(io.minio.errors.ErrorResponseException.class,
                () -> wrongSecret.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
    }

    /**
     * Quarkus loads test code once per application class loader: a copy of PeersInfra in another loader must
     * reach the same servers (owned by the system class loader's copy), not start new ones.
     */
    @Test
    void copiesInOtherClassLoadersShareTheSameServers() throws Exception {
        List<URL> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(Path.of(entry).toUri().toURL());
        }
        try (URLClassLoader isolated = new URLClassLoader("isolated-app", classPath.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            Class<?> copy = isolated.loadClass(PeersInfra.class.getName());
            assertNotSame(PeersInfra.class, copy);
            Object view = copy.getMethod("get").invoke(null);
            assertEquals(infra.quarkusConfig(), copy.getMethod("quarkusConfig").invoke(view));
            assertSame(view, copy.getMethod("get").invoke(null));

            Object pgView = copy.getMethod("postgres").invoke(view);
            assertEquals(infra.postgres().jdbcUrl("postgres"), pgView.getClass().getMethod("jdbcUrl", String.class).invoke(pgView, "postgres"));
            Object s3View = copy.getMethod("s3").invoke(view);
            assertEquals(infra.s3().pid(), s3View.getClass().getMethod("pid").invoke(s3View));

            // control goes through to the owning instance
            Object kafkaView = copy.getMethod("kafka").invoke(view);
            kafkaView.getClass().getMethod("stop").invoke(kafkaView);
            assertFalse(infra.kafka().isRunning());
            copy.getMethod("get").invoke(null); // restarts what a fault test left stopped
            assertTrue(infra.kafka().isRunning());
            assertEquals(Boolean.TRUE, kafkaView.getClass().getMethod("isRunning").invoke(kafkaView));
        }
    }

    private static Connection connect(TestPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
    }

    private static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }
}
