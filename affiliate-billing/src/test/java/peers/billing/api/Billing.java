package peers.billing.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import peers.testing.infra.PeersInfra;
import peers.testing.infra.TestPostgres;
import peers.testing.peers.TestPeer;

/** Calls of the billing API as well-behaved clients make them, and direct looks at the database for assertions. */
public final class Billing {

    public static final String BASE = "/billing/v1";

    /**
     * The operator: RFC 9421's ed25519 test key (appendix B.1.4), listed in %test.peers.billing.operator-keys.
     */
    public static final TestPeer OPERATOR = operator();

    private Billing() {
    }

    private static TestPeer operator() {
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            KeyPair pair = new KeyPair(
                    kf.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode("MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs="))),
                    kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode("MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF"))));
            return TestPeer.of(pair);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ValidatableResponse post(TestPeer who, String path, Object body) {
        return post(who, path, body, UUID.randomUUID().toString());
    }

    public static ValidatableResponse post(TestPeer who, String path, Object body, String idempotencyKey) {
        var req = given().filter(who.signed()).header("Idempotency-Key", idempotencyKey);
        if (body != null) {
            req = req.contentType(ContentType.JSON).body(body);
        }
        return req.post(BASE + path).then();
    }

    public static ValidatableResponse get(TestPeer who, String path) {
        return given().filter(who.signed()).get(BASE + path).then();
    }

    public static ValidatableResponse problem(ValidatableResponse r, int status, String type) {
        return r.statusCode(status).contentType(startsWith("application/problem+json")).body("type", equalTo("urn:peers:problem:" + type));
    }

    public static String registerApp(TestPeer developer) {
        return post(developer, "/apps", Map.of("name", "Notes", "contact", "dev@example.org")).statusCode(201).extract().jsonPath().getString("id");
    }

    /** Subscribes and returns the first invoice's id. */
    public static String subscribe(TestPeer peer, String plan) {
        return post(peer, "/subscription", Map.of("plan", plan)).statusCode(201).extract().jsonPath().getString("invoice.id");
    }

    public static ValidatableResponse pay(String invoiceId, long amount, String currency) {
        return post(OPERATOR, "/operator/invoices/" + invoiceId + "/payments", Map.of("amountMinor", amount, "currency", currency));
    }

    public static Connection db() throws Exception {
        var pg = PeersInfra.get().postgres();
        return DriverManager.getConnection(pg.jdbcUrl(TestPostgres.DEFAULT_DATABASE), pg.user(), pg.password());
    }

    public static long scalar(String sql) {
        try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fingerprint of the whole ledger: count of transactions, count of entries, and a checksum of amounts. */
    public static String ledgerState() {
        return scalar("SELECT count(*) FROM billing.ledger_transactions") + "/" + scalar("SELECT count(*) FROM billing.ledger_entries") + "/"
                + scalar("SELECT coalesce(sum(abs(amount_minor)), 0) FROM billing.ledger_entries");
    }
}
