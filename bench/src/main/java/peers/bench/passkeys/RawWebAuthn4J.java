package peers.bench.passkeys;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The raw baseline: WebAuthn4J's own assertion parsing and verification
 * ({@code WebAuthnManager.verifyAuthenticationResponseJSON}), called in a loop with the settings
 * managed-keys uses (non-strict manager, stored attested credential data, origin, RP ID, challenge, UV
 * and UP required), minus HTTP and PostgreSQL. WebAuthn4J is loaded from the packaged service's own jars
 * (the bench module does not depend on it), so both sides run the very same library build; the handful
 * of reflective handles are resolved once, outside the loop.
 */
final class RawWebAuthn4J {

    private final Object manager;
    private final Object converter;
    private final Method convert;
    private final Constructor<?> recordCtor;
    private final Object origin;
    private final String rpId;
    private final Constructor<?> challenge;
    private final Constructor<?> serverProperty;
    private final Constructor<?> request;
    private final Constructor<?> parameters;
    private final Method verify;
    private final Method verifyJson;

    RawWebAuthn4J(Path appLib, String originText, String rpId) throws Exception {
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(appLib)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("com.webauthn4j.") || n.startsWith("com.fasterxml.jackson.dataformat.jackson-dataformat-cbor")) {
                    jars.add(p.toUri().toURL());
                }
            }
        }
        if (jars.size() < 3) {
            throw new IllegalStateException("WebAuthn4J jars not found in " + appLib + ": package managed-keys first");
        }
        ClassLoader cl = new URLClassLoader(jars.toArray(URL[]::new), RawWebAuthn4J.class.getClassLoader());
        Class<?> objectConverter = cl.loadClass("com.webauthn4j.converter.util.ObjectConverter");
        Object oc = objectConverter.getConstructor().newInstance();
        Class<?> managerClass = cl.loadClass("com.webauthn4j.WebAuthnManager");
        manager = managerClass.getMethod("createNonStrictWebAuthnManager", objectConverter).invoke(null, oc);
        converter = cl.loadClass("com.webauthn4j.converter.AttestedCredentialDataConverter").getConstructor(objectConverter).newInstance(oc);
        convert = converter.getClass().getMethod("convert", byte[].class);
        Constructor<?> ctor = null;
        for (Constructor<?> c : cl.loadClass("com.webauthn4j.credential.CredentialRecordImpl").getConstructors()) {
            if (c.getParameterCount() == 10) {
                ctor = c;
            }
        }
        recordCtor = ctor;
        Class<?> originClass = cl.loadClass("com.webauthn4j.data.client.Origin");
        origin = originClass.getMethod("create", String.class).invoke(null, originText);
        this.rpId = rpId;
        Class<?> challengeIf = cl.loadClass("com.webauthn4j.data.client.challenge.Challenge");
        challenge = cl.loadClass("com.webauthn4j.data.client.challenge.DefaultChallenge").getConstructor(byte[].class);
        Class<?> spClass = cl.loadClass("com.webauthn4j.server.ServerProperty");
        serverProperty = spClass.getConstructor(originClass, String.class, challengeIf);
        Class<?> requestClass = cl.loadClass("com.webauthn4j.data.AuthenticationRequest");
        request = requestClass.getConstructor(byte[].class, byte[].class, byte[].class, byte[].class, String.class, byte[].class);
        Class<?> paramsClass = cl.loadClass("com.webauthn4j.data.AuthenticationParameters");
        parameters = paramsClass.getConstructor(spClass, cl.loadClass("com.webauthn4j.credential.CredentialRecord"), List.class, boolean.class, boolean.class);
        verify = managerClass.getMethod("verify", requestClass, paramsClass);
        verifyJson = managerClass.getMethod("verifyAuthenticationResponseJSON", String.class, paramsClass);
    }

    /** A stored credential as the service keeps it: attested credential data, counter 0, UV initialized. */
    Object record(byte[] attestedCredentialData) throws Exception {
        Object acd = convert.invoke(converter, (Object) attestedCredentialData);
        return recordCtor.newInstance(null, true, false, false, 0L, acd, null, null, null, null);
    }

    /**
     * What a minimal WebAuthn4J server does per login: parse the AuthenticationResponseJSON it received
     * and verify it against the challenge it issued for this login and the stored credential.
     */
    void verifyJson(Object credentialRecord, String authenticationResponseJson, byte[] issuedChallenge) throws Exception {
        Object sp = serverProperty.newInstance(origin, rpId, challenge.newInstance((Object) issuedChallenge));
        Object params = parameters.newInstance(sp, credentialRecord, null, true, true);
        verifyJson.invoke(manager, authenticationResponseJson, params);
    }

    /** Verifies one assertion from its already decoded parts; throws if WebAuthn4J refuses it. */
    void verify(Object credentialRecord, byte[] credentialId, byte[] userHandle, SoftPasskey.Assertion a) throws Exception {
        Object sp = serverProperty.newInstance(origin, rpId, challenge.newInstance((Object) a.challenge()));
        Object req = request.newInstance(credentialId, userHandle, a.authenticatorData(), a.clientData(), null, a.signature());
        Object params = parameters.newInstance(sp, credentialRecord, null, true, true);
        verify.invoke(manager, req, params);
    }
}
