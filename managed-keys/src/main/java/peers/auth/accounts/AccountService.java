package peers.auth.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import peers.auth.AuthConfig;
import peers.auth.AuthProblems;
import peers.auth.custodial.CustodialKeys;
import peers.auth.sessions.Session;
import peers.auth.sessions.Sessions;
import peers.auth.webauthn.Ceremonies;
import peers.auth.webauthn.Ceremony;
import peers.auth.webauthn.CredentialJson;
import peers.auth.webauthn.LoginChallenges;
import peers.auth.webauthn.RelyingParty;
import peers.common.identity.Base64Url;
import peers.common.identity.PeerKey;
import peers.common.outbox.Outbox;
import peers.common.problems.ProblemException;

/**
 * Accounts, their passkeys and wrapped keys. Each change is one transaction with its outbox event.
 * Authorization: every session operation acts on the session's own account only; a passkey or wrap
 * of another account is answered as unknown.
 */
@ApplicationScoped
public class AccountService {

    public static final String TOPIC = "peers.accounts";
    /** Domain separation of the identity key's proof of possession at sign-up. */
    public static final String SIGNUP_PROOF_CONTEXT = "peers-auth-signup/v1";

    private final Ceremonies ceremonies;
    private final Logins logins;
    private final LoginChallenges loginChallenges;
    private final RelyingParty rp;
    private final Sessions sessions;
    private final CustodialKeys custodial;
    private final Outbox outbox;
    private final Clock clock;
    private final AuthConfig config;

    public AccountService(Ceremonies ceremonies, Logins logins, LoginChallenges loginChallenges, RelyingParty rp, Sessions sessions, CustodialKeys custodial, Outbox outbox, Clock clock,
            AuthConfig config) {
        this.ceremonies = ceremonies;
        this.logins = logins;
        this.loginChallenges = loginChallenges;
        this.rp = rp;
        this.sessions = sessions;
        this.custodial = custodial;
        this.outbox = outbox;
        this.clock = clock;
        this.config = config;
    }

    // ---- results ----

    public record SignedUp(Account account, Credential credential, Sessions.Issued session) {
    }

    public record LoggedIn(Account account, Credential credential, Sessions.Issued session, KeyWrap wrap, byte[] custodialKey) {
    }

    public record AccountView(Account account, List<Credential> credentials, Set<String> wrapped, boolean recovery) {
    }

    public record Started(Ceremony ceremony, List<Credential> credentials) {
    }

    // ---- registration (sign-up) ----

    public Uni<Started> startRegistration(String appId) {
        checkAppId(appId);
        return ceremonies.start("registration", null, Ceremonies.random(32), Ceremonies.random(32), appId).map(c -> new Started(c, List.of()));
    }

    /** §7.1 finish: verifies the attestation, then creates account, passkey, key material and a session at once. */
    public Uni<SignedUp> finishRegistration(String ceremonyId, JsonNode credentialJson, String identityKeyText, String identityProof,
            String encryptionKeyText, String mode, WrapInput wrap, String custodialKeyText) {
        CredentialJson.Registration reg = CredentialJson.registration(credentialJson);
        PeerKey identityKey = parseKey("identityKey", identityKeyText);
        String encryptionKey = checkEncryptionKey(encryptionKeyText);
        byte[] proof = decode("identityProof", identityProof);
        if (!"prf".equals(mode) && !"custodial".equals(mode)) {
            throw ProblemException.invalid("mode", "mode must be 'prf' (the key is wrapped on the client by the passkey's PRF output) "
                    + "or 'custodial' (opt-in: the server holds the key encrypted and can decrypt it)");
        }
        byte[] custodialKey = null;
        if ("custodial".equals(mode)) {
            custodial.requireEnabled();
            if (wrap != null) {
                throw ProblemException.invalid("wrap", "a custodial account stores no client-side wrap; send custodialKey instead");
            }
            custodialKey = decode("custodialKey", custodialKeyText);
            if (custodialKey.length == 0 || custodialKey.length > config.custodial().maxKeyBytes()) {
                throw ProblemException.invalid("custodialKey", "custodialKey must be 1 to " + config.custodial().maxKeyBytes() + " bytes");
            }
        } else {
            if (custodialKeyText != null) {
                throw ProblemException.invalid("custodialKey", "custodialKey is only for mode 'custodial': in mode 'prf' the server never holds the key");
            }
            requirePrf(reg);
        }
        if (wrap != null) {
            checkWrap(wrap, identityKey.toString(), encryptionKey);
        }
        byte[] keyMaterial = custodialKey;
        return ceremonies.consume(ceremonyId, "registration").chain(c -> {
            if (!identityKey.verify(signupProofMessage(c.challenge), proof)) {
                throw new ProblemException(AuthProblems.IDENTITY_PROOF_INVALID, "identityProof must be the identity key's Ed25519 signature over \""
                        + SIGNUP_PROOF_CONTEXT + "\\n<challenge, base64url>\"");
            }
            RelyingParty.NewCredential nc = rp.verifyRegistration(c.challenge, reg);
            return Panache.withTransaction(() -> Account.count("identityKey", identityKey.toString()).chain(n -> {
                if (n > 0) {
                    throw new ProblemException(AuthProblems.IDENTITY_KEY_TAKEN, "identity key " + identityKey + " already belongs to an account");
                }
                return ensureNewCredential(nc);
            }).chain(() -> {
                Account a = new Account();
                a.id = Base64Url.encode(java.util.Arrays.copyOf(c.userHandle, 16));
                a.userHandle = c.userHandle;
                a.identityKey = identityKey.toString();
                a.encryptionKey = encryptionKey;
                a.mode = mode;
                a.appId = c.appId;
                a.createdAt = clock.instant();
                return a.<Account>persist();
            }).chain(a -> {
                Credential cred = newCredential(a.id, nc, c.prfSalt);
                return cred.<Credential>persist()
                        .chain(() -> wrap == null ? Uni.createFrom().voidItem() : storeWrap(a, cred, wrap).replaceWithVoid())
                        .chain(() -> keyMaterial == null ? Uni.createFrom().voidItem() : custodial.store(a.id, keyMaterial).replaceWithVoid())
                        .chain(() -> event(a, "account.created", accountCreated(a)))
                        .chain(() -> event(a, "credential.added", credentialEvent(a, cred.id)))
                        .chain(() -> sessions.issue(a.id, cred.id))
                        .map(s -> new SignedUp(a, cred, s));
            }));
        });
    }

    // ---- authentication (login) ----

    /** Options for a known account (its passkeys, each with its PRF salt) or, without one, for any discoverable passkey. */
    public Uni<Started> startAuthentication(String accountId) {
        if (accountId == null) {
            return loginChallenges.issue(null).map(c -> new Started(c, List.of()));
        }
        checkAccountId(accountId);
        return Panache.withSession(() -> Credential.<Credential>list("accountId = ?1 order by createdAt", accountId)).chain(creds -> {
            if (creds.isEmpty()) {
                throw new ProblemException(AuthProblems.ACCOUNT_UNKNOWN, "no account has the id '" + accountId + "'");
            }
            return loginChallenges.issue(accountId).map(c -> new Started(c, creds));
        });
    }

    /**
     * §7.2 finish: verifies the assertion against the challenge recomputed from the ceremony id, then
     * spends the challenge, checks and advances the counter and issues a session in one statement (and
     * releases a custodial key when asked). A finish refused after the id was read spends the challenge
     * too: each one is good for one response.
     */
    public Uni<LoggedIn> finishAuthentication(String ceremonyId, JsonNode credentialJson, boolean releaseCustodialKey) {
        CredentialJson.Assertion as = CredentialJson.assertion(credentialJson);
        String credentialId = Base64Url.encode(as.rawId());
        return loginChallenges.parse(ceremonyId).chain(challenge -> logins.load(credentialId).chain(v -> {
            RelyingParty.Assertion ok;
            try {
                if (v == null || challenge.accountId() != null && !challenge.accountId().equals(v.account().id)) {
                    throw new ProblemException(AuthProblems.CREDENTIAL_UNKNOWN, "no passkey with this id is registered"
                            + (challenge.accountId() == null ? "" : " for the account of this ceremony"));
                }
                if (as.userHandle() != null && !java.util.Arrays.equals(as.userHandle(), v.account().userHandle)) {
                    throw AuthProblems.rejected("user-handle", "credential.response.userHandle is not the passkey's account");
                }
                // The counter is checked by the commit, against the stored value at that instant (WebAuthn §7.2 step 21).
                ok = rp.verifyAssertion(challenge.challenge(), as, v.credential().attestedCredentialData, 0, v.credential().uvInitialized,
                        v.credential().backupEligible, false);
                if (releaseCustodialKey && !v.account().custodial()) {
                    throw new ProblemException(AuthProblems.NOT_CUSTODIAL, "the account uses mode 'prf': the server holds no key to release; "
                            + "unwrap the key on the client with the passkey's PRF output");
                }
            } catch (ProblemException e) {
                return loginChallenges.spend(challenge).chain(() -> Uni.createFrom().failure(e));
            }
            Account a = v.account();
            Credential cred = v.credential();
            return logins.commit(challenge, v, ok.signCount(), ok.backupState()).chain(done -> {
                if (done.session() == null) {
                    return logins.explain(done.challengeWasFresh(), v).map(why -> {
                        throw switch (why) {
                            case CHALLENGE_USED -> LoginChallenges.used(ceremonyId);
                            case CREDENTIAL_GONE -> new ProblemException(AuthProblems.CREDENTIAL_UNKNOWN, "no passkey with this id is registered");
                            case COUNTER -> AuthProblems.rejected("counter", "the signature counter did not increase: the passkey may have been cloned");
                        };
                    });
                }
                Uni<byte[]> key = releaseCustodialKey ? Panache.withTransaction(() -> custodial.release(a.id)) : Uni.createFrom().nullItem();
                return key.map(k -> new LoggedIn(a, cred, done.session(), done.wrap(), k));
            });
        }));
    }

    // ---- session operations ----

    public Uni<AccountView> view(String authorization) {
        return Panache.withSession(() -> sessions.require(authorization).chain(s -> Account.<Account>findById(s.accountId).chain(this::view)));
    }

    private Uni<AccountView> view(Account a) {
        return Credential.<Credential>list("accountId = ?1 order by createdAt", a.id)
                .chain(creds -> KeyWrap.<KeyWrap>list("accountId", a.id)
                        .chain(wraps -> RecoveryWrap.count("accountId", a.id)
                                .map(r -> new AccountView(a, creds, wraps.stream().map(w -> w.credentialId).collect(Collectors.toSet()), r > 0))));
    }

    public Uni<KeyWrap> putWrap(String authorization, String credentialId, WrapInput wrap) {
        checkCredentialId(credentialId);
        return Panache.withTransaction(() -> sessions.require(authorization).chain(s -> Account.<Account>findById(s.accountId)).chain(a -> {
            if (a.custodial()) {
                throw new ProblemException(AuthProblems.WRONG_MODE, "the account uses custodial mode: the server holds its key; there is no client-side wrap");
            }
            checkWrap(wrap, a.identityKey, a.encryptionKey);
            return ownCredential(a, credentialId).chain(cred -> KeyWrap.deleteById(credentialId).chain(() -> Panache.getSession())
                    .chain(session -> session.flush()).chain(() -> storeWrap(a, cred, wrap)));
        }));
    }

    public Uni<KeyWrap> getWrap(String authorization, String credentialId) {
        checkCredentialId(credentialId);
        return Panache.withSession(() -> sessions.require(authorization).chain(s -> KeyWrap.<KeyWrap>findById(credentialId).map(w -> {
            if (w == null || !w.accountId.equals(s.accountId)) {
                throw new ProblemException(AuthProblems.WRAP_UNKNOWN, "no wrapped key is stored for passkey '" + credentialId + "' of this account");
            }
            return w;
        })));
    }

    /** Removes a passkey with its wrap and sessions, unless it is the last way to unlock the key. */
    public Uni<Void> removeCredential(String authorization, String credentialId) {
        checkCredentialId(credentialId);
        return Panache.withTransaction(() -> sessions.require(authorization).chain(s -> Account.<Account>findById(s.accountId)).chain(a -> ownCredential(a, credentialId)
                .chain(cred -> Credential.<Credential>list("accountId = ?1 and id <> ?2", a.id, credentialId)
                        .chain(others -> KeyWrap.count("accountId = ?1 and credentialId <> ?2", a.id, credentialId)
                                .chain(otherWraps -> RecoveryWrap.count("accountId", a.id).chain(recovery -> {
                                    if (others.isEmpty()) {
                                        throw new ProblemException(AuthProblems.LAST_WAY_TO_UNLOCK, "passkey '" + credentialId
                                                + "' is the account's only passkey; add another before removing it, or delete the account");
                                    }
                                    if (!a.custodial() && otherWraps + recovery == 0) {
                                        throw new ProblemException(AuthProblems.LAST_WAY_TO_UNLOCK, "passkey '" + credentialId
                                                + "' holds the only wrap of the identity key; store a wrap for another passkey or a recovery wrap first");
                                    }
                                    return KeyWrap.deleteById(credentialId)
                                            .chain(() -> sessions.revokeCredential(credentialId))
                                            .chain(() -> Credential.deleteById(credentialId))
                                            .chain(() -> event(a, "credential.removed", credentialEvent(a, credentialId)));
                                }))))));
    }

    /** The account of a live session. */
    public Uni<Account> sessionAccount(String authorization) {
        return Panache.withSession(() -> sessions.require(authorization).chain(s -> Account.<Account>findById(s.accountId)));
    }

    /** The account whose identity key signed the request: the way back with a key recovered from the recovery code. */
    public Uni<Account> keyAccount(PeerKey key) {
        return Panache.withSession(() -> Account.<Account>find("identityKey", key.toString()).firstResult()).map(a -> {
            if (a == null) {
                throw new ProblemException(AuthProblems.ACCOUNT_UNKNOWN, "no account has the identity key " + key);
            }
            return a;
        });
    }

    public Uni<Started> startAddCredential(Uni<Account> account) {
        return account.chain(a -> Panache.withSession(() -> Credential.<Credential>list("accountId", a.id)).chain(creds -> {
            if (creds.size() >= config.maxCredentials()) {
                throw new ProblemException(AuthProblems.CREDENTIAL_LIMIT, "an account has at most " + config.maxCredentials() + " passkeys")
                        .with("limit", "auth.max-credentials");
            }
            return ceremonies.start("add-credential", a.id, a.userHandle, Ceremonies.random(32), null).map(c -> new Started(c, creds));
        }));
    }

    public Uni<Credential> finishAddCredential(Uni<Account> account, String ceremonyId, JsonNode credentialJson, WrapInput wrap) {
        CredentialJson.Registration reg = CredentialJson.registration(credentialJson);
        return account.chain(owner -> ceremonies.consume(ceremonyId, "add-credential").chain(c -> {
            if (!owner.id.equals(c.accountId)) {
                throw new ProblemException(AuthProblems.CEREMONY_UNKNOWN, "ceremony '" + ceremonyId + "' was started for another account");
            }
            return Panache.withTransaction(() -> Account.<Account>findById(owner.id).chain(a -> {
                if (!a.custodial()) {
                    requirePrf(reg);
                } else if (wrap != null) {
                    throw new ProblemException(AuthProblems.WRONG_MODE, "the account uses custodial mode; send no wrap");
                }
                if (wrap != null) {
                    checkWrap(wrap, a.identityKey, a.encryptionKey);
                }
                RelyingParty.NewCredential nc = rp.verifyRegistration(c.challenge, reg);
                return ensureNewCredential(nc).chain(() -> Credential.count("accountId", a.id)).chain(n -> {
                    if (n >= config.maxCredentials()) {
                        throw new ProblemException(AuthProblems.CREDENTIAL_LIMIT, "an account has at most " + config.maxCredentials() + " passkeys");
                    }
                    Credential cred = newCredential(a.id, nc, c.prfSalt);
                    return cred.<Credential>persist()
                            .chain(() -> wrap == null ? Uni.createFrom().voidItem() : storeWrap(a, cred, wrap).replaceWithVoid())
                            .chain(() -> event(a, "credential.added", credentialEvent(a, cred.id)))
                            .replaceWith(cred);
                });
            }));
        }));
    }

    public Uni<Void> putRecovery(String authorization, RecoveryInput r) {
        byte[] lookup = decode("lookup", r.lookup());
        if (lookup.length != 32) {
            throw ProblemException.invalid("lookup", "lookup is 32 bytes derived from the recovery code");
        }
        byte[] ct = checkCiphertext("ciphertext", r.ciphertext());
        byte[] nonce = checkNonce(r.nonce());
        byte[] kdfSalt = decode("kdfSalt", r.kdfSalt());
        if (kdfSalt.length < 16 || kdfSalt.length > 64) {
            throw ProblemException.invalid("kdfSalt", "kdfSalt is 16 to 64 bytes");
        }
        return Panache.withTransaction(() -> sessions.require(authorization).chain(s -> Account.<Account>findById(s.accountId)).chain(a -> {
            checkKeys(r.identityKey(), r.encryptionKey(), a.identityKey, a.encryptionKey);
            return RecoveryWrap.deleteById(a.id).chain(() -> Panache.getSession()).chain(session -> session.flush()).chain(() -> {
                RecoveryWrap w = new RecoveryWrap();
                w.accountId = a.id;
                w.lookupHash = sha256(lookup);
                w.algorithm = r.algorithm();
                w.ciphertext = ct;
                w.nonce = nonce;
                w.kdfSalt = kdfSalt;
                w.identityKey = a.identityKey;
                w.encryptionKey = a.encryptionKey;
                w.updatedAt = clock.instant();
                return w.persist().replaceWithVoid();
            });
        }));
    }

    /** The recovery wrap for a lookup value derived from a recovery code: no session (the passkeys may be lost). */
    public Uni<RecoveryWrap> recovery(String lookupText) {
        byte[] lookup = decode("lookup", lookupText);
        if (lookup.length != 32) {
            throw ProblemException.invalid("lookup", "lookup is 32 bytes derived from the recovery code");
        }
        return Panache.withSession(() -> RecoveryWrap.<RecoveryWrap>find("lookupHash", sha256(lookup)).firstResult().map(w -> {
            if (w == null) {
                throw new ProblemException(AuthProblems.RECOVERY_UNKNOWN, "no recovery wrap matches this lookup value; check the recovery code");
            }
            return w;
        }));
    }

    /** Deletes the account with every passkey, wrap, custodial key and session. */
    public Uni<Void> deleteAccount(String authorization) {
        return Panache.withTransaction(() -> sessions.require(authorization).chain(s -> Account.<Account>findById(s.accountId)).chain(a -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("peer", a.identityKey);
            data.put("accountId", a.id);
            data.put("at", clock.instant().toString());
            // ON DELETE CASCADE removes credentials, wraps, the recovery wrap, the custodial key and sessions.
            return Account.delete("id", a.id).chain(() -> event(a, "account.deleted", data));
        }));
    }

    public Uni<Void> logout(String authorization) {
        return Panache.withTransaction(() -> sessions.require(authorization).chain(sessions::revoke));
    }

    // ---- helpers ----

    public static byte[] signupProofMessage(byte[] challenge) {
        return (SIGNUP_PROOF_CONTEXT + "\n" + Base64Url.encode(challenge)).getBytes(StandardCharsets.UTF_8);
    }

    private void requirePrf(CredentialJson.Registration reg) {
        if (!Boolean.TRUE.equals(reg.prfEnabled())) {
            throw new ProblemException(AuthProblems.PRF_UNAVAILABLE, "clientExtensionResults.prf.enabled is not true: this passkey cannot derive "
                    + "a wrapping key; use a passkey with PRF support, or opt in to mode 'custodial' where the server holds the key");
        }
    }

    private Uni<Void> ensureNewCredential(RelyingParty.NewCredential nc) {
        return Credential.count("id", Base64Url.encode(nc.id())).map(n -> {
            if (n > 0) {
                throw new ProblemException(AuthProblems.CREDENTIAL_EXISTS, "this passkey is already registered");
            }
            return null;
        });
    }

    private Credential newCredential(String accountId, RelyingParty.NewCredential nc, byte[] prfSalt) {
        Credential cred = new Credential();
        cred.id = Base64Url.encode(nc.id());
        cred.accountId = accountId;
        cred.attestedCredentialData = nc.attestedCredentialData();
        cred.attestationFormat = nc.format();
        cred.signCount = nc.signCount();
        cred.uvInitialized = nc.uv();
        cred.backupEligible = nc.backupEligible();
        cred.backupState = nc.backupState();
        cred.transports = nc.transports().isEmpty() ? null : String.join(",", nc.transports());
        cred.prfSalt = prfSalt;
        cred.prfSaltId = Base64Url.encode(java.util.Arrays.copyOf(sha256(prfSalt), 12));
        cred.createdAt = clock.instant();
        return cred;
    }

    private Uni<Credential> ownCredential(Account a, String credentialId) {
        return Credential.<Credential>findById(credentialId).map(c -> {
            if (c == null || !c.accountId.equals(a.id)) {
                throw new ProblemException(AuthProblems.CREDENTIAL_UNKNOWN, "the account has no passkey '" + credentialId + "'");
            }
            return c;
        });
    }

    private Uni<KeyWrap> storeWrap(Account a, Credential cred, WrapInput in) {
        if (!cred.prfSaltId.equals(in.saltId())) {
            throw new ProblemException(AuthProblems.SALT_MISMATCH, "saltId '" + in.saltId() + "' is not passkey '" + cred.id
                    + "''s PRF salt id '" + cred.prfSaltId + "': derive the wrapping key with this passkey's salt");
        }
        KeyWrap w = new KeyWrap();
        w.credentialId = cred.id;
        w.accountId = a.id;
        w.algorithm = in.algorithm();
        w.ciphertext = decode("wrap.ciphertext", in.ciphertext());
        w.nonce = decode("wrap.nonce", in.nonce());
        w.saltId = in.saltId();
        w.identityKey = a.identityKey;
        w.encryptionKey = a.encryptionKey;
        w.updatedAt = clock.instant();
        return w.persist();
    }

    private void checkWrap(WrapInput w, String identityKey, String encryptionKey) {
        if (w.algorithm() == null || w.algorithm().isBlank() || w.algorithm().length() > 64) {
            throw ProblemException.invalid("wrap.algorithm", "wrap.algorithm is 1 to 64 characters");
        }
        if (w.saltId() == null || w.saltId().length() > 64) {
            throw ProblemException.invalid("wrap.saltId", "wrap.saltId is the passkey's prfSaltId");
        }
        checkCiphertext("wrap.ciphertext", w.ciphertext());
        checkNonce(w.nonce());
        checkKeys(w.identityKey(), w.encryptionKey(), identityKey, encryptionKey);
    }

    private static void checkKeys(String identityKey, String encryptionKey, String accountIdentity, String accountEncryption) {
        parseKey("identityKey", identityKey);
        if (!accountIdentity.equals(identityKey)) {
            throw new ProblemException(AuthProblems.KEY_MISMATCH, "the wrap names identity key " + identityKey + " but the account's is " + accountIdentity);
        }
        if (encryptionKey != null && !encryptionKey.equals(accountEncryption)) {
            throw new ProblemException(AuthProblems.KEY_MISMATCH, "the wrap names another encryption key than the account's");
        }
    }

    private byte[] checkCiphertext(String field, String text) {
        byte[] b = decode(field, text);
        if (b.length == 0 || b.length > config.maxWrapBytes()) {
            throw ProblemException.invalid(field, field + " must be 1 to " + config.maxWrapBytes() + " bytes; got " + b.length)
                    .with("limit", "auth.max-wrap-bytes");
        }
        return b;
    }

    private static byte[] checkNonce(String text) {
        byte[] b = decode("nonce", text);
        if (b.length < 8 || b.length > 32) {
            throw ProblemException.invalid("nonce", "nonce is 8 to 32 bytes");
        }
        return b;
    }

    private static String checkEncryptionKey(String text) {
        if (text == null) {
            return null;
        }
        if (decode("encryptionKey", text).length != 32 || !Base64Url.encode(decode("encryptionKey", text)).equals(text)) {
            throw ProblemException.invalid("encryptionKey", "encryptionKey is an X25519 public key: 32 bytes, unpadded base64url");
        }
        return text;
    }

    private static void checkAppId(String appId) {
        if (appId != null && !appId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw ProblemException.invalid("appId", "an app id is 1 to 64 characters of A-Z a-z 0-9 . _ -");
        }
    }

    private static void checkAccountId(String id) {
        if (!id.matches("[A-Za-z0-9_-]{22}")) {
            throw ProblemException.invalid("accountId", "an account id is 22 characters of unpadded base64url");
        }
    }

    private static void checkCredentialId(String id) {
        if (id == null || !id.matches("[A-Za-z0-9_-]{1,1400}")) {
            throw ProblemException.invalid("credentialId", "a passkey id is its credential id in unpadded base64url");
        }
    }

    private Uni<Void> event(Account a, String name, Map<String, Object> data) {
        return outbox.enqueue(TOPIC, "peers.auth." + name + ".v1", a.identityKey, data).replaceWithVoid();
    }

    private Map<String, Object> accountCreated(Account a) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("peer", a.identityKey);
        data.put("accountId", a.id);
        data.put("appId", a.appId);
        data.put("mode", a.mode);
        data.put("at", a.createdAt.toString());
        return data;
    }

    private Map<String, Object> credentialEvent(Account a, String credentialId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("peer", a.identityKey);
        data.put("accountId", a.id);
        data.put("credentialId", credentialId);
        data.put("at", clock.instant().toString());
        return data;
    }

    public static PeerKey parseKey(String field, String text) {
        try {
            return PeerKey.parse(text);
        } catch (PeerKey.InvalidKeyText e) {
            throw ProblemException.invalid(field, field + ": " + e.getMessage());
        }
    }

    public static byte[] decode(String field, String text) {
        try {
            return Base64Url.decode(text, field);
        } catch (PeerKey.InvalidKeyText e) {
            throw ProblemException.invalid(field, e.getMessage());
        }
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
