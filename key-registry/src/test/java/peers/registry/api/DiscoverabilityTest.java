package peers.registry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import peers.common.identity.Base64Url;
import peers.registry.log.merkle.MerkleHash;
import peers.registry.log.merkle.NodeId;
import peers.registry.log.merkle.TreeMath;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class DiscoverabilityTest {

    static String prefix() {
        StringBuilder sb = new StringBuilder("d");
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 8; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString();
    }

    static void register(TestPeer p, String handle, String discoverability) {
        Registrations.registerJson(p, "{\"handle\":\"" + handle + "\",\"discoverability\":\"" + discoverability + "\"}").statusCode(201);
    }

    @Test
    void eachLevelIsFoundOnlyWhereItShouldBe() {
        String pre = prefix();
        TestPeer pub = TestPeer.create();
        TestPeer unlisted = TestPeer.create();
        TestPeer priv = TestPeer.create();
        register(pub, pre + "pub", "public");
        register(unlisted, pre + "unl", "unlisted");
        register(priv, pre + "pri", "private");

        given().get("/registry/v1/handles?prefix=" + pre.toUpperCase()).then().statusCode(200)
                .body("handles", hasSize(1)).body("handles[0].handle", equalTo(pre + "pub")).body("next", nullValue());

        given().get("/registry/v1/handles/" + pre + "pub").then().statusCode(200);
        given().get("/registry/v1/handles/" + pre + "unl").then().statusCode(200);
        given().get("/registry/v1/handles/" + pre + "pri").then().statusCode(404);
        given().get("/registry/v1/identities/" + priv.id()).then().statusCode(200).body("identity.handle", equalTo(pre + "pri"));

        given().get("/.well-known/webfinger?resource=acct:" + pre + "pri@localhost").then().statusCode(404)
                .header("Access-Control-Allow-Origin", "*");
        given().get("/.well-known/webfinger?resource=acct:" + pre + "unl@localhost").then().statusCode(200);

        // Changing discoverability takes effect at once: public -> private disappears from search and handle lookup.
        given().filter(pub.signed()).contentType(ContentType.JSON).body("{\"discoverability\":\"private\"}")
                .put("/registry/v1/identities/" + pub.id() + "/discoverability").then().statusCode(200);
        given().get("/registry/v1/handles?prefix=" + pre).then().statusCode(200).body("handles", hasSize(0));
        given().get("/registry/v1/handles/" + pre + "pub").then().statusCode(404);
    }

    @Test
    void searchPagesThroughPublicHandlesInOrder() {
        String pre = prefix();
        for (String s : List.of("c", "a", "b")) {
            register(TestPeer.create(), pre + s + "x", "public");
        }
        JsonPath first = given().get("/registry/v1/handles?prefix=" + pre + "&limit=2").then().statusCode(200)
                .body("handles.handle", equalTo(List.of(pre + "ax", pre + "bx"))).extract().jsonPath();
        given().get("/registry/v1/handles?prefix=" + pre + "&limit=2&after=" + first.getString("next")).then().statusCode(200)
                .body("handles.handle", equalTo(List.of(pre + "cx"))).body("next", nullValue());
        // LIKE wildcards in a prefix are literal.
        given().get("/registry/v1/handles?prefix=%25").then().statusCode(200).body("handles", hasSize(0));
        given().get("/registry/v1/handles?prefix=_").then().statusCode(200).body("handles", hasSize(0));
    }

    @Test
    void webfingerAnswersJrdWithCors() {
        String handle = prefix() + "wf";
        TestPeer p = TestPeer.create();
        register(p, handle, "public");
        given().accept("application/jrd+json").get("/.well-known/webfinger?resource=acct:" + handle.toUpperCase() + "@localhost").then().statusCode(200)
                .contentType("application/jrd+json")
                .header("Access-Control-Allow-Origin", "*")
                .body("subject", equalTo("acct:" + handle + "@localhost"))
                .body("properties.'https://peers.dev/ns/identity-key'", equalTo(p.id()))
                .body("links.href", hasItem(containsString("/registry/v1/handles/" + handle)));
        given().get("/.well-known/webfinger?resource=acct:" + handle + "@elsewhere.example").then().statusCode(404);
        given().options("/.well-known/webfinger").then().statusCode(204).header("Access-Control-Allow-Origin", "*");
    }

    @Test
    void theLogRevealsNoHandleOrKeyAndCanBeRebuiltByAnAuditor() {
        TestPeer secret = TestPeer.create();
        String handle = prefix() + "secret";
        register(secret, handle, "private");
        JsonPath head = given().get("/registry/v1/log/tree-head").then().statusCode(200).extract().jsonPath();
        long size = head.getLong("treeSize");
        List<byte[]> leaves = new ArrayList<>();
        for (long start = 0; start < size; ) {
            String raw = given().get("/registry/v1/log/entries?start=" + start + "&limit=1000").then().statusCode(200).extract().asString();
            assertFalse(raw.contains(handle), "entries must not reveal a private handle");
            assertFalse(raw.contains(secret.id()), "entries must not reveal a private identity's key");
            List<String> data = JsonPath.from(raw).getList("entries.data", String.class);
            data.forEach(d -> leaves.add(Base64Url.decode(d, "leaf")));
            start += data.size();
            if (data.isEmpty()) {
                break;
            }
        }
        assertEquals(size, leaves.size());
        Map<NodeId, byte[]> nodes = new HashMap<>();
        for (int i = 0; i < leaves.size(); i++) {
            nodes.put(NodeId.leaf(i), MerkleHash.leafHash(leaves.get(i)));
            for (NodeId n : TreeMath.nodesCompletedByAppend(i)) {
                nodes.put(n, MerkleHash.nodeHash(nodes.get(n.leftChild()), nodes.get(n.rightChild())));
            }
        }
        JsonPath atSize = given().get("/registry/v1/log/tree-heads/" + size).then().statusCode(200).extract().jsonPath();
        assertArrayEquals(Base64Url.decode(atSize.getString("rootHash"), "root"), TreeMath.root(size, nodes::get));
        given().get("/registry/v1/log/tree-heads/" + size).then().body(not(containsString(handle)));
    }
}
