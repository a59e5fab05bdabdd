package peers.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import peers.testing.infra.TestKafka;
import peers.testing.peers.TestPeer;

/**
 * Kafka's broker stopped for 60 s while every producing service takes writes: key-registry registrations
 * ({@code peers.identity}), managed-keys sign-ups attributed to an app ({@code peers.accounts} →
 * affiliate-billing), affiliate-billing subscriptions, payments and plan changes ({@code peers.entitlements} →
 * sync-buffer and backup-service), sync-buffer appends and backup-service uploads (their usage reports on
 * {@code peers.usage} → affiliate-billing).
 *
 * <p>Proves: every write is acknowledged while Kafka is away (the outbox takes the events, in PostgreSQL) and the
 * producers stay ready (health); the
 * outboxes hold events during the outage; after the restart every held event is on its topic and the outboxes
 * drain; each consumer has applied each event id once (its processed-events row) and ends in the state of the
 * newest event (plan, usage totals, attribution); every paid invoice has exactly one ledger posting.
 */
class KafkaOutageIT {

    static final Duration OUTAGE = Duration.ofSeconds(60);
    static final Map<String, String> TOPICS = Map.of("registry", "peers.identity", "auth", "peers.accounts", "billing", "peers.entitlements",
            "sync", "peers.usage", "backup", "peers.usage");

    @Test
    void eventsWaitInTheOutboxAndAreAppliedOnceAfterKafkaReturns() throws Exception {
        Stack stack = Stack.get();
        Workload w = new Workload(stack);
        TestKafka kafka = stack.infra.kafka();

        // before the outage: an app, and users with a stream and a backup repository each
        TestPeer developer = TestPeer.create();
        Api.Res app = w.createApp(developer, "Kafka outage app");
        assertEquals(201, app.status(), app::toString);
        String appId = app.json().path("id").asText();
        List<TestPeer> users = new ArrayList<>();
        Map<TestPeer, String> streams = new HashMap<>();
        Map<TestPeer, String> repos = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            TestPeer u = TestPeer.create();
            users.add(u);
            String stream = "kafka-" + Workload.uniqueHandle();
            Api.Res s = w.createStream(u, stream);
            assertEquals(201, s.status(), s::toString);
            streams.put(u, stream);
            Api.Res r = w.createRepo(u, "kafka-outage");
            assertEquals(201, r.status(), r::toString);
            repos.put(u, r.json().path("id").asText());
        }

        long t0 = System.nanoTime();
        kafka.stop();
        System.out.printf("Kafka stopped (stop() took %d ms)%n", (System.nanoTime() - t0) / 1_000_000);
        long stopped = System.nanoTime();
        List<String> failures = new CopyOnWriteArrayList<>();
        List<TestPeer> signedUp = new CopyOnWriteArrayList<>();
        List<String> handles = new CopyOnWriteArrayList<>();
        Map<TestPeer, AtomicLong> syncBytes = new ConcurrentHashMap<>();
        Map<TestPeer, AtomicLong> syncRecords = new ConcurrentHashMap<>();
        Map<TestPeer, AtomicLong> backupBytes = new ConcurrentHashMap<>();
        Map<TestPeer, AtomicLong> backupObjects = new ConcurrentHashMap<>();
        users.forEach(u -> {
            syncBytes.put(u, new AtomicLong());
            syncRecords.put(u, new AtomicLong());
            backupBytes.put(u, new AtomicLong());
            backupObjects.put(u, new AtomicLong());
        });
        Map<String, Set<String>> heldSeen = new ConcurrentHashMap<>();
        try {
            // billing: subscribe, pay, upgrade, pay: entitlement events, the last one "family"
            for (TestPeer u : users) {
                Api.Res sub = w.subscribe(u, "personal");
                expectOk("subscribe", sub, failures);
                if (sub.ok()) {
                    expectOk("pay", w.pay(sub.json().path("invoice")), failures);
                }
                Api.Res change = w.changePlan(u, "family");
                expectOk("change plan", change, failures);
                if (change.ok() && !change.json().path("invoice").isNull()) {
                    expectOk("pay proration", w.pay(change.json().path("invoice")), failures);
                }
            }
            Thread registrations = new Thread(() -> {
                while (elapsed(stopped).compareTo(OUTAGE) < 0) {
                    String handle = Workload.uniqueHandle();
                    if (expectOk("register", w.register(TestPeer.create(), handle), failures)) {
                        handles.add(handle);
                    }
                    TestPeer identity = TestPeer.create();
                    if (expectOk("sign-up", w.signUp(identity, appId), failures)) {
                        signedUp.add(identity);
                    }
                    pause(500);
                }
            }, "kafka-outage-identities");
            Thread data = new Thread(() -> {
                int i = 0;
                while (elapsed(stopped).compareTo(OUTAGE) < 0) {
                    TestPeer u = users.get(i++ % users.size());
                    Map<String, String> batch = new LinkedHashMap<>();
                    for (int k = 0; k < 3; k++) {
                        batch.put("r" + i + "-" + k, Workload.ciphertext(200));
                    }
                    if (expectOk("append", w.append(u, streams.get(u), batch), failures)) {
                        syncBytes.get(u).addAndGet(600);
                        syncRecords.get(u).addAndGet(3);
                    }
                    byte[] blob = Workload.random(1024 + i);
                    if (expectOk("upload", w.upload(u, repos.get(u), blob), failures)) {
                        backupBytes.get(u).addAndGet(blob.length);
                        backupObjects.get(u).incrementAndGet();
                    }
                    pause(300);
                }
            }, "kafka-outage-data");
            registrations.start();
            data.start();
            Thread.sleep(20_000);
            // a Kafka outage delays events; it must not take a producing service out of rotation
            for (String service : List.of(Stack.REGISTRY, Stack.AUTH, Stack.BILLING, Stack.SYNC, Stack.BACKUP)) {
                Api.Res ready = Api.get(stack.managementUrl(service) + "/q/health/ready", null);
                expectOk(service + " ready while Kafka is down", ready, failures);
            }
            System.out.printf("signaling's readiness while Kafka is down (its relay needs Kafka): %d%n",
                    Api.get(stack.managementUrl(Stack.SIGNALING) + "/q/health/ready", null).status());
            registrations.join();
            data.join();
            // the outboxes hold the events of every producer (usage reports come every 2 s)
            Await.until("every producer's outbox holds events", Duration.ofSeconds(20), () -> {
                for (String schema : TOPICS.keySet()) {
                    heldSeen.put(schema, new HashSet<>(stack.column("SELECT id::text FROM " + schema + ".peers_outbox")));
                }
                List<String> empty = heldSeen.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
                return empty.isEmpty() ? null : "empty outboxes: " + empty;
            });
        } finally {
            kafka.start();
        }
        System.out.printf("Kafka was stopped for %d s; acknowledged: %d registrations, %d sign-ups, %d appends, %d uploads; held events: %s%n",
                elapsed(stopped).toSeconds(), handles.size(), signedUp.size(),
                syncRecords.values().stream().mapToLong(AtomicLong::get).sum() / 3, backupObjects.values().stream().mapToLong(AtomicLong::get).sum(),
                heldSeen.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size()).collect(Collectors.joining(", ")));
        assertEquals(List.of(), failures, "every write is acknowledged while Kafka is away");
        assertTrue(handles.size() > 0 && signedUp.size() > 0, "writes happened during the outage");

        Duration drained = Await.until("outboxes drained after Kafka's restart", Duration.ofSeconds(120), () -> {
            for (String schema : TOPICS.keySet()) {
                long n = stack.scalar("SELECT count(*) FROM " + schema + ".peers_outbox");
                if (n > 0) {
                    return schema + " still holds " + n;
                }
            }
            return null;
        });
        System.out.printf("outboxes drained %d ms after Kafka was back%n", drained.toMillis());

        // every held event is on its topic
        Map<String, List<Topics.Event>> onTopic = new HashMap<>();
        for (String topic : new HashSet<>(TOPICS.values())) {
            onTopic.put(topic, Topics.readAll(kafka.bootstrapServers(), topic));
        }
        Map<String, Integer> duplicates = new java.util.TreeMap<>();
        for (var held : heldSeen.entrySet()) {
            List<Topics.Event> events = onTopic.get(TOPICS.get(held.getKey()));
            Map<String, Long> copies = events.stream().collect(Collectors.groupingBy(Topics.Event::id, Collectors.counting()));
            Set<String> missing = new HashSet<>(held.getValue());
            missing.removeAll(copies.keySet());
            assertEquals(Set.of(), missing, held.getKey() + "'s held events on " + TOPICS.get(held.getKey()));
            duplicates.put(held.getKey(), (int) held.getValue().stream().mapToLong(id -> copies.get(id) - 1).sum());
        }
        // At least once: copies of held events are allowed (a send that failed here may still reach the broker, and the
        // next batch publishes the row again); they are reported, and the consumers below must apply each event once.
        // Waiting for every send of a batch before deciding did not remove them (tried: 183 copies vs ~106).
        System.out.printf("extra copies of held events on their topics, per producer: %s%n", duplicates);

        // consumers: each held event id processed once, the state is the newest event's
        Set<String> entitlementEvents = heldSeen.get("billing");
        Set<String> accountEvents = onTopic.get("peers.accounts").stream()
                .filter(e -> heldSeen.get("auth").contains(e.id()) && e.type().equals("peers.auth.account.created.v1")).map(Topics.Event::id)
                .collect(Collectors.toSet());
        Await.until("consumers applied every event", Duration.ofSeconds(60), () -> {
            for (String schema : List.of("sync", "backup")) {
                Set<String> processed = new HashSet<>(stack.column("SELECT event_id FROM " + schema + ".peers_processed_events"));
                if (!processed.containsAll(entitlementEvents)) {
                    return schema + " has not processed every entitlement event";
                }
                for (TestPeer u : users) {
                    List<String> plan = stack.column("SELECT plan FROM " + schema + ".entitlements WHERE peer_key = '" + u.id() + "'");
                    if (!plan.equals(List.of("family"))) {
                        return schema + " entitlements of a user: " + plan;
                    }
                }
            }
            Set<String> processed = new HashSet<>(stack.column("SELECT event_id FROM billing.peers_processed_events"));
            if (!processed.containsAll(accountEvents)) {
                return "billing has not processed every account event";
            }
            for (TestPeer identity : signedUp) {
                List<String> attributed = stack.column("SELECT app_id || ' ' || source FROM billing.attributions WHERE peer_key = '" + identity.id() + "'");
                if (!attributed.equals(List.of(appId + " account-created"))) {
                    return "attribution of a signed-up identity: " + attributed;
                }
            }
            for (TestPeer u : users) {
                String sync = usage(stack, u, "sync-buffer");
                String expectedSync = syncBytes.get(u).get() + "/" + syncRecords.get(u).get();
                if (!sync.equals(expectedSync)) {
                    return "billing's sync usage of a user " + sync + ", expected " + expectedSync;
                }
                String backup = usage(stack, u, "backup-service");
                String expectedBackup = backupBytes.get(u).get() + "/" + backupObjects.get(u).get();
                if (!backup.equals(expectedBackup)) {
                    return "billing's backup usage of a user " + backup + ", expected " + expectedBackup;
                }
            }
            return null;
        });
        for (String schema : List.of("sync", "backup", "billing")) {
            assertEquals(0, stack.scalar("SELECT count(*) FROM (SELECT consumer, event_id FROM " + schema
                    + ".peers_processed_events GROUP BY 1, 2 HAVING count(*) > 1) d"), schema + ": no event applied twice");
        }
        // the ledger: one payment posting per paid invoice, balanced
        String keys = users.stream().map(u -> "'" + u.id() + "'").collect(Collectors.joining(","));
        assertEquals(users.size() * 2L, stack.scalar("SELECT count(*) FROM billing.invoices WHERE status = 'paid' AND peer_key IN (" + keys + ")"));
        assertEquals(List.of(), stack.column("SELECT i.id::text FROM billing.invoices i LEFT JOIN billing.ledger_transactions t ON t.invoice_id = i.id "
                + "AND t.kind = 'payment' WHERE i.peer_key IN (" + keys + ") AND i.status = 'paid' GROUP BY i.id HAVING count(t.id) <> 1"),
                "exactly one payment posting per paid invoice");
        assertEquals(0, stack.scalar("SELECT count(*) FROM (SELECT currency FROM billing.ledger_entries GROUP BY currency HAVING sum(amount_minor) <> 0) x"),
                "the ledger balances");
        Collections.shuffle(handles);
        for (String h : handles.subList(0, Math.min(5, handles.size()))) {
            assertEquals(200, w.lookup(h).status(), "a registration acknowledged during the outage is there");
        }
    }

    private static String usage(Stack stack, TestPeer u, String service) throws Exception {
        List<String> row = stack.column("SELECT bytes || '/' || items FROM billing.usage WHERE peer_key = '" + u.id() + "' AND service = '" + service + "'");
        return row.isEmpty() ? "none" : row.get(0);
    }

    static boolean expectOk(String what, Api.Res r, List<String> failures) {
        if (!r.ok()) {
            failures.add(what + ": " + r);
            return false;
        }
        return true;
    }

    static Duration elapsed(long since) {
        return Duration.ofNanos(System.nanoTime() - since);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
