package peers.billing.api;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import peers.billing.apps.AppService;
import peers.billing.idempotency.Idempotency;
import peers.billing.reports.Reports;
import peers.common.limits.RateLimiter;
import peers.common.problems.Problem;
import peers.common.problems.ProblemException;
import peers.common.signatures.Caller;
import peers.common.signatures.Signed;

/** App developers: register apps, read their reports and monthly statements. Every operation is signed by the developer's key. */
@Path("/billing/v1/apps")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "apps")
@Signed
public class AppsResource {

    private static final CsvMapper CSV = new CsvMapper();
    private static final CsvSchema STATEMENT = CSV.schemaFor(Reports.StatementLine.class).withHeader()
            .sortedBy("kind", "invoiceNumber", "invoiceId", "at", "peer", "plan", "currency", "amountMinor", "shareBps", "shareMinor");

    static {
        CSV.findAndRegisterModules();
        CSV.enable(com.fasterxml.jackson.dataformat.csv.CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING);
        CSV.disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    private final AppService apps;
    private final Reports reports;
    private final Idempotency idempotency;
    private final RateLimiter limiter;
    private final Caller caller;
    private final Pool pool;

    public AppsResource(AppService apps, Reports reports, Idempotency idempotency, RateLimiter limiter, Caller caller, Pool pool) {
        this.apps = apps;
        this.reports = reports;
        this.idempotency = idempotency;
        this.limiter = limiter;
        this.caller = caller;
        this.pool = pool;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register an app", description = "The signing key becomes the app's owner; the answer carries the app id to send as Peers-App and to attribute users with." + ApiResponses.REPLAYED)
    @APIResponse(responseCode = "201", description = "Registered", content = @Content(schema = @Schema(implementation = Dtos.AppOut.class)))
    @APIResponse(responseCode = "400", description = ApiResponses.BAD, content = @Content(mediaType = ApiResponses.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "413", description = ApiResponses.TOO_LARGE, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "415", description = ApiResponses.MEDIA, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = ApiResponses.INVALID + " (name, contact, payoutRef; app-limit)", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> register(@HeaderParam(Idempotency.HEADER) String key, @NotNull Dtos.AppIn body) {
        limiter.check("billing.write", caller.key().toString());
        return idempotency.run(caller.key().toString(), key, "POST", "/billing/v1/apps", body,
                conn -> apps.register(conn, caller.key(), body.name(), body.contact(), body.payoutRef()).map(a -> new Idempotency.Outcome(201, Dtos.AppOut.of(a))));
    }

    @GET
    @Operation(summary = "List the caller's apps")
    @APIResponse(responseCode = "200", description = "The apps", content = @Content(schema = @Schema(implementation = Dtos.AppList.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.AppList> mine() {
        limiter.check("billing.read", caller.key().toString());
        return apps.mine(caller.key()).map(l -> new Dtos.AppList(l.stream().map(Dtos.AppOut::of).toList()));
    }

    @GET
    @Path("/{app}")
    @Operation(summary = "Get one of the caller's apps")
    @APIResponse(responseCode = "200", description = "The app", content = @Content(schema = @Schema(implementation = Dtos.AppOut.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.NOT_OWNER, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN_APP, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "The app id is malformed", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Dtos.AppOut> get(@PathParam("app") String app) {
        limiter.check("billing.read", caller.key().toString());
        return apps.owned(pool, caller.key(), app).map(Dtos.AppOut::of);
    }

    @GET
    @Path("/{app}/report")
    @Operation(summary = "The app's report", description = "Sign-ups attributed, active subscriptions and monthly recurring revenue of attributed users, "
            + "and the app's share earned, reversed (refunds, chargebacks) and payable per month and currency, from the ledger.")
    @APIResponse(responseCode = "200", description = "The report", content = @Content(schema = @Schema(implementation = Reports.Summary.class)))
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.NOT_OWNER, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN_APP, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "The app id is malformed", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Reports.Summary> report(@PathParam("app") String app) {
        limiter.check("billing.read", caller.key().toString());
        return apps.owned(pool, caller.key(), app).chain(reports::summary);
    }

    @GET
    @Path("/{app}/statements/{month}")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    @Operation(summary = "The app's monthly statement", description = "One line per invoice paid in the month (UTC) by a user attributed to the app, "
            + "and one per refund or chargeback posted in it, with the app's share of each; totals per currency. JSON, or CSV with Accept: text/csv or ?format=csv.")
    @APIResponse(responseCode = "200", description = "The statement", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Reports.Statement.class)),
            @Content(mediaType = "text/csv", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING))})
    @APIResponse(responseCode = "401", description = ApiResponses.UNSIGNED, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "403", description = ApiResponses.NOT_OWNER, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "404", description = ApiResponses.UNKNOWN_APP, content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "422", description = "The app id or month (YYYY-MM) or format (json, csv) is malformed", content = @Content(mediaType = ApiResponses.PROBLEM))
    @APIResponse(responseCode = "429", description = ApiResponses.LIMITED, content = @Content(mediaType = ApiResponses.PROBLEM))
    public Uni<Response> statement(@PathParam("app") String app, @PathParam("month") String month, @QueryParam("format") String format, HttpHeaders headers) {
        limiter.check("billing.read", caller.key().toString());
        YearMonth m = month(month);
        boolean csv = "csv".equals(format)
                || format == null && headers.getAcceptableMediaTypes().stream().anyMatch(t -> "text".equals(t.getType()) && "csv".equals(t.getSubtype()));
        if (format != null && !"csv".equals(format) && !"json".equals(format)) {
            throw ProblemException.invalid("format", "format is 'json' or 'csv'");
        }
        return apps.owned(pool, caller.key(), app).chain(a -> reports.statement(a, m)).map(s -> {
            if (!csv) {
                return Response.ok(s, MediaType.APPLICATION_JSON).build();
            }
            try {
                String body = CSV.writer(STATEMENT).writeValueAsString(s.lines());
                return Response.ok(body, "text/csv; charset=utf-8")
                        .header("Content-Disposition", "attachment; filename=\"statement-" + app + "-" + m + ".csv\"").build();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static YearMonth month(String text) {
        try {
            if (text == null || !text.matches("\\d{4}-\\d{2}")) {
                throw new DateTimeParseException("", "", 0);
            }
            return YearMonth.parse(text);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("month", "month is YYYY-MM, e.g. 2026-01");
        }
    }
}
