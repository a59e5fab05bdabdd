package peers.registry.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.common.limits.RateLimiter;
import peers.common.problems.ProblemException;
import peers.common.problems.ProblemType;
import peers.registry.RegistryConfig;
import peers.registry.identities.IdentityLookup;
import peers.registry.log.LogSigner;

/** WebFinger (RFC 7033) for acct: handles, and this host's Peers discovery document. */
@Path("/.well-known")
@Tag(name = "well-known")
public class WellKnownResource {

    static final String JRD = "application/jrd+json";
    static final String REL_IDENTITY = "https://peers.dev/rel/identity";

    private final IdentityLookup lookup;
    private final RegistryConfig config;
    private final LogSigner signer;
    private final RateLimiter limiter;

    public WellKnownResource(IdentityLookup lookup, RegistryConfig config, LogSigner signer, RateLimiter limiter) {
        this.lookup = lookup;
        this.config = config;
        this.signer = signer;
        this.limiter = limiter;
    }

    @GET
    @Path("/webfinger")
    @Produces({JRD, MediaType.APPLICATION_JSON})
    @Operation(summary = "WebFinger for acct:handle@host", description = "Finds public and unlisted identities by handle. CORS-enabled for any origin.")
    @APIResponse(responseCode = "200", description = "JRD with the identity key and a link to the proven lookup")
    @APIResponse(responseCode = "400", description = "resource missing or not an acct: URI", content = @org.eclipse.microprofile.openapi.annotations.media.Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = "No findable identity for this resource, or a domain this registry does not serve", content = @org.eclipse.microprofile.openapi.annotations.media.Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @org.eclipse.microprofile.openapi.annotations.media.Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> webfinger(@QueryParam("resource") String resource, HttpServerRequest http) {
        limiter.checkClient("registry.lookup", http);
        if (resource == null || resource.length() > 300 || !resource.regionMatches(true, 0, "acct:", 0, 5) || resource.indexOf('@') < 0) {
            throw cors(new ProblemException(ProblemType.MALFORMED_REQUEST, "resource must be acct:<handle>@<host>, e.g. acct:alice@" + host(http)));
        }
        String acct = resource.substring(5);
        int at = acct.lastIndexOf('@');
        String handle = acct.substring(0, at);
        String domain = acct.substring(at + 1).toLowerCase(Locale.ROOT);
        List<String> domains = config.domains().orElse(List.of(host(http)));
        if (!domains.contains(domain)) {
            throw cors(ProblemException.notFound("this registry answers for " + String.join(", ", domains) + ", not " + domain));
        }
        return lookup.byHandle(handle).onFailure(ProblemException.class).transform(e -> cors((ProblemException) e)).map(proven -> {
            var p = proven.state();
            String base = http.scheme() + "://" + http.authority();
            Map<String, Object> jrd = new LinkedHashMap<>();
            jrd.put("subject", "acct:" + p.path("handle").asText() + "@" + domain);
            jrd.put("aliases", List.of(base + "/registry/v1/identities/" + p.path("identityKey").asText()));
            jrd.put("properties", Map.of("https://peers.dev/ns/identity-key", p.path("identityKey").asText()));
            jrd.put("links", List.of(Map.of("rel", REL_IDENTITY, "type", MediaType.APPLICATION_JSON,
                    "href", base + "/registry/v1/handles/" + p.path("handle").asText())));
            return Response.ok(jrd, JRD).header("Access-Control-Allow-Origin", "*").build();
        });
    }

    @OPTIONS
    @Path("/webfinger")
    @Operation(summary = "CORS preflight for WebFinger")
    @APIResponse(responseCode = "204", description = "CORS allowed from any origin")
    public Response webfingerPreflight() {
        return Response.noContent().header("Access-Control-Allow-Origin", "*").header("Access-Control-Allow-Methods", "GET, OPTIONS")
                .header("Access-Control-Allow-Headers", "Accept").header("Access-Control-Max-Age", "86400").build();
    }

    @GET
    @Path("/peers-services")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Discovery document: which Peers services this host offers, their base URLs, versions and limits")
    @APIResponse(responseCode = "200", description = "The document")
    public Uni<Map<String, Object>> discovery() {
        return signer.keys().map(k -> {
            Map<String, Object> services = new LinkedHashMap<>();
            config.discovery().services().forEach((name, base) -> services.put(name, Map.of("baseUrl", base, "version", "v1")));
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("version", config.discovery().version());
            doc.put("services", services);
            doc.put("registry", Map.of("logOrigin", signer.origin(), "logKey", k.publicKey().toString(),
                    "maxDevices", config.maxDevices(), "handleLength", Map.of("min", 3, "max", 32)));
            return doc;
        });
    }

    private static String host(HttpServerRequest http) {
        return http.authority() == null ? "localhost" : http.authority().host().toLowerCase(Locale.ROOT);
    }

    private static ProblemException cors(ProblemException e) {
        return e.withHeader("Access-Control-Allow-Origin", "*");
    }
}
