package peers.security;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import peers.security.Stack.Svc;
import peers.testing.peers.TestPeer;

/** Resources of one owner in one service, made through the public API as a client makes them. */
final class Fixtures {

    private Fixtures() {
    }

    /** An owner's resources: path parameter values by name, and the credentials that go with them. */
    static final class Owned {
        final TestPeer owner = TestPeer.create();
        final Map<String, String> params = new LinkedHashMap<>();
        String session;
        String basic;
        Passkeys.Account account;

        Owned() {
            Secrets.privateKey("peer private key", owner.privateKey());
        }
    }

    static String registryHandle() {
        return "h" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static Owned create(Stack stack, Svc svc) {
        Owned o = new Owned();
        String base = stack.baseUrl(svc);
        switch (svc) {
            case KEY_REGISTRY -> {
                String handle = registryHandle();
                Http.req("POST", base + "/registry/v1/identities").json(Map.of("handle", handle)).sign(o.owner).send().expect(201);
                o.params.put("key", o.owner.id());
                o.params.put("handle", handle);
                o.params.put("size", "1");
                o.params.put("device", TestPeer.create().id());
            }
            case SIGNALING -> o.params.put("key", "peerjs");
            case SYNC_BUFFER -> {
                JsonNode s = Http.req("POST", base + "/sync/v1/streams").json(Map.of()).sign(o.owner).send().expect(201).json();
                o.params.put("stream", s.get("id").asText());
                TestPeer member = TestPeer.create();
                Http.req("PUT", base + "/sync/v1/streams/" + s.get("id").asText() + "/members/" + member.id()).json(Map.of("role", "read"))
                        .sign(o.owner).send().expect(200);
                o.params.put("key", member.id());
            }
            case BACKUP_SERVICE -> {
                JsonNode r = Http.req("POST", base + "/backup/v1/repos").json(Map.of("name", "r-" + UUID.randomUUID())).sign(o.owner).send().expect(201).json();
                String repo = r.get("id").asText();
                o.params.put("repo", repo);
                JsonNode t = Http.req("POST", base + "/backup/v1/repos/" + repo + "/tokens").json(Map.of("mode", "read-write")).sign(o.owner).send().expect(201).json();
                String secret = Secrets.text("restic token secret", t.get("secret").asText());
                o.params.put("token", t.get("id").asText());
                o.basic = "Basic " + Base64.getEncoder().encodeToString((t.get("id").asText() + ":" + secret).getBytes(StandardCharsets.UTF_8));
                Secrets.text("restic Basic credentials", o.basic.substring(6));
                o.params.put("type", "data");
                o.params.put("name", "0".repeat(64));
                o.params.put("sha256", "0".repeat(64));
            }
            case MANAGED_KEYS -> {
                o.account = Passkeys.signUp(base, "prf");
                o.session = o.account.token();
                o.params.put("credentialId", o.account.credentialId());
                o.params.put("lookup", Base64Url43.random());
            }
            case AFFILIATE_BILLING -> {
                JsonNode a = Http.req("POST", base + "/billing/v1/apps").header("Idempotency-Key", UUID.randomUUID().toString())
                        .json(Map.of("name", "Notes", "contact", "dev@example.org")).sign(o.owner).send().expect(201).json();
                o.params.put("app", a.get("id").asText());
                JsonNode s = Http.req("POST", base + "/billing/v1/subscription").header("Idempotency-Key", UUID.randomUUID().toString())
                        .json(Map.of("plan", "personal")).sign(o.owner).send().expect(201).json();
                o.params.put("invoice", s.get("invoice").get("id").asText());
                o.params.put("month", java.time.YearMonth.now().toString());
            }
        }
        return o;
    }

    /** 32 random bytes, unpadded base64url (a recovery lookup value). */
    static final class Base64Url43 {
        static String random() {
            return peers.common.identity.Base64Url.encode(Passkeys.random(32));
        }
    }
}
