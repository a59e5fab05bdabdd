package peers.sync.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import peers.sync.tail.TailEndpoint;
import peers.testing.ws.WsTestClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.sync.records.Partitions;
import peers.sync.testsupport.TestClock;
import peers.testing.infra.PeersInfra;
import peers.testing.peers.TestPeer;
import peers.testing.infra.PeersInfraResource;

/**
 * Retention: records vanish at their expiry instant, whole day partitions are dropped, and a reader
 * whose cursor points before the earliest retained record is told to resync (410), never given a gap.
 * Time moves by the injected test clock; requests are signed at that clock's time.
 */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class RetentionTest {

    @Inject
    TestClock clock;

    @Inject
    Partitions partitions;

    @TestHTTPResource(TailEndpoint.PATH)
    URI tail;

    @AfterEach
    void backToNow() {
        clock.reset();
        partitions.maintain().await().atMost(Duration.ofSeconds(60));
    }

    ValidatableResponse read(TestPeer p, String stream, long after) {
        return given().filter(p.signed(o -> o.created(clock.instant()))).get(Sync.BASE + "/" + stream + "/records?after=" + after).then();
    }

    ValidatableResponse readBinary(TestPeer p, String stream, long after) {
        return given().filter(p.signed(o -> o.created(clock.instant()))).header("Accept", "application/octet-stream")
                .get(Sync.BASE + "/" + stream + "/records?after=" + after).then();
    }

    /** The binary page of the same read carries what the JSON page carries, times to the microsecond. */
    void sameInBinary(TestPeer p, String stream, long after) {
        JsonPath json = read(p, stream, after).statusCode(200).extract().jsonPath();
        BinaryPagesTest.Bin bin = BinaryPagesTest.Bin.parse(readBinary(p, stream, after).statusCode(200).extract().asByteArray());
        assertEquals(json.getLong("earliest"), bin.earliest());
        assertEquals(json.getLong("lastSeq"), bin.lastSeq());
        assertEquals(json.getLong("next"), bin.next());
        assertEquals(json.getBoolean("more"), bin.more());
        assertEquals(json.getList("records").size(), bin.records().size());
        for (int i = 0; i < bin.records().size(); i++) {
            assertEquals(json.getLong("records[" + i + "].seq"), bin.records().get(i).seq());
            assertEquals(BinaryPagesTest.micros(json.getString("records[" + i + "].createdAt")), bin.records().get(i).createdMicros());
            assertEquals(BinaryPagesTest.micros(json.getString("records[" + i + "].expiresAt")), bin.records().get(i).expiresMicros());
        }
    }

    ValidatableResponse append(TestPeer p, String stream, int count) {
        return given().filter(p.signed(o -> o.created(clock.instant()))).contentType(ContentType.JSON).body(Map.of("records", Sync.records(count, 32)))
                .post(Sync.BASE + "/" + stream + "/records").then();
    }

    @Test
    void expiredRecordsVanishAndOldCursorsAreToldToResync() throws Exception {
        TestPeer owner = TestPeer.create();
        String stream = Sync.createStream(owner);
        Instant expires = Instant.parse(append(owner, stream, 3).statusCode(200).extract().jsonPath().getString("records[2].expiresAt"));
        read(owner, stream, 0).statusCode(200).body("records", hasSize(3)).body("earliest", equalTo(1));

        // Just past the free plan's 14 days: invisible at once, before any partition is dropped.
        clock.advance(Duration.between(Instant.now(), expires).plusMinutes(1));
        Sync.problem(read(owner, stream, 0), 410, "cursor-expired").body("earliest", equalTo(4)).body("lastSeq", equalTo(3));
        Sync.problem(read(owner, stream, 2), 410, "cursor-expired");
        read(owner, stream, 3).statusCode(200).body("records", hasSize(0)).body("earliest", equalTo(4)).body("lastSeq", equalTo(3));
        Sync.problem(readBinary(owner, stream, 0), 410, "cursor-expired").body("earliest", equalTo(4)).body("lastSeq", equalTo(3));
        sameInBinary(owner, stream, 3);

        // Appending goes on with the next sequence; a reader that had seq 3 misses nothing.
        append(owner, stream, 1).statusCode(200).body("records[0].seq", equalTo(4));
        read(owner, stream, 3).statusCode(200).body("records.seq", equalTo(java.util.List.of(4))).body("earliest", equalTo(4));
        Sync.problem(read(owner, stream, 0), 410, "cursor-expired").body("earliest", equalTo(4));
        sameInBinary(owner, stream, 3);

        // The next day the maintenance job drops the expired day's partition as a whole.
        String expiredPartition = LocalDate.ofInstant(expires, ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("'records_'yyyyMMdd"));
        assertTrue(partitionExists(expiredPartition));
        clock.advance(Duration.ofDays(1));
        Partitions.Result result = partitions.maintain().await().atMost(Duration.ofSeconds(60));
        assertTrue(result.dropped().contains(expiredPartition), "dropped " + result.dropped());
        assertFalse(partitionExists(expiredPartition));
        read(owner, stream, 3).statusCode(200).body("records.seq", equalTo(java.util.List.of(4)));
        Sync.problem(read(owner, stream, 1), 410, "cursor-expired");
    }

    @Test
    void anAppendBeyondThePreparedPartitionsCreatesThemAndSucceeds() {
        TestPeer owner = TestPeer.create();
        String stream = Sync.createStream(owner);
        // 100 days on, no maintenance ran: the day's partition does not exist yet.
        clock.advance(Duration.ofDays(100));
        append(owner, stream, 2).statusCode(200).body("records.seq", equalTo(java.util.List.of(1, 2)));
        read(owner, stream, 0).statusCode(200).body("records", hasSize(2));
    }

    @Test
    void aTailSubscriptionBehindRetentionIsToldToResync() throws Exception {
        TestPeer owner = TestPeer.create();
        String stream = Sync.createStream(owner);
        Instant expires = Instant.parse(append(owner, stream, 2).statusCode(200).extract().jsonPath().getString("records[1].expiresAt"));
        clock.advance(Duration.between(Instant.now(), expires).plusMinutes(1));
        try (WsTestClient c = WsTestClient.connect(URI.create(tail.toString().replaceFirst("^http", "ws")))) {
            c.authenticate(owner, TailEndpoint.PATH, Duration.ofSeconds(10));
            c.sendJson(Map.of("type", "subscribe", "stream", stream, "after", 0));
            JsonNode e = c.awaitType("error", Duration.ofSeconds(10));
            assertEquals("cursor-expired", e.path("code").asText());
            c.sendJson(Map.of("type", "subscribe", "stream", stream, "after", 2));
            assertEquals(3, c.awaitType("subscribed", Duration.ofSeconds(10)).path("earliest").asLong());
        }
    }

    @Test
    void partitionsExistFromTodayToTheRetentionHorizon() throws Exception {
        partitions.maintain().await().atMost(Duration.ofSeconds(60));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        DateTimeFormatter f = DateTimeFormatter.ofPattern("'records_'yyyyMMdd");
        assertTrue(partitionExists(today.format(f)));
        assertTrue(partitionExists(today.plusDays(61).format(f)), "max retention 60 days + 1");
        assertFalse(partitionExists(today.minusDays(1).format(f)));
    }

    static boolean partitionExists(String name) throws Exception {
        var pg = PeersInfra.get().postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(peers.testing.infra.TestPostgres.DEFAULT_DATABASE), pg.user(), pg.password());
                ResultSet rs = c.createStatement().executeQuery("SELECT to_regclass('sync." + name + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
