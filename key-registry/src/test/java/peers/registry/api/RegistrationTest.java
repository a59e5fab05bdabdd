package peers.registry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import peers.testing.infra.PeersInfraResource;
import peers.testing.peers.TestPeer;

@QuarkusTest
@WithTestResource(value = PeersInfraResource.class, scope = TestResourceScope.GLOBAL)
class RegistrationTest {

    @Test
    void registersAndFindsByHandleAndKeyWithVerifiableProofs() throws Exception {
        TestPeer alice = TestPeer.create();
        String handle = Registrations.uniqueHandle();
        JsonPath created = Registrations.registerJson(alice, "{\"handle\":\"" + handle.toUpperCase() + "\",\"encryptionKey\":\"" + TestPeer.create().id() + "\"}")
                .statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/registry/v1/identities/" + alice.id()))
                .body("identity.handle", equalTo(handle))
                .body("identity.identityKey", equalTo(alice.id()))
                .body("identity.id", equalTo(alice.id()))
                .body("identity.status", equalTo("active"))
                .body("identity.discoverability", equalTo("public"))
                .extract().jsonPath();
        ProofChecker.verify(created, null);
        String logKey = created.getString("proof.treeHead.logKey");

        JsonPath byHandle = given().get("/registry/v1/handles/" + handle).then().statusCode(200)
                .body("identity.identityKey", equalTo(alice.id())).extract().jsonPath();
        ProofChecker.verify(byHandle, logKey);

        JsonPath byKey = given().get("/registry/v1/identities/" + alice.id()).then().statusCode(200)
                .body("identity.handle", equalTo(handle)).extract().jsonPath();
        ProofChecker.verify(byKey, logKey);

        given().get("/.well-known/peers-services").then().statusCode(200).body("registry.logKey", equalTo(logKey))
                .body("services.registry.baseUrl", equalTo("/registry/v1"));
    }

    @Test
    void bodiesUpToTheLimitArriveWhole() throws Exception {
        // 15 KiB of valid JSON (whitespace padding): above Quarkus REST's default 10 KiB input buffer, under the 16 KiB bound.
        String handle = Registrations.uniqueHandle();
        String body = "{\"handle\":\"" + handle + "\"" + " ".repeat(15 * 1024) + "}";
        JsonPath created = Registrations.registerJson(TestPeer.create(), body).statusCode(201).extract().jsonPath();
        ProofChecker.verify(created, null);
    }

    @Test
    void devicesAreCertifiedByTheIdentityKey() throws Exception {
        TestPeer bob = TestPeer.create();
        TestPeer phone = TestPeer.create();
        long expires = Registrations.inDays(30);
        String handle = Registrations.uniqueHandle();
        JsonPath body = Registrations.registerJson(bob, "{\"handle\":\"" + handle + "\",\"devices\":[" + Registrations.deviceJson(bob, phone, expires) + "]}")
                .statusCode(201)
                .body("identity.devices", hasSize(1))
                .body("identity.devices[0].key", equalTo(phone.id()))
                .extract().jsonPath();
        assertEquals(expires, body.getLong("identity.devices[0].expires"));
        ProofChecker.verify(body, null);

        TestPeer laptop = TestPeer.create();
        given().filter(bob.signed()).contentType(ContentType.JSON).body(Registrations.deviceJson(bob, laptop, expires))
                .post("/registry/v1/identities/" + bob.id() + "/devices").then().statusCode(201).body("identity.devices", hasSize(2));
        given().filter(bob.signed()).delete("/registry/v1/identities/" + bob.id() + "/devices/" + phone.id())
                .then().statusCode(200).body("identity.devices", hasSize(1)).body("identity.devices[0].key", equalTo(laptop.id()));
        // A certificate signed by someone else is refused.
        TestPeer mallory = TestPeer.create();
        given().filter(bob.signed()).contentType(ContentType.JSON).body(Registrations.deviceJson(mallory, TestPeer.create(), expires))
                .post("/registry/v1/identities/" + bob.id() + "/devices").then().statusCode(422)
                .contentType("application/problem+json").body("type", equalTo("urn:peers:problem:certificate-invalid"));
    }

    @Test
    void rotationMovesTheIdentityToTheNewKey() throws Exception {
        TestPeer old = TestPeer.create();
        TestPeer fresh = TestPeer.create();
        String handle = Registrations.uniqueHandle();
        Registrations.register(old, handle).statusCode(201);
        String proof = fresh.signText("peers-registry-rotate/v1\n" + old.id() + "\n" + fresh.id());
        JsonPath rotated = given().filter(old.signed()).contentType(ContentType.JSON)
                .body("{\"newKey\":\"" + fresh.id() + "\",\"proof\":\"" + proof + "\"}")
                .post("/registry/v1/identities/" + old.id() + "/rotation").then().statusCode(200)
                .body("identity.identityKey", equalTo(fresh.id()))
                .body("identity.id", equalTo(old.id()))
                .extract().jsonPath();
        ProofChecker.verify(rotated, null);
        // The old key still finds the identity (now under its new key) but can no longer change it.
        given().get("/registry/v1/identities/" + old.id()).then().statusCode(200).body("identity.identityKey", equalTo(fresh.id()));
        given().filter(old.signed()).delete("/registry/v1/identities/" + old.id() + "/handle").then().statusCode(404);
        given().filter(fresh.signed()).contentType(ContentType.JSON).body("{\"discoverability\":\"unlisted\"}")
                .put("/registry/v1/identities/" + fresh.id() + "/discoverability").then().statusCode(200)
                .body("identity.discoverability", equalTo("unlisted"));
    }

    @Test
    void revocationReleasesTheHandleAndIsFinal() throws Exception {
        TestPeer carol = TestPeer.create();
        String handle = Registrations.uniqueHandle();
        Registrations.register(carol, handle).statusCode(201);
        JsonPath revoked = given().filter(carol.signed()).post("/registry/v1/identities/" + carol.id() + "/revocation")
                .then().statusCode(200).body("identity.status", equalTo("revoked")).body("identity.handle", nullValue()).extract().jsonPath();
        ProofChecker.verify(revoked, null);
        given().get("/registry/v1/identities/" + carol.id()).then().statusCode(200).body("identity.status", equalTo("revoked"));
        given().get("/registry/v1/handles/" + handle).then().statusCode(404);
        given().filter(carol.signed()).contentType(ContentType.JSON).body("{\"handle\":\"" + Registrations.uniqueHandle() + "\"}")
                .put("/registry/v1/identities/" + carol.id() + "/handle").then().statusCode(409)
                .body("type", equalTo("urn:peers:problem:identity-revoked"));
        // The released handle can be registered by someone else; the revoked key can never register again.
        Registrations.register(TestPeer.create(), handle).statusCode(201);
        Registrations.register(carol, Registrations.uniqueHandle()).statusCode(409).body("type", equalTo("urn:peers:problem:key-registered"));
    }

    @Test
    void historyListsEveryEntryOfTheOwnerWithProofs() {
        TestPeer dave = TestPeer.create();
        Registrations.register(dave, Registrations.uniqueHandle()).statusCode(201);
        given().filter(dave.signed()).contentType(ContentType.JSON).body("{\"handle\":\"" + Registrations.uniqueHandle() + "\"}")
                .put("/registry/v1/identities/" + dave.id() + "/handle").then().statusCode(200);
        given().filter(dave.signed()).delete("/registry/v1/identities/" + dave.id() + "/handle").then().statusCode(200)
                .body("identity.handle", nullValue());
        given().filter(dave.signed()).get("/registry/v1/identities/" + dave.id() + "/history").then().statusCode(200)
                .body("entries", hasSize(3))
                .body("entries[0].entry", startsWith("{\"v\":1,\"op\":\"register\""))
                .body("entries[2].entry", startsWith("{\"v\":1,\"op\":\"release-handle\""));
        // Someone else cannot read it.
        TestPeer eve = TestPeer.create();
        given().filter(eve.signed()).get("/registry/v1/identities/" + dave.id() + "/history").then().statusCode(403)
                .body("type", equalTo("urn:peers:problem:not-identity-owner"));
    }
}
