package peers.billing.api;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.billing.payments.StripeWebhooks;
import peers.common.limits.RateLimiter;

/** Stripe's webhook endpoint: authenticated by Stripe-Signature, idempotent by event id (no Idempotency-Key: Stripe does not send one). */
@Path("/billing/v1/webhooks/stripe")
@Tag(name = "webhooks")
public class WebhooksResource {

    private final StripeWebhooks webhooks;
    private final RateLimiter limiter;

    public WebhooksResource(StripeWebhooks webhooks, RateLimiter limiter) {
        this.webhooks = webhooks;
        this.limiter = limiter;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Receive a Stripe event", description = "Verified with the endpoint's signing secret: HMAC-SHA256 over '<t>.<payload>', "
            + "at most peers.billing.stripe.webhook-tolerance (300 s) old. Each event id applies once; a redelivery answers 200 with duplicate: true.")
    @APIResponse(responseCode = "200", description = "Applied (or already applied)", content = @Content(schema = @Schema(implementation = Dtos.WebhookOut.class)))
    @APIResponse(responseCode = "400", description = "webhook-signature-invalid: missing, forged or stale Stripe-Signature; or not a Stripe event", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "409", description = "invoice-state: the event contradicts the invoice's state", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "The event's amount or currency does not match the invoice", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.WebhookOut> receive(@HeaderParam("Stripe-Signature") String signature, byte[] body, HttpServerRequest request) {
        limiter.checkClient("billing.webhook", request);
        String payload = new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8);
        return webhooks.handle(payload, signature).map(r -> new Dtos.WebhookOut(r.id(), r.type(), r.duplicate()));
    }
}
