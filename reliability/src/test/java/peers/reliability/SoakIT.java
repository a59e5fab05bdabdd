package peers.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import peers.testing.peers.TestPeer;
import peers.testing.process.ServiceProcess;
import peers.testing.ws.WsTestClient;

/**
 * A mixed load against every service at once for {@code soak.minutes} (1 in CI; {@code ./mvnw -pl reliability
 * verify -Dsoak.minutes=10} for the full soak): signaling sockets exchanging signals, sync-buffer appends with
 * a live tail on the same streams, key-registry lookups (and a few registrations), repeated {@code restic
 * backup} runs into backup-service, affiliate-billing and managed-keys reads. A few client threads, each
 * paced: the point is duration, not saturation.
 *
 * <p>Proves: 0 errors (every answer a success; no socket closed, no error frame); every appended record is read
 * back, by the tail as it happens and by paging afterwards, with its ciphertext; {@code restic check} passes;
 * the resident memory of each service is flat after warm-up (the first third): its largest sample in the last
 * third is at most 25 % + 64 MiB above its sample at the end of warm-up. Prints the RSS series.
 *
 * <p>Against the devstack instead of this module's own services: start it (README's run command) with the
 * registry's and managed-keys' per-address limits raised — every client here is 127.0.0.1 —
 * {@code PEERS_RATE_LIMITS__REGISTRY_REGISTER__CAPACITY=1000000 PEERS_RATE_LIMITS__AUTH_CEREMONY__CAPACITY=1000000}
 * in its environment, then {@code ./mvnw -pl reliability verify -Dit.test=SoakIT -Dsoak.minutes=10
 * -Dsoak.target=http://localhost:8080}: every request goes through the router, and each service's memory is
 * read from its process (found by its fast-jar).
 */
class SoakIT {

    @Test
    void mixedLoadRunsWithoutErrorsAndFlatMemory() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("soak.minutes", "1"));
        Duration length = Duration.ofMillis((long) (minutes * 60_000));
        // -Dsoak.target=http://localhost:8080: a running devstack through its router; otherwise this module's services
        String target = System.getProperty("soak.target", "").trim();
        Endpoints stack = target.isEmpty() ? Stack.get() : new Endpoints.Devstack(target);
        Workload w = new Workload(stack, null);
        List<String> errors = new CopyOnWriteArrayList<>();
        Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        AtomicBoolean run = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();

        // set-up: handles to look up, streams and their tail, sockets, a restic repository
        List<String> handles = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String h = Workload.uniqueHandle();
            Api.Res r = w.register(TestPeer.create(), h);
            assertEquals(201, r.status(), r::toString);
            handles.add(h);
        }
        TestPeer owner = TestPeer.create();
        List<String> streams = List.of("soak-a-" + Workload.uniqueHandle(), "soak-b-" + Workload.uniqueHandle());
        for (String s : streams) {
            assertEquals(201, w.createStream(owner, s).status());
        }
        WsTestClient tail = WsTestClient.connect(URI.create(stack.url(Stack.SYNC).replace("http://", "ws://") + "/sync/v1/tail"));
        assertEquals("authenticated", tail.authenticate(owner, "/sync/v1/tail", Duration.ofSeconds(15)).path("type").asText());
        for (String s : streams) {
            tail.sendJson(Map.of("type", "subscribe", "stream", s, "after", 0));
            tail.awaitType("subscribed", Duration.ofSeconds(15));
        }
        Map<String, String> appended = new ConcurrentHashMap<>();
        Map<String, String> tailed = new ConcurrentHashMap<>();
        String signal = stack.url(Stack.SIGNALING).replace("http://", "ws://") + "/signal/v1/ws";
        List<WsTestClient> sockets = new ArrayList<>();
        TestPeer developer = TestPeer.create();
        assertEquals(201, w.createApp(developer, "soak app").status());
        TestPeer repoOwner = TestPeer.create();
        Api.Res repo = w.createRepo(repoOwner, "soak");
        assertEquals(201, repo.status(), repo::toString);
        String repoId = repo.json().path("id").asText();
        Api.Res token = Api.post(stack.url(Stack.BACKUP) + "/backup/v1/repos/" + repoId + "/tokens", Map.of("mode", "append-only"), repoOwner);
        Restic restic = new Restic(stack.url(Stack.BACKUP), repoId, token.json().path("id").asText(), token.json().path("secret").asText());
        Path resticLog = Files.createTempFile("soak-restic-", ".log");
        assertEquals(0, restic.run(resticLog, Duration.ofSeconds(120), "init"), () -> tail(resticLog));
        Path data = Restic.randomTree(8, 128 * 1024);

        // signaling: two pairs in a closed loop of signals
        for (int p = 0; p < 2; p++) {
            TestPeer x = TestPeer.create();
            TestPeer y = TestPeer.create();
            WsTestClient sx = WsTestClient.connect(URI.create(signal));
            WsTestClient sy = WsTestClient.connect(URI.create(signal));
            sockets.add(sx);
            sockets.add(sy);
            assertEquals("authenticated", sx.authenticate(x, "/signal/v1/ws", Duration.ofSeconds(15)).path("type").asText());
            assertEquals("authenticated", sy.authenticate(y, "/signal/v1/ws", Duration.ofSeconds(15)).path("type").asText());
            threads.add(loop("signal-" + p, run, errors, () -> {
                long n = counts.computeIfAbsent("signals", k -> new AtomicLong()).incrementAndGet();
                sx.sendJson(Map.of("type", "signal", "to", y.id(), "payload", Map.of("n", n)));
                JsonNode got = sy.await(f -> !"pong".equals(f.path("type").asText()), Duration.ofSeconds(15));
                check(got.path("payload").path("n").asLong() == n, "signal " + n + " arrived: " + got, errors);
                sy.sendJson(Map.of("type", "signal", "to", x.id(), "payload", Map.of("n", n)));
                JsonNode back = sx.await(f -> !"pong".equals(f.path("type").asText()), Duration.ofSeconds(15));
                check(back.path("payload").path("n").asLong() == n, "answer " + n + " arrived: " + back, errors);
                KafkaOutageIT.pause(100);
            }));
        }
        // sync: appends, tailed live
        threads.add(loop("sync-append", run, errors, () -> {
            long n = counts.computeIfAbsent("appends", k -> new AtomicLong()).incrementAndGet();
            String stream = streams.get((int) (n % streams.size()));
            Map<String, String> batch = new LinkedHashMap<>();
            for (int k = 0; k < 5; k++) {
                batch.put("s" + n + "-" + k, Workload.ciphertext(256));
            }
            Api.Res r = w.append(owner, stream, batch);
            if (ok("append", r, errors)) {
                appended.putAll(batch);
            }
            KafkaOutageIT.pause(100);
        }));
        Thread tailReader = new Thread(() -> {
            while (run.get() || tailed.size() < appended.size()) {
                try {
                    JsonNode f = tail.await(x -> true, Duration.ofSeconds(20));
                    switch (f.path("type").asText()) {
                        case "record" -> tailed.put(f.path("id").asText(), f.path("ciphertext").asText());
                        default -> errors.add("tail frame " + f);
                    }
                } catch (AssertionError quiet) {
                    if (!run.get()) {
                        return;
                    }
                    errors.add("tail: " + quiet.getMessage());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sync-tail");
        // registry lookups, a registration now and then
        threads.add(loop("registry", run, errors, () -> {
            long n = counts.computeIfAbsent("lookups", k -> new AtomicLong()).incrementAndGet();
            ok("lookup", w.lookup(handles.get((int) (n % handles.size()))), errors);
            if (n % 50 == 0) {
                String h = Workload.uniqueHandle();
                if (ok("register", w.register(TestPeer.create(), h), errors)) {
                    handles.add(h);
                }
            }
            KafkaOutageIT.pause(20);
        }));
        // billing and managed-keys: reads, sign-ups now and then
        threads.add(loop("billing-auth", run, errors, () -> {
            long n = counts.computeIfAbsent("billing/auth", k -> new AtomicLong()).incrementAndGet();
            ok("plans", Api.get(stack.url(Stack.BILLING) + "/billing/v1/plans", null), errors);
            ok("apps", Api.get(stack.url(Stack.BILLING) + "/billing/v1/apps", developer), errors);
            if (n % 20 == 0) {
                ok("sign-up", w.signUp(TestPeer.create(), null), errors);
            }
            KafkaOutageIT.pause(200);
        }));
        // restic backups of a changing tree
        threads.add(loop("restic", run, errors, () -> {
            long n = counts.computeIfAbsent("restic backups", k -> new AtomicLong()).incrementAndGet();
            Files.write(data.resolve("changing-" + (n % 3) + ".bin"), Workload.random(64 * 1024));
            int code = restic.run(resticLog, Duration.ofSeconds(300), "backup", "--quiet", data.toString());
            check(code == 0, "restic backup exited " + code + ": " + tail(resticLog), errors);
            KafkaOutageIT.pause(3_000);
        }));

        // memory samples
        Map<String, List<Long>> rss = new LinkedHashMap<>();
        stack.rssKiB().keySet().stream().sorted().forEach(s -> rss.put(s, new ArrayList<>()));
        tailReader.start();
        threads.forEach(Thread::start);
        long t0 = System.nanoTime();
        Duration every = Duration.ofMillis(Math.max(2_000, length.toMillis() / 60));
        while (System.nanoTime() - t0 < length.toNanos()) {
            Thread.sleep(every.toMillis());
            stack.rssKiB().forEach((name, kib) -> rss.computeIfAbsent(name, k -> new ArrayList<>()).add(kib));
        }
        run.set(false);
        for (Thread t : threads) {
            t.join(320_000);
        }
        Await.until("the tail received every appended record", Duration.ofSeconds(30),
                () -> tailed.keySet().containsAll(appended.keySet()) ? null : (appended.size() - tailed.size()) + " not tailed yet");
        tailReader.interrupt();
        tailReader.join();

        System.out.printf(Locale.ROOT, "soak: %.1f min, %s, %d records appended%n", minutes, counts, appended.size());
        assertEquals(List.of(), errors.stream().distinct().limit(20).toList(), "no errors");
        assertTrue(appended.size() > 0);
        assertEquals(appended, tailed, "the live tail delivered every record with its ciphertext");
        Map<String, String> readBack = new LinkedHashMap<>();
        for (String s : streams) {
            readBack.putAll(w.readAll(owner, s));
        }
        assertEquals(appended, readBack, "every appended record reads back");
        assertEquals(0, restic.run(resticLog, Duration.ofSeconds(300), "check"), () -> tail(resticLog));
        for (WsTestClient s : sockets) {
            assertTrue(!s.closed().isDone(), "signaling sockets stayed open");
            s.close();
        }
        tail.close();

        // memory: flat after warm-up (every service's memory was read: a missing process is no flat line)
        rss.forEach((name, samples) -> assertTrue(!samples.isEmpty() && samples.stream().allMatch(k -> k > 0), name + "'s memory was read: " + samples));
        List<String> grew = new ArrayList<>();
        rss.forEach((name, samples) -> {
            int n = samples.size();
            long warm = samples.get(Math.max(0, n / 3 - 1));
            long lastThirdMax = samples.subList(2 * n / 3, n).stream().mapToLong(Long::longValue).max().orElse(warm);
            System.out.printf(Locale.ROOT, "  RSS %-18s MiB: %s%n", name, samples.stream().map(k -> String.valueOf(k / 1024)).toList());
            if (lastThirdMax > warm * 1.25 + 64 * 1024) {
                grew.add(String.format(Locale.ROOT, "%s: %d MiB after warm-up, up to %d MiB at the end", name, warm / 1024, lastThirdMax / 1024));
            }
        });
        assertEquals(List.of(), grew, "resident memory flat after warm-up");
    }

    interface Step {
        void run() throws Exception;
    }

    private static Thread loop(String name, AtomicBoolean run, List<String> errors, Step step) {
        return new Thread(() -> {
            while (run.get()) {
                try {
                    step.run();
                } catch (Throwable e) {
                    errors.add(name + ": " + e);
                    KafkaOutageIT.pause(500);
                }
            }
        }, "soak-" + name);
    }

    private static boolean ok(String what, Api.Res r, List<String> errors) {
        if (!r.ok()) {
            errors.add(what + ": " + r);
            return false;
        }
        return true;
    }

    private static void check(boolean condition, String what, List<String> errors) {
        if (!condition) {
            errors.add(what);
        }
    }

    private static String tail(Path log) {
        try {
            return Restic.tail(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
