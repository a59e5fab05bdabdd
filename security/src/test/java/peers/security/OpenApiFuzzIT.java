package peers.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import peers.security.Stack.Svc;
import peers.testing.peers.TestPeer;

/**
 * Property-based HTTP fuzzing of every REST operation of every service, from the OpenAPI document each
 * service serves: for each operation, {@code peers.fuzz.runs} (default 14) seeded requests, valid-shaped and
 * broken (missing fields, wrong types, huge strings, bad base64, bad path and query parameters, bad JSON,
 * oversize bodies, wrong media types, garbage credentials), signed by the owner of real resources (or with
 * their session / restic token) and unsigned.
 *
 * <p>Properties: no response is 5xx; every 4xx is {@code application/problem+json}; a refused request changes
 * no row of the service's schema (no partial write); the stored data keeps its invariants afterwards.
 *
 * <p>Reproduce with {@code -Dpeers.fuzz.seed=<seed>} (printed, default 11); run longer with
 * {@code -Dpeers.fuzz.runs=200}; only some services with {@code -Dpeers.fuzz.services=backup-service,sync-buffer}.
 * After each operation the service must still answer a cheap request within 10 s.
 */
@Order(1)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class OpenApiFuzzIT {

    static final long SEED = Long.getLong("peers.fuzz.seed", 11);
    static final int RUNS = Integer.getInteger("peers.fuzz.runs", 14);
    static final int OVERSIZE = 4_300_000;
    static Stack stack;
    static Db db;

    @BeforeAll
    static void start() {
        stack = Stack.get();
        db = new Db();
        System.out.println("OpenApiFuzzIT: seed " + SEED + ", " + RUNS + " requests per operation");
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    @TestFactory
    @Order(1)
    Stream<DynamicNode> everyOperationOfEveryService() {
        List<DynamicNode> services = new ArrayList<>();
        String only = System.getProperty("peers.fuzz.services", "");
        for (Svc svc : Svc.values()) {
            if (!only.isBlank() && !List.of(only.split(",")).contains(svc.module)) {
                continue;
            }
            JsonNode spec = Http.req("GET", stack.baseUrl(svc) + svc.openApiPath()).send().expect(200).json();
            List<DynamicNode> ops = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext();) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext();) {
                    Map.Entry<String, JsonNode> m = methods.next();
                    String method = m.getKey().toUpperCase(java.util.Locale.ROOT);
                    if (!List.of("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH").contains(method)) {
                        continue;
                    }
                    ops.add(DynamicTest.dynamicTest(method + " " + path.getKey(),
                            () -> fuzz(svc, spec, method, path.getKey(), m.getValue(), path.getValue().path("parameters"))));
                }
            }
            ops.add(DynamicTest.dynamicTest("stored data keeps its invariants", () -> invariants(svc)));
            services.add(DynamicContainer.dynamicContainer(svc.module, ops));
        }
        return services.stream();
    }

    void fuzz(Svc svc, JsonNode spec, String method, String path, JsonNode op, JsonNode pathLevelParams) {
        long seed = SEED ^ (svc.module + method + path).hashCode();
        Random random = new Random(seed);
        RequestGenerator gen = new RequestGenerator(spec, random);
        Fixtures.Owned owned = Fixtures.create(stack, svc);
        List<JsonNode> params = new ArrayList<>();
        op.path("parameters").forEach(params::add);
        pathLevelParams.forEach(params::add);
        JsonNode bodySchema = null;
        String bodyType = null;
        for (Iterator<Map.Entry<String, JsonNode>> c = op.path("requestBody").path("content").fields(); c.hasNext();) {
            Map.Entry<String, JsonNode> e = c.next();
            bodyType = e.getKey();
            bodySchema = e.getValue().path("schema");
        }
        boolean takesBody = bodyType != null && !method.equals("GET") && !method.equals("HEAD") && !method.equals("DELETE");
        boolean restic = path.startsWith("/backup/restic/");
        boolean session = path.startsWith("/auth/v1/account") || path.startsWith("/auth/v1/session");
        List<String> failures = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            int variant = run % 8;
            boolean signed = variant != 1 && variant != 6 && variant != 7;
            String url = stack.baseUrl(svc) + expand(path, params, owned, gen, variant == 3);
            String query = query(params, gen, variant == 3);
            if (!query.isEmpty()) {
                url += "?" + query;
            }
            Http.Req req = Http.req(method, url).timeout(java.time.Duration.ofSeconds(10));
            for (JsonNode p : params) {
                if (p.path("in").asText().equals("header") && random.nextInt(5) > 0) {
                    String name = p.get("name").asText();
                    req.header(name, switch (name) {
                        case "Idempotency-Key" -> UUID.randomUUID().toString();
                        case "Stripe-Signature" -> "t=" + (System.currentTimeMillis() / 1000) + ",v1=" + gen.word(64);
                        default -> gen.word(10);
                    });
                }
            }
            String what;
            if (takesBody) {
                JsonNode valid = bodySchema != null && !bodySchema.isMissingNode() ? gen.valid(bodySchema, "body", 0) : Http.JSON.createObjectNode();
                switch (variant) {
                    case 2, 7 -> {
                        RequestGenerator.Mutated m = gen.breakBody(bodySchema, valid);
                        req.bytes("application/json", m.body().getBytes(StandardCharsets.UTF_8));
                        what = m.what();
                    }
                    case 4 -> {
                        byte[] big = new byte[OVERSIZE];
                        java.util.Arrays.fill(big, (byte) 'a');
                        big[0] = '"';
                        big[big.length - 1] = '"';
                        req.bytes("application/json", big);
                        what = "oversize body";
                    }
                    case 5 -> {
                        req.bytes(random.nextBoolean() ? "text/plain" : "application/xml", valid.toString().getBytes(StandardCharsets.UTF_8));
                        what = "wrong media type";
                    }
                    default -> {
                        req.bytes(bodyType.equals("*/*") ? "application/json" : bodyType, valid.toString().getBytes(StandardCharsets.UTF_8));
                        what = "valid-shaped body";
                    }
                }
            } else {
                what = variant == 3 ? "broken parameter" : "valid-shaped parameters";
            }
            if (restic) {
                if (signed) {
                    req.header("Authorization", owned.basic);
                }
                if (method.equals("POST") && req.body == null) {
                    byte[] blob = gen.bytes(random.nextInt(64));
                    req.bytes("application/octet-stream", blob);
                }
            } else if (session) {
                if (signed) {
                    req.bearer(owned.session);
                }
            } else if (signed) {
                req.sign(owned.owner);
            }
            if (variant == 6) {
                switch (random.nextInt(3)) {
                    case 0 -> {
                        what += ", garbage credentials";
                        req.header("Signature-Input", "sig=(\"@method\");keyid=\"" + gen.word(43) + "\";created=1;alg=\"ed25519\"");
                        req.header("Signature", "sig=:" + gen.word(20) + ":");
                        req.header("Authorization", random.nextBoolean() ? "Bearer " + gen.word(43) : "Basic " + gen.word(30));
                    }
                    case 1 -> {
                        // signed correctly, then changed in flight: the body no longer matches its digest (or the path its signature)
                        what += ", altered after signing";
                        req.sign(owned.owner);
                        if (req.body != null && req.body.length > 0) {
                            req.body[req.body.length / 2] ^= 1;
                        } else {
                            req.header("Signature-Input", req.headers.get("Signature-Input").replace("@query", "@path"));
                        }
                    }
                    default -> {
                        // claims the owner's key, signed by another
                        what += ", another key's signature";
                        TestPeer other = TestPeer.create();
                        req.sign(other);
                        req.header("Signature-Input", req.headers.get("Signature-Input").replace(other.id(), owned.owner.id()));
                    }
                }
            }
            what += signed ? (restic ? ", restic token" : session ? ", session" : ", signed") : ", unauthenticated";

            Map<String, String> before = db.counts(svc.schema);
            Http.Res res;
            try {
                res = req.send();
            } catch (IllegalStateException e) {
                // the server may close the connection on a body over its limit before reading it: not a 5xx
                if (variant == 4) {
                    continue;
                }
                failures.add("seed " + seed + " run " + run + " (" + what + "): " + req + " -> " + e.getMessage());
                continue;
            }
            String describe = "seed " + seed + " run " + run + " (" + what + "): " + req + " -> " + res.status() + " " + res.contentType() + " "
                    + abbreviate(res.text());
            if (res.status() >= 500) {
                failures.add("5xx: " + describe);
            } else if (res.status() >= 400) {
                // 414 and 431 come from Vert.x's HTTP codec (request line or headers over its limits) before any
                // application code runs, with an empty body: documented in docs/security.md, not counted here.
                if (!method.equals("HEAD") && !res.isProblem() && res.status() != 414 && res.status() != 431) {
                    failures.add("4xx not problem+json: " + describe);
                }
                Map<String, String> after = db.counts(svc.schema);
                if (!after.equals(before)) {
                    failures.add("refused request changed stored rows " + diff(before, after) + ": " + describe);
                }
            }
        }
        String health = RepeatedOperationsIT.alive(svc);
        if (health != null) {
            failures.add("after these requests " + health);
        }
        assertTrue(failures.isEmpty(), failures.size() + " finding(s) for " + method + " " + path + ":\n" + String.join("\n", failures));
    }

    /**
     * Found by seed 2026: a request with {@code Content-Type: application/json} and an empty body (Content-Length: 0)
     * that reaches the REST layer is never answered (managed-keys' ceremonies and billing's Stripe webhook even
     * unauthenticated; every signed JSON operation once its signature passed). Every operation that takes a body
     * gets one, signed by the owner of real resources and unauthenticated, all at once; each must be answered
     * within 10 s with a 4xx problem.
     */
    @org.junit.jupiter.api.Test
    @Order(2)
    void emptyJsonBodiesAreAnswered() throws Exception {
        List<String> failures = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<Void>> pending = new ArrayList<>();
        for (Svc svc : Svc.values()) {
            JsonNode spec = Http.req("GET", stack.baseUrl(svc) + svc.openApiPath()).send().expect(200).json();
            Fixtures.Owned owned = Fixtures.create(stack, svc);
            RequestGenerator gen = new RequestGenerator(spec, new Random(SEED));
            for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext();) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext();) {
                    Map.Entry<String, JsonNode> m = methods.next();
                    String method = m.getKey().toUpperCase(java.util.Locale.ROOT);
                    if (!List.of("POST", "PUT", "PATCH").contains(method) || !m.getValue().path("requestBody").path("content").has("application/json")) {
                        continue;
                    }
                    List<JsonNode> params = new ArrayList<>();
                    m.getValue().path("parameters").forEach(params::add);
                    for (boolean sign : new boolean[] {true, false}) {
                        String url = stack.baseUrl(svc) + expand(path.getKey(), params, owned, gen, false);
                        Http.Req req = Http.req(method, url).bytes("application/json", new byte[0]).timeout(java.time.Duration.ofSeconds(10));
                        req.header("Idempotency-Key", UUID.randomUUID().toString());
                        boolean session = path.getKey().startsWith("/auth/v1/account") || path.getKey().startsWith("/auth/v1/session");
                        if (sign && session) {
                            req.bearer(owned.session);
                        } else if (sign) {
                            req.sign(owned.owner);
                        }
                        String what = svc.module + " " + method + " " + path.getKey() + " with an empty JSON body, " + (sign ? "authenticated" : "unauthenticated");
                        pending.add(req.sendAsync().handle((res, error) -> {
                            synchronized (failures) {
                                if (error != null) {
                                    failures.add(what + ": no answer within 10 s");
                                } else if (res.status() >= 500 || res.status() >= 400 && !res.isProblem()) {
                                    failures.add(what + ": " + res.status() + " " + res.contentType() + " " + abbreviate(res.text()));
                                }
                            }
                            return null;
                        }));
                    }
                }
            }
        }
        java.util.concurrent.CompletableFuture.allOf(pending.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        failures.sort(null);
        assertTrue(failures.isEmpty(), failures.size() + " of " + pending.size() + " empty-body requests failed:\n" + String.join("\n", failures));
    }

    void invariants(Svc svc) {
        Map<String, String> checks = new LinkedHashMap<>();
        switch (svc) {
            case KEY_REGISTRY -> {
                checks.put("identity whose entry count differs from its log leaves",
                        "SELECT count(*) FROM registry.identities i WHERE i.entry_count <> (SELECT count(*) FROM registry.log_leaves l WHERE l.identity_id = i.id)");
                checks.put("identity whose current key is not among its keys",
                        "SELECT count(*) FROM registry.identities i WHERE NOT EXISTS (SELECT 1 FROM registry.identity_keys k WHERE k.identity_id = i.id AND k.key_id = i.identity_key)");
            }
            case SYNC_BUFFER -> {
                checks.put("stream whose last_seq is below a stored record's seq",
                        "SELECT count(*) FROM sync.streams s WHERE s.last_seq < coalesce((SELECT max(r.seq) FROM sync.records r WHERE r.stream_id = s.id), 0)");
                checks.put("record of a stream that does not exist",
                        "SELECT count(*) FROM sync.records r WHERE NOT EXISTS (SELECT 1 FROM sync.streams s WHERE s.id = r.stream_id)");
                checks.put("stream without its owner as a member",
                        "SELECT count(*) FROM sync.streams s WHERE NOT EXISTS (SELECT 1 FROM sync.members m WHERE m.stream_id = s.id AND m.member_key = s.owner_key)");
            }
            case BACKUP_SERVICE -> checks.put("snapshot whose object count differs from its listed objects",
                    "SELECT count(*) FROM backup.snapshots s WHERE s.object_count <> (SELECT count(*) FROM backup.snapshot_objects o WHERE o.repo_id = s.repo_id AND o.snapshot_id = s.id)");
            case MANAGED_KEYS -> {
                checks.put("account without a passkey",
                        "SELECT count(*) FROM auth.accounts a WHERE NOT EXISTS (SELECT 1 FROM auth.credentials c WHERE c.account_id = a.id)");
                checks.put("wrap naming another salt than its passkey's",
                        "SELECT count(*) FROM auth.key_wraps w JOIN auth.credentials c ON c.id = w.credential_id WHERE w.salt_id <> c.prf_salt_id");
            }
            case AFFILIATE_BILLING -> checks.put("paid invoice with an amount but no payment in the ledger",
                    "SELECT count(*) FROM billing.invoices i WHERE i.status = 'paid' AND i.total_minor > 0 AND NOT EXISTS "
                            + "(SELECT 1 FROM billing.ledger_transactions t WHERE t.invoice_id = i.id AND t.kind = 'payment')");
            case SIGNALING -> {
                // stateless: nothing stored
            }
        }
        checks.forEach((what, sql) -> assertEquals(0, db.scalar(sql), what + " (" + sql + ")"));
    }

    private String expand(String path, List<JsonNode> params, Fixtures.Owned owned, RequestGenerator gen, boolean breakOne) {
        List<String> names = new ArrayList<>();
        for (JsonNode p : params) {
            if (p.path("in").asText().equals("path")) {
                names.add(p.get("name").asText());
            }
        }
        String broken = breakOne && !names.isEmpty() ? names.get(gen.random().nextInt(names.size())) : null;
        String out = path;
        for (String name : names) {
            String value;
            if (name.equals(broken)) {
                value = gen.brokenParam();
            } else if (owned.params.containsKey(name) && gen.random().nextInt(5) > 0) {
                value = owned.params.get(name);
            } else {
                value = URLEncoder.encode(gen.shapedString(null, name), StandardCharsets.UTF_8);
            }
            out = out.replace("{" + name + "}", value);
        }
        return out;
    }

    private String query(List<JsonNode> params, RequestGenerator gen, boolean broken) {
        List<String> parts = new ArrayList<>();
        for (JsonNode p : params) {
            if (!p.path("in").asText().equals("query") || gen.random().nextInt(4) == 0) {
                continue;
            }
            String name = p.get("name").asText();
            String value = broken && gen.random().nextBoolean() ? gen.brokenParam()
                    : URLEncoder.encode(gen.valid(p.path("schema"), name, 0).asText(), StandardCharsets.UTF_8);
            parts.add(name + "=" + value);
        }
        return String.join("&", parts);
    }

    private static String diff(Map<String, String> before, Map<String, String> after) {
        Map<String, String> d = new LinkedHashMap<>();
        after.forEach((t, n) -> {
            if (!n.equals(before.get(t))) {
                d.put(t, before.get(t) + "->" + n);
            }
        });
        return d.toString();
    }

    static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

}
