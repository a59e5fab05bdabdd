package peers.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import peers.common.identity.Base64Url;
import peers.testing.peers.TestPeer;

/** The client side of the operations the fault and soak tests drive, one method per service operation. */
final class Workload {

    static final SecureRandom RANDOM = new SecureRandom();

    private final Endpoints stack;
    /** affiliate-billing's operator key, when the test configured one (not against a devstack). */
    private final TestPeer operator;

    Workload(Stack stack) {
        this(stack, stack.operator);
    }

    Workload(Endpoints endpoints, TestPeer operator) {
        this.stack = endpoints;
        this.operator = operator;
    }

    static String uniqueHandle() {
        return "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- key-registry -------------------------------------------------------------------------------------

    Api.Res register(TestPeer peer, String handle) {
        return Api.post(stack.url(Stack.REGISTRY) + "/registry/v1/identities", Map.of("handle", handle), peer);
    }

    Api.Res lookup(String handle) {
        return Api.get(stack.url(Stack.REGISTRY) + "/registry/v1/handles/" + handle, null);
    }

    // --- sync-buffer ---------------------------------------------------------------------------------------

    Api.Res createStream(TestPeer owner, String id) {
        return Api.post(stack.url(Stack.SYNC) + "/sync/v1/streams", Map.of("id", id), owner);
    }

    /** Appends records with the given ids and ciphertexts (base64url) in one batch. */
    Api.Res append(TestPeer author, String stream, Map<String, String> records) {
        List<Map<String, String>> list = new ArrayList<>();
        records.forEach((id, ct) -> list.add(Map.of("id", id, "ciphertext", ct)));
        return Api.post(stack.url(Stack.SYNC) + "/sync/v1/streams/" + stream + "/records", Map.of("records", list), author);
    }

    /** Every record of a stream, paging through {@code after}: record id to ciphertext, in seq order. */
    Map<String, String> readAll(TestPeer reader, String stream) {
        Map<String, String> out = new LinkedHashMap<>();
        long after = 0;
        while (true) {
            Api.Res r = Api.get(stack.url(Stack.SYNC) + "/sync/v1/streams/" + stream + "/records?after=" + after + "&limit=500", reader);
            if (r.status() != 200) {
                throw new AssertionError("reading " + stream + ": " + r);
            }
            JsonNode records = r.json().path("records");
            if (records.isEmpty()) {
                return out;
            }
            for (JsonNode rec : records) {
                out.put(rec.path("id").asText(), rec.path("ciphertext").asText());
                after = rec.path("seq").asLong();
            }
        }
    }

    // --- backup-service -----------------------------------------------------------------------------------

    Api.Res createRepo(TestPeer owner, String name) {
        return Api.post(stack.url(Stack.BACKUP) + "/backup/v1/repos", Map.of("name", name), owner);
    }

    /** Begin, PUT to the presigned URL, complete. Returns the first answer that is not a success, or the completion. */
    Api.Res upload(TestPeer owner, String repo, byte[] data) {
        String base = stack.url(Stack.BACKUP) + "/backup/v1/repos/" + repo + "/uploads";
        Api.Res begin = Api.post(base, Map.of("sha256", sha256Hex(data), "size", data.length), owner);
        if (begin.status() != 201) {
            return begin;
        }
        JsonNode b = begin.json();
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(b.path("url").asText())).timeout(Api.TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data));
        b.path("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
        Api.Res stored = Api.exchange(put.build());
        if (!stored.ok()) {
            return stored;
        }
        return Api.post(base + "/" + b.path("id").asText() + "/complete", null, owner);
    }

    Api.Res object(TestPeer owner, String repo, String sha256) {
        return Api.get(stack.url(Stack.BACKUP) + "/backup/v1/repos/" + repo + "/objects/" + sha256, owner);
    }

    // --- affiliate-billing ----------------------------------------------------------------------------------

    Api.Res createApp(TestPeer developer, String name) {
        return Api.postIdempotent(stack.url(Stack.BILLING) + "/billing/v1/apps", Map.of("name", name, "contact", "dev@example.org"), developer);
    }

    /** Subscribes {@code user} to {@code plan}; the answer has {@code subscription} and the first {@code invoice}. */
    Api.Res subscribe(TestPeer user, String plan) {
        return Api.postIdempotent(stack.url(Stack.BILLING) + "/billing/v1/subscription", Map.of("plan", plan, "provider", "manual"), user);
    }

    Api.Res changePlan(TestPeer user, String plan) {
        return Api.postIdempotent(stack.url(Stack.BILLING) + "/billing/v1/subscription/change", Map.of("plan", plan), user);
    }

    /** The operator records the invoice as paid in full. */
    Api.Res pay(JsonNode invoice) {
        return Api.postIdempotent(stack.url(Stack.BILLING) + "/billing/v1/operator/invoices/" + invoice.path("id").asText() + "/payments",
                Map.of("amountMinor", invoice.path("totalMinor").asLong(), "currency", invoice.path("currency").asText()), operator);
    }

    // --- managed-keys ---------------------------------------------------------------------------------------

    Api.Res signUp(TestPeer identity, String appId) {
        return Passkeys.signUp(stack.url(Stack.AUTH), identity, appId);
    }

    static String ciphertext(int bytes) {
        return Base64Url.encode(random(bytes));
    }
}
