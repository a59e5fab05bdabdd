package peers.billing.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.billing.plans.PlanCatalog;

/** The public plan catalog. */
@Path("/billing/v1/plans")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "plans")
public class PlansResource {

    private final PlanCatalog plans;

    public PlansResource(PlanCatalog plans) {
        this.plans = plans;
    }

    @GET
    @Operation(summary = "The plan catalog", description = "Every plan with its price per period (minor units and currency) and entitlements, cheapest first. Public.")
    @APIResponse(responseCode = "200", description = "The plans", content = @Content(schema = @Schema(implementation = Dtos.PlanList.class)))
    public Dtos.PlanList list() {
        return new Dtos.PlanList(plans.all().stream().map(Dtos.PlanOut::of).toList());
    }
}
