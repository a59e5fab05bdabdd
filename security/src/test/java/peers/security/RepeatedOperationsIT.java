package peers.security;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import peers.security.AccessControlIT.Actor;
import peers.security.AccessControlIT.Row;
import peers.security.Stack.Svc;
import peers.security.Worlds.World;

/**
 * Every operation of the access-control matrix, repeated by its owner more times than a service has database
 * connections (25 against pools of 20) and then refused as often: afterwards the service must still answer
 * within seconds. A request path that keeps a pooled connection (or any other bounded resource) would let any
 * caller take the service down with a few dozen requests; the fuzzer found one such path this way.
 */
@Order(3)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class RepeatedOperationsIT {

    static final int TIMES = 25;
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

    @Test
    @Order(1)
    void noOperationExhaustsTheService() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Row row : AccessControlIT.rows()) {
            World w = Worlds.create(stack, row.svc(), db);
            for (int i = 0; i < TIMES; i++) {
                for (Actor actor : List.of(Actor.OWNER, Actor.UNSIGNED)) {
                    AccessControlIT.cast(w, actor);
                    Http.Req req = row.build().apply(w).timeout(Duration.ofSeconds(20));
                    AccessControlIT.authenticate(row, w, actor, req);
                    try {
                        Http.Res res = req.send();
                        if (res.status() >= 500) {
                            failures.add(label(row) + " call " + (i + 1) + " as " + actor.title + ": " + res.status() + " " + OpenApiFuzzIT.abbreviate(res.text()));
                        }
                    } catch (IllegalStateException timeout) {
                        failures.add(label(row) + " call " + (i + 1) + " as " + actor.title + ": no answer within 20 s (" + timeout.getMessage() + ")");
                        i = TIMES;
                        break;
                    }
                }
            }
            String health = alive(row.svc());
            if (health != null) {
                failures.add("after " + TIMES + " x " + label(row) + ": " + health);
                assertTrue(false, failures.size() + " finding(s); the service no longer answers, stopping here:\n" + String.join("\n", failures));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " finding(s):\n" + String.join("\n", failures));
    }

    /**
     * Found by the fuzzer (seed 2026): backup-service validated a malformed repository id by throwing inside
     * {@code pool.withConnection(...)}, which never returns the connection; 20 such requests (a 422 each) left it
     * without connections for every later request. Every operation with an id in its path is sent 25 times,
     * signed by the owner, with a malformed id, and the service must still answer afterwards.
     */
    @Test
    @Order(2)
    void malformedIdsLeakNothing() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Row row : AccessControlIT.rows()) {
            if (!row.path().contains("{")) {
                continue;
            }
            World w = Worlds.create(stack, row.svc(), db);
            w.ids.replaceAll((name, value) -> name.contains(".") ? value : "x%21" + value);
            for (int i = 0; i < TIMES; i++) {
                AccessControlIT.cast(w, Actor.OWNER);
                Http.Req req;
                try {
                    req = row.build().apply(w).timeout(Duration.ofSeconds(20));
                } catch (RuntimeException cannotBuild) {
                    break; // the body needs a well-formed id (e.g. a hash of the file)
                }
                AccessControlIT.authenticate(row, w, Actor.OWNER, req);
                try {
                    Http.Res res = req.send();
                    if (res.status() >= 500) {
                        failures.add(label(row) + " with malformed ids, call " + (i + 1) + ": " + res.status() + " " + OpenApiFuzzIT.abbreviate(res.text()));
                    }
                } catch (IllegalStateException timeout) {
                    failures.add(label(row) + " with malformed ids, call " + (i + 1) + ": no answer within 20 s");
                    break;
                }
            }
            String health = alive(row.svc());
            if (health != null) {
                failures.add("after " + TIMES + " x " + label(row) + " with malformed ids: " + health);
                break;
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " finding(s):\n" + String.join("\n", failures));
    }

    /** Null when the service answers a cheap request that reads its database within 10 s. */
    static String alive(Svc svc) {
        String path = switch (svc) {
            case KEY_REGISTRY -> "/registry/v1/log/tree-head";
            case SIGNALING -> "/signal/v1/peerjs";
            case SYNC_BUFFER -> "/sync/v1/streams";
            case BACKUP_SERVICE -> "/backup/v1/repos";
            case MANAGED_KEYS -> "/auth/v1/registrations/options";
            case AFFILIATE_BILLING -> "/billing/v1/invoices";
        };
        Http.Req req = Http.req(svc == Svc.MANAGED_KEYS ? "POST" : "GET", Stack.get().baseUrl(svc) + path).timeout(Duration.ofSeconds(10));
        if (svc == Svc.MANAGED_KEYS) {
            req.json(java.util.Map.of());
        } else {
            req.sign(Worlds.peer());
        }
        try {
            Http.Res res = req.send();
            return res.status() < 500 ? null : "the service answers " + res.status() + " " + OpenApiFuzzIT.abbreviate(res.text());
        } catch (IllegalStateException e) {
            return "the service no longer answers: " + e.getMessage();
        }
    }

    private static String label(Row row) {
        return row.svc().module + " " + row.method() + " " + row.path();
    }
}
