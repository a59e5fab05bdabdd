package peers.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import peers.common.identity.Base64Url;
import peers.registry.identities.IdentityLookup;
import peers.registry.log.SignedTreeHead;

/** Maps proven identities to API views. The identity view is read from the proven entry itself. */
final class Views {

    private Views() {
    }

    static Dtos.IdentityResponse response(IdentityLookup.Proven p, String origin, String logKey) {
        return new Dtos.IdentityResponse(identity(p), proof(p, origin, logKey));
    }

    static Dtos.IdentityView identity(IdentityLookup.Proven p) {
        JsonNode e = p.state();
        List<Dtos.DeviceView> devices = new ArrayList<>();
        for (JsonNode d : e.path("devices")) {
            devices.add(new Dtos.DeviceView(d.path("key").asText(), d.path("expires").asLong(), d.path("certificate").asText()));
        }
        return new Dtos.IdentityView(e.path("identity").asText(), e.path("identityKey").asText(), text(e, "handle"), text(e, "encryptionKey"),
                e.path("discoverability").asText(), e.path("status").asText(), devices, p.createdAt(),
                java.time.Instant.parse(e.path("time").asText()));
    }

    static Dtos.ProofView proof(IdentityLookup.Proven p, String origin, String logKey) {
        return new Dtos.ProofView(p.leafIndex(), p.entry(), Base64Url.encode(p.salt()), encode(p.inclusion()),
                head(p.head(), origin, logKey));
    }

    static Dtos.TreeHeadView head(SignedTreeHead h, String origin, String logKey) {
        return new Dtos.TreeHeadView(origin, h.treeSize(), Base64Url.encode(h.rootHash()), h.signedAtMillis(), Base64Url.encode(h.signature()), logKey);
    }

    static List<String> encode(List<byte[]> hashes) {
        return hashes.stream().map(Base64Url::encode).toList();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
