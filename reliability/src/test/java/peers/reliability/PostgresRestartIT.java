package peers.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import peers.testing.infra.TestPostgres;
import peers.testing.peers.TestPeer;

/**
 * PostgreSQL stopped for 10 s and started again (same port, same data) under a write load on every service
 * that stores data: key-registry registrations, sync-buffer appends, backup-service repositories,
 * affiliate-billing apps, managed-keys sign-ups. The services are not restarted.
 *
 * <p>Proves: while the database is away every request gets an answer, and that answer is a clean 503
 * problem+json (never a 500, never a hang past 30 s); each service serves writes again by itself once the
 * database is back; every write acknowledged (2xx) before, during or after the outage is there afterwards.
 */
class PostgresRestartIT {

    static final Duration OUTAGE = Duration.ofSeconds(10);
    static final Duration RECOVERY_LIMIT = Duration.ofSeconds(90);

    enum Phase { BEFORE, OUTAGE, AFTER }

    record Outcome(String service, Phase phase, Api.Res res) {
    }

    @Test
    void servicesAnswer503WhileTheDatabaseIsDownAndRecoverWithEveryAcknowledgedWrite() throws Exception {
        Stack stack = Stack.get();
        Workload w = new Workload(stack);
        TestPostgres pg = stack.infra.postgres();

        TestPeer owner = TestPeer.create();
        String stream = "pg-" + Workload.uniqueHandle();
        assertEquals(201, w.createStream(owner, stream).status());
        TestPeer developer = TestPeer.create();

        AtomicReference<Phase> phase = new AtomicReference<>(Phase.BEFORE);
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        Map<String, Long> lastOkAfterOutage = new ConcurrentHashMap<>();
        List<String> handles = new CopyOnWriteArrayList<>();
        Set<String> records = ConcurrentHashMap.newKeySet();
        List<String> repos = new CopyOnWriteArrayList<>();
        List<String> apps = new CopyOnWriteArrayList<>();
        List<String> identities = new CopyOnWriteArrayList<>();
        AtomicInteger seq = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean run = new java.util.concurrent.atomic.AtomicBoolean(true);

        // each op: send one write, record the outcome, remember it when acknowledged
        List<Runnable> writes = List.of(
                () -> {
                    String h = Workload.uniqueHandle();
                    Api.Res r = w.register(TestPeer.create(), h);
                    note(outcomes, lastOkAfterOutage, phase, Stack.REGISTRY, r);
                    if (r.ok()) {
                        handles.add(h);
                    }
                },
                () -> {
                    String id = "p" + seq.incrementAndGet();
                    Api.Res r = w.append(owner, stream, Map.of(id, Workload.ciphertext(64)));
                    note(outcomes, lastOkAfterOutage, phase, Stack.SYNC, r);
                    if (r.ok()) {
                        records.add(id);
                    }
                },
                () -> {
                    Api.Res r = w.createRepo(owner, "pg-" + seq.incrementAndGet());
                    note(outcomes, lastOkAfterOutage, phase, Stack.BACKUP, r);
                    if (r.ok()) {
                        repos.add(r.json().path("id").asText());
                    }
                },
                () -> {
                    Api.Res r = w.createApp(developer, "pg app " + seq.incrementAndGet());
                    note(outcomes, lastOkAfterOutage, phase, Stack.BILLING, r);
                    if (r.ok()) {
                        apps.add(r.json().path("id").asText());
                    }
                },
                () -> {
                    TestPeer identity = TestPeer.create();
                    Api.Res r = w.signUp(identity, null);
                    note(outcomes, lastOkAfterOutage, phase, Stack.AUTH, r);
                    if (r.ok()) {
                        identities.add(identity.id());
                    }
                });
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int offset = t;
            Thread th = new Thread(() -> {
                int i = offset;
                while (run.get()) {
                    writes.get(i++ % writes.size()).run();
                    KafkaOutageIT.pause(50);
                }
            }, "pg-load-" + t);
            threads.add(th);
            th.start();
        }
        Thread.sleep(5_000);
        long t0 = System.nanoTime();
        pg.stop();
        System.out.printf("PostgreSQL stopped (stop() took %d ms)%n", (System.nanoTime() - t0) / 1_000_000);
        phase.set(Phase.OUTAGE);
        try {
            Thread.sleep(OUTAGE.toMillis());
        } finally {
            pg.start();
            phase.set(Phase.AFTER);
        }
        long restarted = System.nanoTime();
        Set<String> services = Set.of(Stack.REGISTRY, Stack.SYNC, Stack.BACKUP, Stack.BILLING, Stack.AUTH);
        Duration recovered;
        try {
            recovered = Await.until("every service serves writes again without a restart", RECOVERY_LIMIT, () -> {
                Set<String> missing = new HashSet<>(services);
                missing.removeAll(lastOkAfterOutage.keySet());
                return missing.isEmpty() ? null : "no write acknowledged yet by " + missing;
            });
            Thread.sleep(2_000);
        } finally {
            run.set(false);
            for (Thread th : threads) {
                th.join();
            }
        }
        System.out.printf("all services acknowledged writes again %d ms after PostgreSQL was back%n", recovered.toMillis());

        Map<String, Map<String, Integer>> table = new TreeMap<>();
        for (Outcome o : outcomes) {
            String kind = o.res().ok() ? "2xx" : o.res().cleanUnavailable() ? "503 problem" : String.valueOf(o.res().status());
            table.computeIfAbsent(o.service() + " " + o.phase(), k -> new TreeMap<>()).merge(kind, 1, Integer::sum);
        }
        table.forEach((k, v) -> System.out.printf("  %-32s %s%n", k, v));
        List<String> unclean = outcomes.stream().filter(o -> !o.res().ok() && !o.res().cleanUnavailable())
                .map(o -> o.service() + " " + o.phase() + ": " + o.res()).distinct().limit(20).collect(Collectors.toList());
        assertEquals(List.of(), unclean, "every answer is a success or a clean 503 problem (no 500, no hang, no reset)");
        for (String s : services) {
            assertTrue(outcomes.stream().anyMatch(o -> o.service().equals(s) && o.phase() == Phase.OUTAGE && o.res().cleanUnavailable()),
                    s + " answered 503 while the database was down");
        }

        // every acknowledged write is there
        for (String h : handles) {
            assertEquals(200, w.lookup(h).status(), "acknowledged registration " + h);
        }
        Set<String> stored = w.readAll(owner, stream).keySet();
        Set<String> lost = new HashSet<>(records);
        lost.removeAll(stored);
        assertEquals(Set.of(), lost, "acknowledged appends are stored");
        for (String repo : repos) {
            assertEquals(200, Api.get(stack.url(Stack.BACKUP) + "/backup/v1/repos/" + repo, owner).status(), "acknowledged repository " + repo);
        }
        for (String app : apps) {
            assertEquals(200, Api.get(stack.url(Stack.BILLING) + "/billing/v1/apps/" + app, developer).status(), "acknowledged app " + app);
        }
        String keys = identities.stream().map(k -> "'" + k + "'").collect(Collectors.joining(","));
        if (!identities.isEmpty()) {
            assertEquals(identities.size(), stack.scalar("SELECT count(DISTINCT identity_key) FROM auth.accounts WHERE identity_key IN (" + keys + ")"),
                    "acknowledged sign-ups are stored");
        }
        System.out.printf("acknowledged and found again: %d registrations, %d records, %d repositories, %d apps, %d accounts%n",
                handles.size(), records.size(), repos.size(), apps.size(), identities.size());
    }

    private static void note(List<Outcome> outcomes, Map<String, Long> lastOkAfter, AtomicReference<Phase> phase, String service, Api.Res r) {
        Phase p = phase.get();
        outcomes.add(new Outcome(service, p, r));
        if (p == Phase.AFTER && r.ok()) {
            lastOkAfter.put(service, System.nanoTime());
        }
    }
}
