package peers.registry.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/** Concurrent writers: uniqueness holds, the log stays dense and each identity's chain stays whole. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class ConcurrencyTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static <T> List<T> parallel(int n, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(task));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void exactlyOneOfManyRacingRegistrationsGetsTheHandle() throws Exception {
        String handle = Registrations.uniqueHandle();
        List<Integer> statuses = parallel(12, () -> Registrations.register(TestPeer.create(), handle).extract().statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(11, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    }

    @Test
    void racingRegistrationsOfDifferentHandlesAllLandInADenseLog() throws Exception {
        long before = BadInputTest.treeSize();
        List<JsonPath> answers = parallel(12, () -> Registrations.register(TestPeer.create(), Registrations.uniqueHandle())
                .statusCode(201).extract().jsonPath());
        Set<Long> leaves = new HashSet<>();
        for (JsonPath a : answers) {
            ProofChecker.verify(a, null);
            leaves.add(a.getLong("proof.leafIndex"));
        }
        assertEquals(12, leaves.size(), "every registration has its own leaf");
        long after = BadInputTest.treeSize();
        assertTrue(after >= before + 12);
    }

    @Test
    void racingChangesToOneIdentityEachGetTheirOwnEntryInOneChain() throws Exception {
        TestPeer owner = TestPeer.create();
        Registrations.register(owner, Registrations.uniqueHandle()).statusCode(201);
        List<Integer> statuses = parallel(8, () -> given().filter(owner.signed()).contentType(ContentType.JSON)
                .body("{\"handle\":\"" + Registrations.uniqueHandle() + "\"}")
                .put("/registry/v1/identities/" + owner.id() + "/handle").then().extract().statusCode());
        assertTrue(statuses.stream().allMatch(s -> s == 200), statuses.toString());
        List<String> entries = given().filter(owner.signed()).get("/registry/v1/identities/" + owner.id() + "/history")
                .then().statusCode(200).extract().jsonPath().getList("entries.entry", String.class);
        assertEquals(9, entries.size());
        Long previousLeaf = null;
        List<Long> leaves = given().filter(owner.signed()).get("/registry/v1/identities/" + owner.id() + "/history")
                .then().extract().jsonPath().getList("entries.leafIndex", Long.class);
        for (int k = 0; k < entries.size(); k++) {
            JsonNode e = JSON.readTree(entries.get(k));
            assertEquals(k + 1, e.get("seq").asInt(), "seq is 1..n without gaps or repeats");
            assertEquals(previousLeaf == null ? null : previousLeaf, e.get("prev").isNull() ? null : e.get("prev").asLong(), "prev chains the entries");
            previousLeaf = leaves.get(k);
        }
    }
}
