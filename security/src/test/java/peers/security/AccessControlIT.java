package peers.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import peers.security.Stack.Svc;
import peers.security.Worlds.World;

/**
 * The access-control matrix: for every resource type and operation of every service, the owner succeeds and
 * every other caller is refused: another key, a removed member (or a former key, a revoked token, a removed
 * passkey's session), a read-only member (for writes), an unsigned request, the owner's request replayed,
 * and an expired signature or session. A refusal must be a problem+json 401/403/404 that changes no stored row.
 *
 * <p>The test writes the outcomes as a Markdown table into {@code docs/security.md}, between the markers
 * {@code <!-- access-control-matrix:begin -->} and {@code :end -->}; the committed table must equal what the
 * test produces: it fails when they differ, unless {@code -Dpeers.security.regenerate=true} (then it rewrites
 * the table).
 */
@Order(2)
class AccessControlIT {

    static final Path DOC = Path.of("..", "docs", "security.md");
    static final String BEGIN = "<!-- access-control-matrix:begin -->";
    static final String END = "<!-- access-control-matrix:end -->";

    enum Actor {
        OWNER("owner"), OTHER("another key"), REMOVED("removed member"), READ_ONLY("read-only member"), UNSIGNED("unsigned"),
        REPLAYED("replayed"), EXPIRED("expired");

        final String title;

        Actor(String title) {
            this.title = title;
        }
    }

    /** How a request is authenticated. */
    enum Auth { SIGNED, SESSION, RESTIC, OPERATOR }

    /** One row: an operation on a resource, the callers that apply, and how to build the request. */
    record Row(Svc svc, String resource, String method, String path, Auth auth, Set<Actor> actors, Function<World, Http.Req> build) {
    }

    /** A WebSocket operation: the outcome for an actor is the server's answer frame ("subscribed", "error not-a-member", ...). */
    record WsRow(Svc svc, String resource, String operation, Set<Actor> actors, String success, WsScenario scenario) {
    }

    interface WsScenario {
        String run(World w, Actor actor) throws Exception;
    }

    static final Set<Actor> SIGNED_ALL = EnumSet.of(Actor.OTHER, Actor.REMOVED, Actor.UNSIGNED, Actor.REPLAYED, Actor.EXPIRED);

    static Stack stack;
    static Db db;

    @BeforeAll
    static void start() {
        stack = Stack.get();
        db = new Db();
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        // key-registry: an identity, changed only by its current key; "removed" = the identity's former key
        Svc r = Svc.KEY_REGISTRY;
        String id = "/registry/v1/identities/{key}";
        rows.add(new Row(r, "identity", "PUT", id + "/discoverability", Auth.SIGNED, SIGNED_ALL,
                w -> req(w, "PUT", id + "/discoverability").json(Map.of("discoverability", "unlisted"))));
        rows.add(new Row(r, "identity", "PUT", id + "/handle", Auth.SIGNED, SIGNED_ALL,
                w -> req(w, "PUT", id + "/handle").json(Map.of("handle", Fixtures.registryHandle()))));
        rows.add(new Row(r, "identity", "DELETE", id + "/handle", Auth.SIGNED, SIGNED_ALL, w -> req(w, "DELETE", id + "/handle")));
        rows.add(new Row(r, "identity", "POST", id + "/rotation", Auth.SIGNED, SIGNED_ALL,
                w -> req(w, "POST", id + "/rotation").json(Worlds.rotation(w.caller, Worlds.peer()))));
        rows.add(new Row(r, "identity", "POST", id + "/revocation", Auth.SIGNED, SIGNED_ALL, w -> req(w, "POST", id + "/revocation")));
        rows.add(new Row(r, "identity", "GET", id + "/history", Auth.SIGNED, SIGNED_ALL, w -> req(w, "GET", id + "/history")));
        rows.add(new Row(r, "device", "POST", id + "/devices", Auth.SIGNED, SIGNED_ALL,
                w -> req(w, "POST", id + "/devices").json(Worlds.device(w.owner, Worlds.peer()))));
        rows.add(new Row(r, "device", "DELETE", id + "/devices/{device}", Auth.SIGNED, SIGNED_ALL, w -> req(w, "DELETE", id + "/devices/{device}")));

        // signaling: TURN credentials for a signed key
        rows.add(new Row(Svc.SIGNALING, "ICE servers", "GET", "/signal/v1/ice-servers", Auth.SIGNED,
                EnumSet.of(Actor.UNSIGNED, Actor.REPLAYED, Actor.EXPIRED), w -> req(w, "GET", "/signal/v1/ice-servers")));

        // sync-buffer: a stream with an admin owner, a read member, a write member, and a removed member
        Svc s = Svc.SYNC_BUFFER;
        String st = "/sync/v1/streams/{stream}";
        Set<Actor> write = EnumSet.of(Actor.OTHER, Actor.REMOVED, Actor.READ_ONLY, Actor.UNSIGNED, Actor.REPLAYED, Actor.EXPIRED);
        rows.add(new Row(s, "stream", "GET", st, Auth.SIGNED, SIGNED_ALL, w -> req(w, "GET", st)));
        rows.add(new Row(s, "stream", "DELETE", st, Auth.SIGNED, write, w -> req(w, "DELETE", st)));
        rows.add(new Row(s, "streams (own list)", "GET", "/sync/v1/streams", Auth.SIGNED, EnumSet.of(Actor.UNSIGNED, Actor.REPLAYED, Actor.EXPIRED),
                w -> req(w, "GET", "/sync/v1/streams")));
        rows.add(new Row(s, "member", "PUT", st + "/members/{key}", Auth.SIGNED, write,
                w -> req(w, "PUT", st + "/members/" + Worlds.peer().id()).json(Map.of("role", "read"))));
        rows.add(new Row(s, "member", "GET", st + "/members/{key}", Auth.SIGNED, write, w -> req(w, "GET", st + "/members/{writer}")));
        rows.add(new Row(s, "member", "DELETE", st + "/members/{key}", Auth.SIGNED, write, w -> req(w, "DELETE", st + "/members/{writer}")));
        rows.add(new Row(s, "records", "POST", st + "/records", Auth.SIGNED, write, w -> req(w, "POST", st + "/records").json(Map.of("records",
                List.of(Map.of("id", UUID.randomUUID().toString(), "ciphertext", peers.common.identity.Base64Url.encode(Passkeys.random(64))))))));
        rows.add(new Row(s, "records", "GET", st + "/records", Auth.SIGNED, SIGNED_ALL, w -> req(w, "GET", st + "/records?after=0")));

        // backup-service: native API by signature (owner only), restic by per-repository token
        Svc b = Svc.BACKUP_SERVICE;
        String repo = "/backup/v1/repos/{repo}";
        Set<Actor> owned = EnumSet.of(Actor.OTHER, Actor.UNSIGNED, Actor.REPLAYED, Actor.EXPIRED);
        rows.add(new Row(b, "repository", "GET", repo, Auth.SIGNED, owned, w -> req(w, "GET", repo)));
        rows.add(new Row(b, "repository", "DELETE", repo, Auth.SIGNED, owned, w -> req(w, "DELETE", repo)));
        rows.add(new Row(b, "repositories (own list)", "GET", "/backup/v1/repos", Auth.SIGNED, EnumSet.of(Actor.UNSIGNED, Actor.REPLAYED, Actor.EXPIRED),
                w -> req(w, "GET", "/backup/v1/repos")));
        rows.add(new Row(b, "retention", "PUT", repo + "/retention", Auth.SIGNED, owned,
                w -> req(w, "PUT", repo + "/retention").json(Map.of("keepLast", 3))));
        rows.add(new Row(b, "retention", "POST", repo + "/prune", Auth.SIGNED, owned, w -> req(w, "POST", repo + "/prune")));
        rows.add(new Row(b, "upload", "POST", repo + "/uploads", Auth.SIGNED, owned,
                w -> req(w, "POST", repo + "/uploads").json(Map.of("sha256", w.id("newfile"), "size", 100))));
        rows.add(new Row(b, "objects", "GET", repo + "/objects", Auth.SIGNED, owned, w -> req(w, "GET", repo + "/objects")));
        rows.add(new Row(b, "snapshot", "POST", repo + "/snapshots", Auth.SIGNED, owned,
                w -> req(w, "POST", repo + "/snapshots").json(Map.of("name", "s2", "objects", List.of()))));
        rows.add(new Row(b, "snapshot", "GET", repo + "/snapshots", Auth.SIGNED, owned, w -> req(w, "GET", repo + "/snapshots")));
        rows.add(new Row(b, "snapshot", "DELETE", repo + "/snapshots/{snapshot}", Auth.SIGNED, owned, w -> req(w, "DELETE", repo + "/snapshots/{snapshot}")));
        rows.add(new Row(b, "token", "POST", repo + "/tokens", Auth.SIGNED, owned,
                w -> req(w, "POST", repo + "/tokens").json(Map.of("mode", "append-only"))));
        rows.add(new Row(b, "token", "GET", repo + "/tokens", Auth.SIGNED, owned, w -> req(w, "GET", repo + "/tokens")));
        rows.add(new Row(b, "token", "DELETE", repo + "/tokens/{token}", Auth.SIGNED, owned, w -> req(w, "DELETE", repo + "/tokens/{token}")));
        String restic = "/backup/restic/{repo}";
        Set<Actor> resticRead = EnumSet.of(Actor.OTHER, Actor.REMOVED, Actor.UNSIGNED);
        Set<Actor> resticDelete = EnumSet.of(Actor.OTHER, Actor.REMOVED, Actor.READ_ONLY, Actor.UNSIGNED);
        rows.add(new Row(b, "restic file", "GET", restic + "/keys/", Auth.RESTIC, resticRead,
                w -> req(w, "GET", restic + "/keys/").header("Accept", "application/vnd.x.restic.rest.v2")));
        rows.add(new Row(b, "restic file", "GET", restic + "/keys/{name}", Auth.RESTIC, resticRead, w -> req(w, "GET", restic + "/keys/{file}")));
        rows.add(new Row(b, "restic file", "POST", restic + "/keys/{name}", Auth.RESTIC, resticRead,
                w -> req(w, "POST", restic + "/keys/{newfile}").bytes("application/octet-stream",
                        peers.common.identity.Base64Url.decode(w.id("newfile.bytes"), "blob"))));
        rows.add(new Row(b, "restic file", "DELETE", restic + "/keys/{name}", Auth.RESTIC, resticDelete, w -> req(w, "DELETE", restic + "/keys/{file}")));

        // managed-keys: the account is reached through a session; recovery passkeys through the identity key's signature
        Svc a = Svc.MANAGED_KEYS;
        Set<Actor> session = EnumSet.of(Actor.REMOVED, Actor.UNSIGNED, Actor.EXPIRED);
        Set<Actor> sessionById = EnumSet.of(Actor.OTHER, Actor.REMOVED, Actor.UNSIGNED, Actor.EXPIRED);
        String cred = "/auth/v1/account/credentials/{credentialId}";
        rows.add(new Row(a, "account", "GET", "/auth/v1/account", Auth.SESSION, session, w -> req(w, "GET", "/auth/v1/account")));
        rows.add(new Row(a, "passkey wrap", "PUT", cred + "/wrap", Auth.SESSION, sessionById,
                w -> req(w, "PUT", cred + "/wrap").json(Worlds.wrap(w.callerAccount, w.account.prfSaltId()))));
        rows.add(new Row(a, "passkey wrap", "GET", cred + "/wrap", Auth.SESSION, sessionById, w -> req(w, "GET", cred + "/wrap")));
        rows.add(new Row(a, "passkey", "POST", "/auth/v1/account/credentials/options", Auth.SESSION, session,
                w -> req(w, "POST", "/auth/v1/account/credentials/options")));
        rows.add(new Row(a, "passkey", "DELETE", "/auth/v1/account/credentials/{credentialId}", Auth.SESSION, sessionById,
                w -> req(w, "DELETE", "/auth/v1/account/credentials/{spareCredentialId}")));
        rows.add(new Row(a, "recovery wrap", "PUT", "/auth/v1/account/recovery", Auth.SESSION, session,
                w -> req(w, "PUT", "/auth/v1/account/recovery").json(Worlds.recovery(w.account))));
        rows.add(new Row(a, "session", "DELETE", "/auth/v1/session", Auth.SESSION, session, w -> req(w, "DELETE", "/auth/v1/session")));
        rows.add(new Row(a, "account", "DELETE", "/auth/v1/account", Auth.SESSION, session, w -> req(w, "DELETE", "/auth/v1/account")));
        rows.add(new Row(a, "recovery passkey", "POST", "/auth/v1/recovery/credentials/options", Auth.SIGNED,
                EnumSet.of(Actor.OTHER, Actor.UNSIGNED, Actor.REPLAYED, Actor.EXPIRED), w -> req(w, "POST", "/auth/v1/recovery/credentials/options")));

        // affiliate-billing: apps by their developer, invoices by their payer, operator routes by operator keys
        Svc bl = Svc.AFFILIATE_BILLING;
        Set<Actor> own = EnumSet.of(Actor.OTHER, Actor.UNSIGNED, Actor.REPLAYED, Actor.EXPIRED);
        Set<Actor> mine = EnumSet.of(Actor.UNSIGNED, Actor.REPLAYED, Actor.EXPIRED);
        rows.add(new Row(bl, "app", "GET", "/billing/v1/apps/{app}", Auth.SIGNED, own, w -> req(w, "GET", "/billing/v1/apps/{app}")));
        rows.add(new Row(bl, "app report", "GET", "/billing/v1/apps/{app}/report", Auth.SIGNED, own, w -> req(w, "GET", "/billing/v1/apps/{app}/report")));
        rows.add(new Row(bl, "app statement", "GET", "/billing/v1/apps/{app}/statements/{month}", Auth.SIGNED, own,
                w -> req(w, "GET", "/billing/v1/apps/{app}/statements/{month}")));
        rows.add(new Row(bl, "invoice", "GET", "/billing/v1/invoices/{invoice}", Auth.SIGNED, own, w -> req(w, "GET", "/billing/v1/invoices/{invoice}")));
        rows.add(new Row(bl, "subscription (own)", "POST", "/billing/v1/subscription/cancel", Auth.SIGNED, mine,
                w -> req(w, "POST", "/billing/v1/subscription/cancel").header("Idempotency-Key", UUID.randomUUID().toString())));
        rows.add(new Row(bl, "subscription (own)", "GET", "/billing/v1/subscription", Auth.SIGNED, mine, w -> req(w, "GET", "/billing/v1/subscription")));
        rows.add(new Row(bl, "invoices (own)", "GET", "/billing/v1/invoices", Auth.SIGNED, mine, w -> req(w, "GET", "/billing/v1/invoices")));
        rows.add(new Row(bl, "entitlements (own)", "GET", "/billing/v1/entitlements", Auth.SIGNED, mine, w -> req(w, "GET", "/billing/v1/entitlements")));
        rows.add(new Row(bl, "payment (operator)", "POST", "/billing/v1/operator/invoices/{invoice}/payments", Auth.OPERATOR, own,
                w -> req(w, "POST", "/billing/v1/operator/invoices/{invoice}/payments").header("Idempotency-Key", UUID.randomUUID().toString())
                        .json(Map.of("amountMinor", 300, "currency", "EUR"))));
        rows.add(new Row(bl, "app share (operator)", "POST", "/billing/v1/operator/apps/{app}/share", Auth.OPERATOR, own,
                w -> req(w, "POST", "/billing/v1/operator/apps/{app}/share").header("Idempotency-Key", UUID.randomUUID().toString())
                        .json(Map.of("shareBps", 2500))));
        rows.add(new Row(bl, "ledger (operator)", "GET", "/billing/v1/operator/ledger/balances", Auth.OPERATOR, own,
                w -> req(w, "GET", "/billing/v1/operator/ledger/balances")));
        return rows;
    }

    static List<WsRow> wsRows() {
        List<WsRow> rows = new ArrayList<>();
        rows.add(new WsRow(Svc.SIGNALING, "connection as a key", "WS /signal/v1/ws auth", EnumSet.of(Actor.OTHER, Actor.UNSIGNED, Actor.REPLAYED),
                "authenticated", (w, actor) -> {
                    try (Ws ws = new Ws(w, "/signal/v1/ws")) {
                        return switch (actor) {
                            case UNSIGNED -> ws.answer(Map.of("type", "join", "room", "r-" + UUID.randomUUID()));
                            case OTHER -> ws.answer(ws.auth(w.owner.id(), w.stranger)); // claims the owner's key
                            case REPLAYED -> ws.answer(replayedAuth(w, "/signal/v1/ws"));
                            default -> ws.answer(ws.auth(w.owner.id(), w.owner));
                        };
                    }
                }));
        rows.add(new WsRow(Svc.SYNC_BUFFER, "live tail", "WS /sync/v1/tail subscribe", EnumSet.of(Actor.OTHER, Actor.REMOVED, Actor.UNSIGNED, Actor.REPLAYED),
                "subscribed", (w, actor) -> {
                    try (Ws ws = new Ws(w, "/sync/v1/tail")) {
                        Map<String, Object> subscribe = Map.of("type", "subscribe", "stream", w.id("stream"), "after", 0);
                        String authed = switch (actor) {
                            case UNSIGNED -> "authenticated";
                            case OTHER -> ws.answer(ws.auth(w.stranger.id(), w.stranger));
                            case REMOVED -> ws.answer(ws.auth(w.removed.id(), w.removed));
                            case REPLAYED -> ws.answer(replayedAuth(w, "/sync/v1/tail"));
                            default -> ws.answer(ws.auth(w.owner.id(), w.owner));
                        };
                        return authed.equals("authenticated") ? ws.answer(subscribe) : authed;
                    }
                }));
        return rows;
    }

    /** The owner's auth frame from one socket, sent again on another (whose challenge differs). */
    static Map<String, Object> replayedAuth(World w, String path) throws Exception {
        try (Ws first = new Ws(w, path)) {
            Map<String, Object> frame = first.auth(w.owner.id(), w.owner);
            String answer = first.answer(frame);
            if (!answer.equals("authenticated")) {
                throw new AssertionError("the owner's own authentication failed: " + answer);
            }
            return frame;
        }
    }

    /** One WebSocket of the matrix: waits for the challenge, sends frames, reads the answer as a table cell. */
    static final class Ws implements AutoCloseable {
        final peers.testing.ws.WsTestClient client;
        final String path;
        final String challenge;

        Ws(World w, String path) throws InterruptedException {
            this.path = path;
            this.client = peers.testing.ws.WsTestClient.connect(java.net.URI.create(w.base.replace("http://", "ws://") + path));
            this.challenge = client.awaitType(peers.common.ws.WsAuth.CHALLENGE, java.time.Duration.ofSeconds(10)).path("challenge").asText();
        }

        /** An auth frame claiming {@code key}, signed over this socket's challenge by {@code signer}. */
        Map<String, Object> auth(String key, peers.testing.peers.TestPeer signer) {
            return Map.of("type", peers.common.ws.WsAuth.AUTH, "key", key, "signature",
                    peers.common.identity.Base64Url.encode(signer.sign(peers.common.ws.WsAuth.message(path, challenge))));
        }

        String answer(Map<String, Object> frame) throws InterruptedException {
            client.sendJson(frame);
            try {
                var n = client.await(f -> !f.path("type").asText().equals(peers.common.ws.WsAuth.CHALLENGE), java.time.Duration.ofSeconds(10));
                String type = n.path("type").asText();
                return type.equals("error") ? "error " + n.path("code").asText() : type;
            } catch (AssertionError none) {
                return client.closed().isDone() ? "closed " + client.closed().join() : "no answer";
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** A request on the world's service, {placeholders} filled from its ids. */
    static Http.Req req(World w, String method, String path) {
        String p = path;
        for (Map.Entry<String, String> e : w.ids.entrySet()) {
            p = p.replace("{" + e.getKey() + "}", e.getValue());
        }
        return Http.req(method, w.base + p);
    }

    @Test
    void everyOperationRefusesEveryoneButItsOwner() throws Exception {
        List<String> failures = new ArrayList<>();
        List<Map<Actor, String>> cells = new ArrayList<>();
        List<Row> rows = rows();
        for (Row row : rows) {
            World w = Worlds.create(stack, row.svc(), db);
            Map<Actor, String> outcome = new EnumMap<>(Actor.class);
            for (Actor actor : Actor.values()) {
                if (actor == Actor.OWNER || actor == Actor.REPLAYED) {
                    continue;
                }
                if (!row.actors().contains(actor)) {
                    outcome.put(actor, "–");
                    continue;
                }
                cast(w, actor);
                Http.Req req = row.build().apply(w);
                authenticate(row, w, actor, req);
                Map<String, String> before = db.counts(row.svc().schema);
                Http.Res res = req.send();
                Map<String, String> after = db.counts(row.svc().schema);
                outcome.put(actor, refusal(row, actor, req, res, before, after, failures));
            }
            cast(w, Actor.OWNER);
            Http.Req req = row.build().apply(w);
            authenticate(row, w, Actor.OWNER, req);
            Http.Res res = req.send();
            outcome.put(Actor.OWNER, Integer.toString(res.status()));
            if (res.status() < 200 || res.status() > 299) {
                failures.add(label(row) + ": the owner got " + res.status() + " " + res.text());
            }
            collectSecrets(row, res);
            if (row.actors().contains(Actor.REPLAYED)) {
                Map<String, String> before = db.counts(row.svc().schema);
                Http.Res replay = req.send();
                Map<String, String> after = db.counts(row.svc().schema);
                outcome.put(Actor.REPLAYED, refusal(row, Actor.REPLAYED, req, replay, before, after, failures));
                if (replay.status() != 401) {
                    failures.add(label(row) + ": a replay must be 401, got " + replay.status());
                }
            } else {
                outcome.put(Actor.REPLAYED, "–");
            }
            cells.add(outcome);
        }
        List<WsRow> wsRows = wsRows();
        List<Map<Actor, String>> wsCells = new ArrayList<>();
        for (WsRow row : wsRows) {
            World w = Worlds.create(stack, row.svc(), db);
            Map<Actor, String> outcome = new EnumMap<>(Actor.class);
            for (Actor actor : Actor.values()) {
                if (actor != Actor.OWNER && !row.actors().contains(actor)) {
                    outcome.put(actor, "–");
                    continue;
                }
                Map<String, String> before = db.counts(row.svc().schema);
                String cell = row.scenario().run(w, actor);
                Map<String, String> after = db.counts(row.svc().schema);
                outcome.put(actor, cell);
                if (actor == Actor.OWNER && !cell.equals(row.success())) {
                    failures.add(row.svc().module + " " + row.operation() + ": the owner got " + cell);
                }
                if (actor != Actor.OWNER && !cell.startsWith("error ") && !cell.startsWith("closed ")) {
                    failures.add(row.svc().module + " " + row.operation() + " as " + actor.title + ": not refused (" + cell + ")");
                }
                if (actor != Actor.OWNER && !before.equals(after)) {
                    failures.add(row.svc().module + " " + row.operation() + " as " + actor.title + ": a refusal changed stored rows");
                }
            }
            wsCells.add(outcome);
        }
        String table = table(rows, cells) + wsTable(wsRows, wsCells);
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "docs/security.md must hold the markers " + BEGIN + " and " + END);
        String committed = doc.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("peers.security.regenerate")) {
            Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + table + doc.substring(end), StandardCharsets.UTF_8);
        }
        assertTrue(failures.isEmpty(), failures.size() + " access-control finding(s):\n" + String.join("\n", failures));
        if (!Boolean.getBoolean("peers.security.regenerate")) {
            assertEquals(committed, table, "the access-control table in docs/security.md differs from what the services do; "
                    + "regenerate it with -Dpeers.security.regenerate=true and review the diff");
        }
    }

    private static String refusal(Row row, Actor actor, Http.Req req, Http.Res res, Map<String, String> before, Map<String, String> after,
            List<String> failures) {
        String cell = res.status() + (res.isProblem() && res.problemType() != null ? " " + res.problemType() : "");
        if (res.status() != 401 && res.status() != 403 && res.status() != 404) {
            failures.add(label(row) + " as " + actor.title + ": not refused (" + res.status() + " " + OpenApiFuzzIT.abbreviate(res.text()) + "): " + req);
        } else if (!res.isProblem() && !row.method().equals("HEAD")) {
            failures.add(label(row) + " as " + actor.title + ": refusal is not problem+json: " + res.contentType());
        }
        if ((actor == Actor.UNSIGNED || actor == Actor.REPLAYED || actor == Actor.EXPIRED) && res.status() != 401) {
            failures.add(label(row) + " as " + actor.title + ": expected 401, got " + res.status());
        }
        if (!before.equals(after)) {
            failures.add(label(row) + " as " + actor.title + ": a refused request changed stored rows " + before + " -> " + after);
        }
        return cell;
    }

    /** Tells the world who sends next, so that bodies are built as that caller would build them. */
    static void cast(World w, Actor actor) {
        w.caller = switch (actor) {
            case OTHER -> w.stranger;
            case REMOVED -> w.removed != null ? w.removed : w.owner;
            case READ_ONLY -> w.readOnly != null ? w.readOnly : w.owner;
            default -> w.owner;
        };
        w.callerAccount = actor == Actor.OTHER && w.strangerAccount != null ? w.strangerAccount : w.account;
    }

    static void authenticate(Row row, World w, Actor actor, Http.Req req) {
        Instant stale = Instant.now().minusSeconds(3600);
        switch (row.auth()) {
            case SIGNED, OPERATOR -> {
                var owner = row.auth() == Auth.OPERATOR ? Stack.get().billingOperator
                        : row.svc() == Svc.MANAGED_KEYS ? w.account.identity() : w.owner;
                switch (actor) {
                    case OWNER, REPLAYED -> req.sign(owner);
                    case OTHER -> req.sign(row.auth() == Auth.OPERATOR ? w.owner : w.stranger);
                    case REMOVED -> req.sign(w.removed);
                    case READ_ONLY -> req.sign(w.readOnly);
                    case EXPIRED -> req.sign(owner, stale, null);
                    case UNSIGNED -> {
                    }
                }
            }
            case SESSION -> {
                switch (actor) {
                    case OWNER, REPLAYED -> req.bearer(w.ownerSession);
                    case OTHER -> req.bearer(w.strangerSession);
                    case REMOVED -> req.bearer(w.removedSession);
                    case EXPIRED -> req.bearer(w.expiredSession);
                    default -> {
                    }
                }
            }
            case RESTIC -> {
                switch (actor) {
                    case OWNER, REPLAYED -> req.header("Authorization", w.ownerBasic);
                    case OTHER -> req.header("Authorization", w.strangerBasic);
                    case REMOVED -> req.header("Authorization", w.revokedBasic);
                    case READ_ONLY -> req.header("Authorization", w.appendOnlyBasic);
                    default -> {
                    }
                }
            }
        }
    }

    /** TURN passwords and new restic token secrets handed to the owner join the secrets the log scan looks for. */
    private static void collectSecrets(Row row, Http.Res res) {
        if (res.status() >= 300 || !res.contentType().contains("json")) {
            return;
        }
        var json = res.json();
        json.findValues("credential").forEach(c -> Secrets.text("TURN password", c.asText()));
        json.findValues("secret").forEach(c -> Secrets.text("restic token secret", c.asText()));
        json.findValues("token").forEach(c -> {
            if (c.isTextual()) {
                Secrets.text("session token", c.asText());
            }
        });
    }

    private static String label(Row row) {
        return row.svc().module + " " + row.method() + " " + row.path();
    }

    static String wsTable(List<WsRow> rows, List<Map<Actor, String>> cells) {
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            WsRow row = rows.get(i);
            t.append("| ").append(row.svc().module).append(" | ").append(row.resource()).append(" | `").append(row.operation()).append("` |");
            for (Actor a : Actor.values()) {
                t.append(' ').append(cells.get(i).get(a)).append(" |");
            }
            t.append('\n');
        }
        return t.toString();
    }

    static String table(List<Row> rows, List<Map<Actor, String>> cells) {
        StringBuilder t = new StringBuilder("\n| service | resource | operation |");
        for (Actor a : Actor.values()) {
            t.append(' ').append(a.title).append(" |");
        }
        t.append("\n|---|---|---|");
        t.append("---|".repeat(Actor.values().length)).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            t.append("| ").append(row.svc().module).append(" | ").append(row.resource()).append(" | `").append(row.method()).append(' ')
                    .append(row.path()).append("` |");
            for (Actor a : Actor.values()) {
                t.append(' ').append(cells.get(i).get(a)).append(" |");
            }
            t.append('\n');
        }
        return t.toString();
    }
}
