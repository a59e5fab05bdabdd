package peers.auth.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.restassured.RestAssured;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import peers.auth.testsupport.Passkey;
import peers.testing.infra.PeersInfra;
import peers.testing.process.ServiceProcess;
import peers.testing.peers.TestPeer;

/**
 * The packaged service, as replicas and across a SIGKILL: a ceremony started on one replica finishes
 * on another (challenges live in PostgreSQL), and an acknowledged sign-up, wrap and session survive a
 * kill and restart.
 */
class RestartIT {

    ServiceProcess a;
    ServiceProcess b;

    @AfterEach
    void stop() throws InterruptedException {
        for (ServiceProcess s : new ServiceProcess[] {a, b}) {
            if (s != null) {
                s.kill();
            }
        }
        RestAssured.reset();
    }

    static ServiceProcess start() throws Exception {
        Map<String, String> config = new HashMap<>(PeersInfra.get().quarkusConfig());
        config.put("peers.auth.rp-id", "peers.test");
        config.put("peers.auth.origins", "https://app.peers.test");
        return new ServiceProcess(Path.of("target/quarkus-app/quarkus-run.jar"), config).start(Duration.ofSeconds(90));
    }

    static void use(ServiceProcess s) {
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = s.httpPort();
    }

    @Test
    void ceremoniesFinishOnAnyReplicaAndAcknowledgedWritesSurviveAKill() throws Exception {
        a = start();
        b = start();
        Passkey passkey = new Passkey(Passkey.Engine.SOFT_EDDSA_NONE);
        TestPeer identity = TestPeer.create();
        use(a);
        Auth.Options o = Auth.registrationOptions("restart-app");
        Map<String, Object> credential = passkey.create(o.publicKey());
        use(b);
        var s = Auth.register(Auth.signUpBody(o, credential, identity, "prf")).statusCode(201).extract().jsonPath();
        String accountId = s.getString("accountId");
        String token = s.getString("session.token");
        byte[] prfKey = Passkey.random(32);
        AccountsTest.putWrap(token, s.getString("credentialId"), Auth.wrap(identity, prfKey, s.getString("prfSaltId"))).statusCode(200);
        use(a);
        Auth.Options l = Auth.loginOptions(accountId);
        Map<String, Object> assertion = passkey.get(l.publicKey());
        use(b);
        Auth.login(l, assertion, false).statusCode(200);
        // The challenge is spent for every replica.
        use(a);
        Auth.problem(Auth.login(l, assertion, false), 409, "ceremony-used");

        a.kill();
        b.kill();
        a = start();
        use(a);
        given().header("Authorization", "Bearer " + token).get(Auth.BASE + "/account").then().statusCode(200)
                .body("id", equalTo(accountId)).body("appId", equalTo("restart-app")).body("credentials[0].wrapped", equalTo(true));
        Auth.Options again = Auth.loginOptions(accountId);
        Map<String, Object> wrap = Auth.login(again, passkey.get(again.publicKey()), false).statusCode(200).extract().jsonPath().getMap("wrap");
        assertArrayEquals(identity.privateKey().getEncoded(), Auth.unwrap(wrap, prfKey));
    }
}
