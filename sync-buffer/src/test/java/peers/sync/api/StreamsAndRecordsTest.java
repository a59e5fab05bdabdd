package peers.sync.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import peers.common.identity.Base64Url;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class StreamsAndRecordsTest {

    @Test
    void createsAStreamWhoseOwnerIsItsFirstAdmin() {
        TestPeer owner = TestPeer.create();
        String wrapped = Base64Url.encode(Sync.randomBytes(48));
        String id = "notes-" + UUID.randomUUID().toString().substring(0, 8);
        given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("id", id, "wrappedKey", wrapped)).post(Sync.BASE)
                .then().statusCode(201).header("Location", endsWith("/sync/v1/streams/" + id))
                .body("id", equalTo(id)).body("owner", equalTo(owner.id())).body("lastSeq", equalTo(0)).body("role", equalTo("admin"))
                .body("members", hasSize(1)).body("members[0].key", equalTo(owner.id())).body("members[0].role", equalTo("admin"))
                .body("members[0].wrappedKey", equalTo(wrapped));
        Sync.problem(given().filter(TestPeer.create().signed()).contentType(ContentType.JSON).body(Map.of("id", id)).post(Sync.BASE).then(),
                409, "stream-exists");
        given().filter(owner.signed()).get(Sync.BASE).then().statusCode(200).body("streams.id", org.hamcrest.Matchers.hasItem(id));
    }

    @Test
    void appendsAssignConsecutiveSequencesAndReadsReturnTheExactCiphertext() {
        TestPeer owner = TestPeer.create();
        String stream = Sync.createStream(owner);
        // Bytes that are not text, not JSON, not base64 of anything: the server must not care.
        byte[] a = {0, (byte) 0xff, (byte) 0xfe, '{', '"', 0x7f, (byte) 0x80};
        byte[] b = Sync.randomBytes(1024);
        byte[] c = Sync.randomBytes(65536);
        Instant before = Instant.now();
        JsonPath appended = Sync.append(owner, stream, List.of(Sync.record("a", a), Sync.record("b", b), Sync.record("c", c)))
                .statusCode(200).body("records", hasSize(3))
                .body("records.seq", equalTo(List.of(1, 2, 3))).body("records.replayed", equalTo(List.of(false, false, false)))
                .extract().jsonPath();
        Instant expires = Instant.parse(appended.getString("records[0].expiresAt"));
        assertTrue(Duration.between(before, expires).toDays() == 13 || Duration.between(before, expires).toDays() == 14,
                "free plan keeps 14 days: " + expires);

        JsonPath page = Sync.read(owner, stream, 0, 10).statusCode(200).body("records", hasSize(3)).body("earliest", equalTo(1))
                .body("lastSeq", equalTo(3)).body("next", equalTo(3)).body("more", equalTo(false))
                .body("records.id", equalTo(List.of("a", "b", "c"))).body("records[0].author", equalTo(owner.id()))
                .extract().jsonPath();
        assertArrayEquals(a, Base64Url.decode(page.getString("records[0].ciphertext"), "c"));
        assertArrayEquals(b, Base64Url.decode(page.getString("records[1].ciphertext"), "c"));
        assertArrayEquals(c, Base64Url.decode(page.getString("records[2].ciphertext"), "c"));
    }

    @Test
    void appendingTheSameIdsAgainReturnsTheOriginalsAndNoDuplicate() {
        TestPeer owner = TestPeer.create();
        String stream = Sync.createStream(owner);
        var batch = Sync.records(3, 100);
        JsonPath first = Sync.append(owner, stream, batch).statusCode(200).extract().jsonPath();
        // A retry of the whole batch (the client lost the answer), then a batch that repeats one and adds one.
        Sync.append(owner, stream, batch).statusCode(200)
                .body("records.seq", equalTo(List.of(1, 2, 3))).body("records.replayed", equalTo(List.of(true, true, true)))
                .body("records[0].createdAt", equalTo(first.getString("records[0].createdAt")));
        Sync.append(owner, stream, List.of(batch.get(1), Sync.record(10))).statusCode(200)
                .body("records.seq", equalTo(List.of(2, 4))).body("records.replayed", equalTo(List.of(true, false)));
        Sync.read(owner, stream, 0, 100).statusCode(200).body("records", hasSize(4)).body("records.seq", equalTo(List.of(1, 2, 3, 4)));
        // The same id with other bytes is a conflict, and the whole batch is refused.
        Sync.problem(Sync.append(owner, stream, List.of(Sync.record(10), Sync.record((String) batch.get(0).get("id"), Sync.randomBytes(5)))),
                409, "record-id-conflict");
        assertEquals(4, Sync.lastSeq(owner, stream));
    }

    @Test
    void readsArePagedAfterACursor() {
        TestPeer owner = TestPeer.create();
        String stream = Sync.createStream(owner);
        Sync.append(owner, stream, Sync.records(5, 16)).statusCode(200);
        Sync.read(owner, stream, 0, 2).statusCode(200).body("records.seq", equalTo(List.of(1, 2))).body("next", equalTo(2)).body("more", equalTo(true));
        Sync.read(owner, stream, 2, 2).statusCode(200).body("records.seq", equalTo(List.of(3, 4))).body("next", equalTo(4)).body("more", equalTo(true));
        Sync.read(owner, stream, 4, 2).statusCode(200).body("records.seq", equalTo(List.of(5))).body("next", equalTo(5)).body("more", equalTo(false));
        Sync.read(owner, stream, 5, 2).statusCode(200).body("records", hasSize(0)).body("next", equalTo(5)).body("earliest", equalTo(1));
        // An empty stream: earliest is 1, cursor 0 is valid.
        String empty = Sync.createStream(owner);
        Sync.read(owner, empty, 0, 10).statusCode(200).body("records", hasSize(0)).body("earliest", equalTo(1)).body("lastSeq", equalTo(0));
    }

    @Test
    void membersGetRolesAndANewDeviceFetchesItsWrappedKey() {
        TestPeer owner = TestPeer.create();
        TestPeer phone = TestPeer.create();
        String stream = Sync.createStream(owner);
        String wrapped = Base64Url.encode(Sync.randomBytes(80));
        given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("role", "write", "wrappedKey", wrapped))
                .put(Sync.BASE + "/" + stream + "/members/" + phone.id()).then().statusCode(200)
                .body("key", equalTo(phone.id())).body("role", equalTo("write")).body("wrappedKey", equalTo(wrapped)).body("addedBy", equalTo(owner.id()));
        given().filter(phone.signed()).get(Sync.BASE + "/" + stream + "/members/" + phone.id()).then().statusCode(200).body("wrappedKey", equalTo(wrapped));
        // A role change keeps the wrapped key unless a new one is given.
        given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("role", "read"))
                .put(Sync.BASE + "/" + stream + "/members/" + phone.id()).then().statusCode(200).body("role", equalTo("read")).body("wrappedKey", equalTo(wrapped));
        given().filter(phone.signed()).get(Sync.BASE + "/" + stream).then().statusCode(200).body("role", equalTo("read")).body("members", hasSize(2));
        TestPeer laptop = TestPeer.create();
        given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("role", "write"))
                .put(Sync.BASE + "/" + stream + "/members/" + laptop.id()).then().statusCode(200).body("wrappedKey", nullValue());
    }

    @Test
    void deletingAStreamRemovesItsRecordsAndMembers() {
        TestPeer owner = TestPeer.create();
        TestPeer reader = TestPeer.create();
        String stream = Sync.createStream(owner);
        Sync.addMember(owner, stream, reader, "read");
        Sync.append(owner, stream, Sync.records(3, 10)).statusCode(200);
        Sync.problem(given().filter(reader.signed()).delete(Sync.BASE + "/" + stream).then(), 403, "role-insufficient");
        given().filter(owner.signed()).delete(Sync.BASE + "/" + stream).then().statusCode(204);
        Sync.problem(Sync.read(owner, stream, 0, 10), 404, "stream-unknown");
        Sync.problem(Sync.read(reader, stream, 0, 10), 404, "stream-unknown");
        assertFalse(given().filter(reader.signed()).get(Sync.BASE).then().statusCode(200).extract().jsonPath()
                .getList("streams.id").contains(stream));
    }
}
