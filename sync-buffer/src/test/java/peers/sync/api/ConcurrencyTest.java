package peers.sync.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

/** Appenders on several connections at once: sequences unique and gap-free, reads return each record once, in order. */
@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class ConcurrencyTest {

    @Test
    void concurrentAppendersGetUniqueGapFreeSequences() throws Exception {
        TestPeer owner = TestPeer.create();
        String stream = Sync.createStream(owner);
        int writers = 8;
        int batches = 15;
        int perBatch = 4;
        List<TestPeer> peers = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            TestPeer w = TestPeer.create();
            Sync.addMember(owner, stream, w, "write");
            peers.add(w);
        }
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (TestPeer w : peers) {
                done.add(pool.submit(() -> {
                    for (int b = 0; b < batches; b++) {
                        List<Map<String, Object>> batch = Sync.records(perBatch, 64);
                        JsonPath r = Sync.append(w, stream, batch).statusCode(200).extract().jsonPath();
                        List<Integer> seqs = r.getList("records.seq", Integer.class);
                        // A batch gets consecutive numbers.
                        for (int i = 1; i < seqs.size(); i++) {
                            assertEquals(seqs.get(i - 1) + 1, seqs.get(i));
                        }
                        for (int i = 0; i < batch.size(); i++) {
                            assertEquals(null, acknowledged.put((String) batch.get(i).get("id"), (long) seqs.get(i)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int total = writers * batches * perBatch;
        assertEquals(total, acknowledged.size());
        assertEquals(total, new HashSet<>(acknowledged.values()).size(), "sequences are unique");

        // Read everything back in small pages.
        List<Long> seen = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        long after = 0;
        while (true) {
            JsonPath page = Sync.read(owner, stream, after, 37).statusCode(200).extract().jsonPath();
            List<Map<String, Object>> records = page.getList("records");
            for (Map<String, Object> r : records) {
                long seq = ((Number) r.get("seq")).longValue();
                seen.add(seq);
                assertTrue(ids.add((String) r.get("id")), "each record exactly once");
                assertEquals(acknowledged.get((String) r.get("id")), seq, "read seq equals acknowledged seq");
            }
            after = page.getLong("next");
            if (!page.getBoolean("more")) {
                break;
            }
        }
        assertEquals(total, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i + 1L, seen.get(i), "gap-free and in order");
        }
        assertEquals(acknowledged.keySet(), ids);
    }
}
