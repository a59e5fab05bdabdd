package peers.security;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import peers.common.identity.Base64Url;
import peers.security.Stack.Svc;
import peers.testing.peers.TestPeer;

/**
 * The cast of the access-control matrix in one service, made through the public APIs: the owner of a resource,
 * another key (with resources of its own), a removed member (or former key, revoked token, removed passkey's
 * session), a read-only member (or append-only token), and an expired session.
 */
final class Worlds {

    private Worlds() {
    }

    static final class World {
        final Svc svc;
        final String base;
        final TestPeer owner = peer();
        final TestPeer stranger = peer();
        TestPeer removed;
        TestPeer readOnly;
        String ownerSession;
        String strangerSession;
        String removedSession;
        String expiredSession;
        String ownerBasic;
        String strangerBasic;
        String revokedBasic;
        String appendOnlyBasic;
        Passkeys.Account account;
        Passkeys.Account strangerAccount;
        /** Who is about to send the request being built: a real attacker builds a body valid for itself. */
        TestPeer caller;
        Passkeys.Account callerAccount;
        final Map<String, String> ids = new LinkedHashMap<>();

        World(Svc svc, String base) {
            this.svc = svc;
            this.base = base;
        }

        String id(String name) {
            String v = ids.get(name);
            if (v == null) {
                throw new IllegalStateException("no " + name + " in the " + svc + " world");
            }
            return v;
        }
    }

    static TestPeer peer() {
        TestPeer p = TestPeer.create();
        Secrets.privateKey("peer private key", p.privateKey());
        return p;
    }

    static World create(Stack stack, Svc svc, Db db) {
        World w = new World(svc, stack.baseUrl(svc));
        switch (svc) {
            case KEY_REGISTRY -> registry(w);
            case SIGNALING -> {
            }
            case SYNC_BUFFER -> sync(w);
            case BACKUP_SERVICE -> backup(w);
            case MANAGED_KEYS -> auth(w, db);
            case AFFILIATE_BILLING -> billing(w);
        }
        return w;
    }

    private static void registry(World w) {
        // The owner's identity was first registered under another key and rotated: that key is the "removed" one.
        w.removed = peer();
        register(w, w.removed);
        Http.req("POST", w.base + "/registry/v1/identities/" + w.removed.id() + "/rotation").json(rotation(w.removed, w.owner))
                .sign(w.removed).send().expect(200);
        register(w, w.stranger);
        w.ids.put("key", w.owner.id());
        TestPeer device = peer();
        Http.req("POST", w.base + "/registry/v1/identities/" + w.owner.id() + "/devices").json(device(w.owner, device)).sign(w.owner).send().expect(201);
        w.ids.put("device", device.id());
    }

    static void register(World w, TestPeer p) {
        Http.req("POST", w.base + "/registry/v1/identities").json(Map.of("handle", Fixtures.registryHandle())).sign(p).send().expect(201);
    }

    static Map<String, Object> rotation(TestPeer from, TestPeer to) {
        return Map.of("newKey", to.id(), "proof", to.signText("peers-registry-rotate/v1\n" + from.id() + "\n" + to.id()));
    }

    static Map<String, Object> device(TestPeer identity, TestPeer device) {
        long expires = Instant.now().plusSeconds(86_400 * 30).getEpochSecond();
        return Map.of("key", device.id(), "expires", expires,
                "certificate", identity.signText("peers-registry-device/v1\n" + identity.id() + "\n" + device.id() + "\n" + expires));
    }

    private static void sync(World w) {
        String stream = Http.req("POST", w.base + "/sync/v1/streams").json(Map.of()).sign(w.owner).send().expect(201).json().get("id").asText();
        w.ids.put("stream", stream);
        w.readOnly = peer();
        w.removed = peer();
        TestPeer writer = peer();
        member(w, stream, w.readOnly, "read");
        member(w, stream, writer, "write");
        member(w, stream, w.removed, "write");
        Http.req("DELETE", w.base + "/sync/v1/streams/" + stream + "/members/" + w.removed.id()).sign(w.owner).send().expect(204);
        w.ids.put("writer", writer.id());
        // the stranger has a stream of its own
        Http.req("POST", w.base + "/sync/v1/streams").json(Map.of()).sign(w.stranger).send().expect(201);
    }

    private static void member(World w, String stream, TestPeer p, String role) {
        Http.req("PUT", w.base + "/sync/v1/streams/" + stream + "/members/" + p.id()).json(Map.of("role", role)).sign(w.owner).send().expect(200);
    }

    private static void backup(World w) {
        String repo = repo(w, w.owner);
        w.ids.put("repo", repo);
        w.ownerBasic = token(w, w.owner, repo, "read-write")[0];
        w.appendOnlyBasic = token(w, w.owner, repo, "append-only")[0];
        String[] revoked = token(w, w.owner, repo, "read-write");
        Http.req("DELETE", w.base + "/backup/v1/repos/" + repo + "/tokens/" + revoked[1]).sign(w.owner).send().expect(204);
        w.revokedBasic = revoked[0];
        String[] spare = token(w, w.owner, repo, "read-write");
        w.ids.put("token", spare[1]);
        String strangerRepo = repo(w, w.stranger);
        w.strangerBasic = token(w, w.stranger, strangerRepo, "read-write")[0];
        // a restic repository with one key file, to list, read and delete
        Http.req("POST", w.base + "/backup/restic/" + repo + "/?create=true").header("Authorization", w.ownerBasic).send().expect(200);
        byte[] blob = Passkeys.random(100);
        String name = sha256Hex(blob);
        Http.req("POST", w.base + "/backup/restic/" + repo + "/keys/" + name).header("Authorization", w.ownerBasic)
                .bytes("application/octet-stream", blob).send().expect(200);
        w.ids.put("file", name);
        byte[] other = Passkeys.random(100);
        w.ids.put("newfile", sha256Hex(other));
        w.ids.put("newfile.bytes", Base64Url.encode(other));
        JsonNode snap = Http.req("POST", w.base + "/backup/v1/repos/" + repo + "/snapshots").json(Map.of("name", "s1", "objects", java.util.List.of()))
                .sign(w.owner).send().json();
        if (snap.has("id")) {
            w.ids.put("snapshot", snap.get("id").asText());
        }
    }

    static String repo(World w, TestPeer p) {
        return Http.req("POST", w.base + "/backup/v1/repos").json(Map.of("name", "r-" + UUID.randomUUID())).sign(p).send().expect(201).json().get("id").asText();
    }

    /** Returns {Basic credentials, token id}. */
    static String[] token(World w, TestPeer p, String repo, String mode) {
        JsonNode t = Http.req("POST", w.base + "/backup/v1/repos/" + repo + "/tokens").json(Map.of("mode", mode)).sign(p).send().expect(201).json();
        String secret = Secrets.text("restic token secret", t.get("secret").asText());
        String basic = Base64.getEncoder().encodeToString((t.get("id").asText() + ":" + secret).getBytes(StandardCharsets.UTF_8));
        Secrets.text("restic Basic credentials", basic);
        return new String[] {"Basic " + basic, t.get("id").asText()};
    }

    private static void auth(World w, Db db) {
        w.account = Passkeys.signUp(w.base, "prf");
        w.ownerSession = w.account.token();
        w.ids.put("credentialId", w.account.credentialId());
        // the first passkey's wrap: so that other passkeys may be removed (never the last way to unlock)
        Http.req("PUT", w.base + "/auth/v1/account/credentials/" + w.account.credentialId() + "/wrap")
                .json(wrap(w.account, w.account.prfSaltId())).bearer(w.ownerSession).send().expect(200);
        w.strangerAccount = Passkeys.signUp(w.base, "prf");
        w.strangerSession = w.strangerAccount.token();
        // a second passkey, logged in with, then removed: its session is the "removed" one
        Passkeys second = new Passkeys();
        String secondId = addPasskey(w, second);
        w.removedSession = Passkeys.login(w.base, new Passkeys.Account(w.account.identity(), second, w.account.accountId(), secondId, null, null));
        Http.req("DELETE", w.base + "/auth/v1/account/credentials/" + secondId).bearer(w.ownerSession).send().expect(204);
        // a third passkey, for the row that removes one
        w.ids.put("spareCredentialId", addPasskey(w, new Passkeys()));
        w.expiredSession = Passkeys.login(w.base, w.account);
        long expired = db.update("UPDATE auth.sessions SET expires_at = now() - interval '1 minute' WHERE token_hash = '" + sessionHash(w.expiredSession) + "'");
        if (expired != 1) {
            throw new IllegalStateException("could not expire the session");
        }
        w.removed = null;
    }

    static String addPasskey(World w, Passkeys passkey) {
        JsonNode o = Http.req("POST", w.base + "/auth/v1/account/credentials/options").bearer(w.ownerSession).send().expect(200).json();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ceremonyId", o.get("ceremonyId").asText());
        body.put("credential", passkey.create(o.get("publicKey")));
        return Http.req("POST", w.base + "/auth/v1/account/credentials").json(body).bearer(w.ownerSession).send().expect(201).json().get("credentialId").asText();
    }

    /** The identity key wrapped as a client does, under a PRF output (a secret the server must never see). */
    static Map<String, Object> wrap(Passkeys.Account a, String saltId) {
        byte[] prf = Secrets.bytes("PRF output", Passkeys.random(32));
        byte[] nonce = Passkeys.random(12);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("algorithm", "A256GCM/HKDF-SHA256");
        m.put("ciphertext", Base64Url.encode(seal(prf, nonce, a.identity().privateKey().getEncoded())));
        m.put("nonce", Base64Url.encode(nonce));
        m.put("saltId", saltId);
        m.put("identityKey", a.identity().id());
        return m;
    }

    /** A recovery wrap: the recovery code and the lookup derived from it are secrets. */
    static Map<String, Object> recovery(Passkeys.Account a) {
        String code = Secrets.text("recovery code", HexFormat.of().formatHex(Passkeys.random(20)));
        byte[] lookup = Secrets.bytes("recovery lookup", sha256(("lookup\n" + code).getBytes(StandardCharsets.UTF_8)));
        byte[] kek = Secrets.bytes("recovery wrapping key", sha256(("wrap\n" + code).getBytes(StandardCharsets.UTF_8)));
        byte[] nonce = Passkeys.random(12);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lookup", Base64Url.encode(lookup));
        m.put("algorithm", "A256GCM/SHA256");
        m.put("ciphertext", Base64Url.encode(seal(kek, nonce, a.identity().privateKey().getEncoded())));
        m.put("nonce", Base64Url.encode(nonce));
        m.put("kdfSalt", Base64Url.encode(Passkeys.random(16)));
        m.put("identityKey", a.identity().id());
        return m;
    }

    private static void billing(World w) {
        w.ids.put("app", Http.req("POST", w.base + "/billing/v1/apps").header("Idempotency-Key", UUID.randomUUID().toString())
                .json(Map.of("name", "Notes", "contact", "dev@example.org")).sign(w.owner).send().expect(201).json().get("id").asText());
        w.ids.put("invoice", Http.req("POST", w.base + "/billing/v1/subscription").header("Idempotency-Key", UUID.randomUUID().toString())
                .json(Map.of("plan", "personal")).sign(w.owner).send().expect(201).json().get("invoice").get("id").asText());
        w.ids.put("month", java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString());
        Http.req("POST", w.base + "/billing/v1/apps").header("Idempotency-Key", UUID.randomUUID().toString())
                .json(Map.of("name", "Other", "contact", "other@example.org")).sign(w.stranger).send().expect(201);
    }

    static String sessionHash(String token) {
        return Base64Url.encode(sha256(token.getBytes(StandardCharsets.US_ASCII)));
    }

    static String sha256Hex(byte[] b) {
        return HexFormat.of().formatHex(sha256(b));
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            return c.doFinal(plaintext);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
