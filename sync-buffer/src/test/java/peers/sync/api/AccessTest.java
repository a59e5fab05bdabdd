package peers.sync.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/** Who may do what: non-members nothing, readers read, writers append, admins manage; removal is immediate. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class AccessTest {

    @Test
    void nonMembersReadNothingAndAppendNothing() {
        TestPeer owner = TestPeer.create();
        TestPeer stranger = TestPeer.create();
        String stream = Sync.createStream(owner);
        Sync.append(owner, stream, Sync.records(2, 32)).statusCode(200);
        Sync.problem(Sync.read(stranger, stream, 0, 10), 403, "not-a-member").body("stream", equalTo(stream));
        Sync.problem(Sync.append(stranger, stream, Sync.records(1, 32)), 403, "not-a-member");
        Sync.problem(given().filter(stranger.signed()).get(Sync.BASE + "/" + stream).then(), 403, "not-a-member");
        Sync.problem(given().filter(stranger.signed()).get(Sync.BASE + "/" + stream + "/members/" + owner.id()).then(), 403, "not-a-member");
        Sync.problem(given().filter(stranger.signed()).contentType(ContentType.JSON).body(Map.of("role", "admin"))
                .put(Sync.BASE + "/" + stream + "/members/" + stranger.id()).then(), 403, "not-a-member");
        Sync.problem(given().filter(stranger.signed()).delete(Sync.BASE + "/" + stream).then(), 403, "not-a-member");
        assertEquals(2, Sync.lastSeq(owner, stream));
    }

    @Test
    void readOnlyMembersCannotAppendOrManage() {
        TestPeer owner = TestPeer.create();
        TestPeer reader = TestPeer.create();
        String stream = Sync.createStream(owner);
        Sync.addMember(owner, stream, reader, "read");
        Sync.append(owner, stream, Sync.records(1, 32)).statusCode(200);
        Sync.read(reader, stream, 0, 10).statusCode(200).body("records", hasSize(1));
        Sync.problem(Sync.append(reader, stream, Sync.records(1, 32)), 403, "role-insufficient")
                .body("role", equalTo("read")).body("required", equalTo("write"));
        Sync.problem(given().filter(reader.signed()).contentType(ContentType.JSON).body(Map.of("role", "write"))
                .put(Sync.BASE + "/" + stream + "/members/" + reader.id()).then(), 403, "role-insufficient");
        // A reader cannot see other members' wrapped keys, only its own.
        Sync.problem(given().filter(reader.signed()).get(Sync.BASE + "/" + stream + "/members/" + owner.id()).then(), 403, "role-insufficient");
        given().filter(reader.signed()).get(Sync.BASE + "/" + stream + "/members/" + reader.id()).then().statusCode(200);
        assertEquals(1, Sync.lastSeq(owner, stream));
    }

    @Test
    void writersAppendAndRemovedMembersLoseAccessImmediately() {
        TestPeer owner = TestPeer.create();
        TestPeer writer = TestPeer.create();
        String stream = Sync.createStream(owner);
        Sync.addMember(owner, stream, writer, "write");
        Sync.append(writer, stream, Sync.records(1, 32)).statusCode(200).body("records[0].seq", equalTo(1));
        Sync.read(owner, stream, 0, 10).statusCode(200).body("records[0].author", equalTo(writer.id()));
        Sync.problem(given().filter(writer.signed()).delete(Sync.BASE + "/" + stream + "/members/" + owner.id()).then(), 403, "role-insufficient");

        given().filter(owner.signed()).delete(Sync.BASE + "/" + stream + "/members/" + writer.id()).then().statusCode(204);
        Sync.problem(Sync.append(writer, stream, Sync.records(1, 32)), 403, "not-a-member");
        Sync.problem(Sync.read(writer, stream, 0, 10), 403, "not-a-member");
        Sync.problem(given().filter(owner.signed()).delete(Sync.BASE + "/" + stream + "/members/" + writer.id()).then(), 404, "member-unknown");
        assertEquals(1, Sync.lastSeq(owner, stream));
    }

    @Test
    void aMemberMayLeaveButTheLastAdminMayNot() {
        TestPeer owner = TestPeer.create();
        TestPeer other = TestPeer.create();
        String stream = Sync.createStream(owner);
        Sync.addMember(owner, stream, other, "read");
        Sync.problem(given().filter(owner.signed()).delete(Sync.BASE + "/" + stream + "/members/" + owner.id()).then(), 409, "last-admin");
        Sync.problem(given().filter(owner.signed()).contentType(ContentType.JSON).body(Map.of("role", "write"))
                .put(Sync.BASE + "/" + stream + "/members/" + owner.id()).then(), 409, "last-admin");
        given().filter(other.signed()).delete(Sync.BASE + "/" + stream + "/members/" + other.id()).then().statusCode(204);
        Sync.problem(Sync.read(other, stream, 0, 10), 403, "not-a-member");
        // With a second admin the owner may step down; the new admin manages the stream.
        Sync.addMember(owner, stream, other, "admin");
        given().filter(owner.signed()).delete(Sync.BASE + "/" + stream + "/members/" + owner.id()).then().statusCode(204);
        Sync.problem(Sync.read(owner, stream, 0, 10), 403, "not-a-member");
        given().filter(other.signed()).get(Sync.BASE + "/" + stream).then().statusCode(200).body("members", hasSize(1));
    }

    @Test
    void unknownStreamsAreNotFound() {
        TestPeer p = TestPeer.create();
        Sync.problem(Sync.read(p, "no-such-stream", 0, 10), 404, "stream-unknown");
        Sync.problem(Sync.append(p, "no-such-stream", Sync.records(1, 8)), 404, "stream-unknown");
        Sync.problem(given().filter(p.signed()).get(Sync.BASE + "/no-such-stream").then(), 404, "stream-unknown");
        Sync.problem(given().filter(p.signed()).delete(Sync.BASE + "/no-such-stream").then(), 404, "stream-unknown");
    }
}
