package peers.devstack;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    private static Settings parse(Map<String, String> env, Properties props, String... args) {
        return Settings.parse(args, props, env);
    }

    @Test
    void defaults() {
        Settings s = parse(Map.of(), props("devstack.root", "/repo"));
        assertEquals(Path.of("/repo"), s.root());
        assertEquals(Path.of("/repo/data"), s.data());
        assertEquals("127.0.0.1", s.host());
        assertEquals(8080, s.httpPort());
        assertEquals(9000, s.managementPort());
        assertEquals(15432, s.pgPort());
        assertEquals(19092, s.kafkaPort());
        assertEquals(19093, s.kafkaControllerPort());
        assertTrue(s.s3());
        assertEquals(19000, s.s3Port());
        assertTrue(s.s3proxyJar().isEmpty());
        assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-Xss512k"), s.serviceJavaOptions());
        assertEquals(Duration.ofSeconds(120), s.readyTimeout());
    }

    @Test
    void commandLineBeatsSystemPropertyBeatsEnvironment() {
        Map<String, String> env = Map.of("PEERS_PORT", "7000", "PEERS_PG_PORT", "7001", "PEERS_DATA", "/env-data");
        Properties props = props("devstack.root", "/repo", "devstack.port", "7100");
        Settings s = parse(env, props, "--port", "7200");
        assertEquals(7200, s.httpPort());
        assertEquals(7001, s.pgPort());
        assertEquals(Path.of("/env-data"), s.data());
        assertEquals(7100, parse(env, props).httpPort());
    }

    @Test
    void relativeDataIsUnderTheRoot() {
        assertEquals(Path.of("/repo/elsewhere/pg"), parse(Map.of(), props("devstack.root", "/repo/x/.."), "--data=elsewhere/pg").data());
    }

    @Test
    void flagsAndNegations() {
        Properties props = props("devstack.root", "/repo");
        assertFalse(parse(Map.of(), props, "--no-s3").s3());
        assertFalse(parse(Map.of(), props, "--s3=false").s3());
        assertTrue(parse(Map.of("PEERS_S3", "off"), props, "--s3").s3());
        assertEquals(List.of("-Xmx1g"), parse(Map.of(), props, "--service-java-options", "-Xmx1g").serviceJavaOptions());
    }

    @Test
    void badInputIsNamed() {
        Properties props = props("devstack.root", "/repo");
        assertTrue(assertThrows(Settings.InvalidSettings.class, () -> parse(Map.of(), props, "--prot", "1")).getMessage().contains("--prot"));
        assertTrue(assertThrows(Settings.InvalidSettings.class, () -> parse(Map.of(), props, "--port", "http")).getMessage().contains("--port"));
        assertTrue(assertThrows(Settings.InvalidSettings.class, () -> parse(Map.of(), props, "--pg-port", "70000")).getMessage().contains("--pg-port"));
        assertThrows(Settings.InvalidSettings.class, () -> parse(Map.of(), props, "--s3", "maybe"));
        assertTrue(assertThrows(Settings.InvalidSettings.class, () -> parse(Map.of(), props, "--turn", "maybe")).getMessage().contains("--turn"));
        assertEquals("auto", parse(Map.of(), props).turn());
        assertEquals(13478, parse(Map.of(), props).turnPort());
        assertEquals("false", parse(Map.of(), props, "--no-turn").turn());
        assertEquals("true", parse(Map.of("PEERS_TURN", "yes"), props).turn());
        assertThrows(Settings.InvalidSettings.class, () -> parse(Map.of(), props, "8080"));
    }

    @Test
    void ownVariablesAreKnownSoServicesDoNotInheritThem() {
        assertTrue(Settings.environmentVariables().containsAll(List.of("PEERS_DATA", "PEERS_PORT", "PEERS_PG_PORT", "PEERS_S3")));
        assertFalse(Settings.environmentVariables().contains("PEERS_S3_ENDPOINT"));
    }

    @Test
    void servicePortsFollowTheCatalog() {
        Settings s = parse(Map.of(), props("devstack.root", "/repo"), "--port", "8100", "--management-port", "9100");
        ServiceCatalog.Service registry = ServiceCatalog.ALL.get(0);
        assertEquals("key-registry", registry.name());
        assertEquals(8101, registry.httpPort(s));
        assertEquals(9101, registry.managementPort(s));
        assertEquals(Path.of("/repo/key-registry/target/quarkus-app/quarkus-run.jar"), registry.fastJar(s.root()));
    }

    private static Properties props(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        return p;
    }
}
