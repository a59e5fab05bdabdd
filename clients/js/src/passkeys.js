// managed-keys client (/auth/v1): passkey sign-up and login with the WebAuthn PRF extension. The
// identity key never leaves the device in the clear: it is wrapped here with a key derived from the
// passkey's PRF output (HKDF-SHA-256 -> AES-256-GCM), and the PRF output itself is stripped from
// every credential before it is sent. A recovery code (generated here, shown once) wraps it too.
import { concat, fromBase64Url, toBase64Url, utf8 } from './base64.js';
import { requestJson, trimBase } from './http.js';
import { EncryptionKeyPair, Identity } from './identity.js';

const API = '/auth/v1';
/** How this client names its wraps (stored by the server as `algorithm`, opaque to it). */
export const WRAP_ALGORITHM = 'A256GCM/HKDF-SHA256/ed25519+x25519/v1';
const PRF_INFO = 'peers-managed-keys/wrap/v1';
const RECOVERY_LOOKUP_INFO = 'peers-managed-keys/recovery/lookup/v1';
const RECOVERY_WRAP_INFO = 'peers-managed-keys/recovery/wrap/v1';
const SIGNUP_CONTEXT = 'peers-auth-signup/v1';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A passkey without PRF, a wrap that does not open, or a recovery code that is not one. */
export class PasskeyError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'PasskeyError';
  }
}

/**
 * A copy of a credential's JSON without `clientExtensionResults.prf.results`: the PRF output is the
 * secret that unwraps the key, and a browser's toJSON() includes it. Call it on everything sent.
 * @template T @param {T} json @returns {T}
 */
export function stripPrfResults(json) {
  const copy = JSON.parse(JSON.stringify(json));
  if (copy?.clientExtensionResults?.prf) delete copy.clientExtensionResults.prf.results;
  return copy;
}

/** @param {string} s */
const bytes = (s) => fromBase64Url(s);

/**
 * WebAuthn Level 3 JSON creation options (as the server sends them) to the options of
 * navigator.credentials.create(), binary members decoded, the PRF salt included.
 * @param {any} o PublicKeyCredentialCreationOptionsJSON
 */
export function creationOptions(o) {
  const out = { ...o, challenge: bytes(o.challenge), user: { ...o.user, id: bytes(o.user.id) } };
  out.excludeCredentials = (o.excludeCredentials ?? []).map((/** @type {any} */ d) => ({ ...d, id: bytes(d.id) }));
  if (o.extensions?.prf?.eval) {
    const ev = o.extensions.prf.eval;
    out.extensions = { ...o.extensions, prf: { eval: { first: bytes(ev.first), ...(ev.second ? { second: bytes(ev.second) } : {}) } } };
  }
  return out;
}

/**
 * Request options JSON to the options of navigator.credentials.get(), PRF salts per credential decoded.
 * @param {any} o PublicKeyCredentialRequestOptionsJSON
 */
export function requestOptions(o) {
  const out = { ...o, challenge: bytes(o.challenge) };
  out.allowCredentials = (o.allowCredentials ?? []).map((/** @type {any} */ d) => ({ ...d, id: bytes(d.id) }));
  if (o.extensions?.prf?.evalByCredential) {
    /** @type {Record<string, {first: Uint8Array}>} */
    const byCredential = {};
    for (const [id, v] of Object.entries(o.extensions.prf.evalByCredential)) byCredential[id] = { first: bytes(/** @type {any} */ (v).first) };
    out.extensions = { ...o.extensions, prf: { evalByCredential: byCredential } };
  } else if (o.extensions?.prf?.eval) {
    out.extensions = { ...o.extensions, prf: { eval: { first: bytes(o.extensions.prf.eval.first) } } };
  }
  return out;
}

/** The PRF output (`results.first`) of a credential, or null. @param {any} credential a PublicKeyCredential */
export function prfOutput(credential) {
  const first = credential?.getClientExtensionResults?.()?.prf?.results?.first;
  return first ? new Uint8Array(first) : null;
}

/** @param {Uint8Array} ikm @param {Uint8Array} salt @param {string} info */
async function hkdfAesKey(ikm, salt, info) {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info: utf8(info) }, key, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** The AES-256-GCM key that wraps the identity, from a passkey's 32-byte PRF output. @param {Uint8Array} prf */
export function prfWrappingKey(prf) {
  if (!(prf instanceof Uint8Array) || prf.length !== 32) throw new PasskeyError('a PRF output is 32 bytes');
  return hkdfAesKey(prf, new Uint8Array(0), PRF_INFO);
}

/**
 * Seals the identity's and the encryption key pair's private keys (32 + 32 raw bytes) with AES-256-GCM,
 * bound (additional data) to both public keys. The keys must be extractable.
 * @param {CryptoKey} wrappingKey @param {Identity} identity @param {EncryptionKeyPair} encryption
 */
export async function sealKeys(wrappingKey, identity, encryption) {
  const secret = concat(fromBase64Url(/** @type {string} */ ((await identity.exportJwk()).d)), fromBase64Url(/** @type {string} */ ((await encryption.exportJwk()).d)));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const aad = utf8(`${identity.peerKey}\n${encryption.encryptionKey}`);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, wrappingKey, secret));
  secret.fill(0);
  return { algorithm: WRAP_ALGORITHM, ciphertext: toBase64Url(ciphertext), nonce: toBase64Url(nonce), identityKey: identity.peerKey, encryptionKey: encryption.encryptionKey };
}

/**
 * Opens a wrap made by sealKeys: the identity and encryption key pair, checked against the public keys named.
 * @param {CryptoKey} wrappingKey
 * @param {{algorithm: string, ciphertext: string, nonce: string, identityKey: string, encryptionKey: string}} wrap
 */
export async function openKeys(wrappingKey, wrap) {
  if (wrap.algorithm !== WRAP_ALGORITHM) throw new PasskeyError(`unknown wrap algorithm ${wrap.algorithm}`);
  let secret;
  try {
    secret = new Uint8Array(await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64Url(wrap.nonce), additionalData: utf8(`${wrap.identityKey}\n${wrap.encryptionKey}`) },
      wrappingKey, fromBase64Url(wrap.ciphertext)));
  } catch {
    throw new PasskeyError('the wrapped key does not open with this passkey or code');
  }
  if (secret.length !== 64) throw new PasskeyError('the wrapped key has the wrong length');
  const identity = await Identity.fromJwk({ kty: 'OKP', crv: 'Ed25519', d: toBase64Url(secret.subarray(0, 32)), x: wrap.identityKey });
  const encryption = await EncryptionKeyPair.fromJwk({ kty: 'OKP', crv: 'X25519', d: toBase64Url(secret.subarray(32)), x: wrap.encryptionKey });
  secret.fill(0);
  const probe = await EncryptionKeyPair.generate();
  const a = await encryption.sharedSecret(probe.encryptionKey);
  const b = await probe.sharedSecret(wrap.encryptionKey);
  if (toBase64Url(a) !== toBase64Url(b)) throw new PasskeyError('the wrapped X25519 key does not belong to the public key named');
  return { identity, encryption };
}

/**
 * A new recovery code: 160 random bits as 32 Crockford base32 characters in groups of four
 * (e.g. `7K2M-…`). Show it once; it opens the identity without any passkey.
 */
export function newRecoveryCode() {
  const random = crypto.getRandomValues(new Uint8Array(20));
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of random) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)?.join('-') ?? out;
}

/** The code's 20 bytes; accepts lower case, spaces, dashes and Crockford's confusables (O→0, I/L→1). @param {string} code */
function recoveryBytes(code) {
  const clean = String(code).toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{32}$/.test(clean)) throw new PasskeyError('a recovery code is 32 characters of 0-9 and A-Z (without I, L, O, U)');
  const out = new Uint8Array(20);
  let bits = 0;
  let value = 0;
  let i = 0;
  for (const c of clean) {
    value = (value << 5) | CROCKFORD.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out[i++] = (value >> (bits - 8)) & 255;
      bits -= 8;
    }
  }
  return out;
}

/**
 * What a recovery code yields: `lookup` (32 bytes, base64url; names the wrap at the server, which
 * stores only its SHA-256) and, with the wrap's salt, the wrapping key. Both by HKDF-SHA-256 from the
 * code's 160 bits, with distinct labels, so the lookup reveals nothing about the wrapping key.
 * @param {string} code @param {Uint8Array} [kdfSalt]
 */
export async function recoveryKeys(code, kdfSalt) {
  const ikm = await crypto.subtle.importKey('raw', recoveryBytes(code), 'HKDF', false, ['deriveBits', 'deriveKey']);
  const lookup = new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(RECOVERY_LOOKUP_INFO) }, ikm, 256));
  const wrappingKey = kdfSalt
    ? await crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: kdfSalt, info: utf8(RECOVERY_WRAP_INFO) }, ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
    : null;
  return { lookup: toBase64Url(lookup), wrappingKey };
}

/** managed-keys: passkeys that unlock the user's own keys. */
/**
 * Request options (JSON) narrowed to one passkey: `allowCredentials` and the PRF's `evalByCredential`
 * (browsers refuse salts for credentials not allowed). @param {any} o @param {string} credentialId
 */
function onlyCredential(o, credentialId) {
  const out = { ...o, allowCredentials: (o.allowCredentials ?? []).filter((/** @type {any} */ d) => d.id === credentialId) };
  const byCredential = o.extensions?.prf?.evalByCredential;
  if (byCredential) {
    const mine = byCredential[credentialId];
    out.extensions = { ...o.extensions, prf: { ...o.extensions.prf, evalByCredential: mine ? { [credentialId]: mine } : {} } };
  }
  return out;
}

export class ManagedKeysClient {
  #base;
  #fetch;
  #credentials;
  #appId;

  /**
   * @param {string} baseUrl e.g. https://peers.example
   * @param {{fetch?: typeof fetch, credentials?: CredentialsContainer, appId?: string}} [options] `appId`:
   *   the app that brought the user (attribution, sent as `Peers-App`)
   */
  constructor(baseUrl, { fetch: fetchImpl, credentials, appId } = {}) {
    this.#base = trimBase(baseUrl);
    this.#fetch = fetchImpl;
    this.#credentials = credentials === undefined ? globalThis.navigator?.credentials : credentials;
    this.#appId = appId;
  }

  /**
   * @param {string} method @param {string} path
   * @param {{json?: unknown, token?: string, identity?: Identity}} [options] `identity`: sign the request (RFC 9421)
   */
  #call(method, path, { json, token, identity } = {}) {
    /** @type {Record<string, string>} */
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (this.#appId) headers['peers-app'] = this.#appId;
    return requestJson(this.#base + API + path, { method, json, headers, identity, fetch: this.#fetch });
  }

  #container() {
    if (!this.#credentials) throw new PasskeyError('no WebAuthn here (navigator.credentials): a browser is needed');
    return this.#credentials;
  }

  /**
   * Signs up with a new passkey (mode prf): the identity proves possession, the keys are wrapped with
   * the passkey's PRF output (from create(), or from a login right after when create() gave none).
   * Throws PasskeyError when the authenticator has no PRF: nothing usable is stored then.
   * @param {Identity} identity @param {EncryptionKeyPair} encryption @param {{userName?: string}} [options]
   */
  async signUp(identity, encryption, { userName } = {}) {
    const container = this.#container();
    const options = await this.#call('POST', '/registrations/options', { json: { appId: this.#appId, userName } });
    const credential = /** @type {any} */ (await container.create({ publicKey: creationOptions(options.publicKey) }));
    if (credential?.getClientExtensionResults?.()?.prf?.enabled === false) {
      throw new PasskeyError('this passkey has no PRF: it cannot protect your key (use another authenticator)');
    }
    const proof = toBase64Url(await identity.sign(utf8(`${SIGNUP_CONTEXT}\n${options.publicKey.challenge}`)));
    const prf = prfOutput(credential);
    const body = {
      ceremonyId: options.ceremonyId,
      credential: stripPrfResults(credential.toJSON()),
      identityKey: identity.peerKey,
      identityProof: proof,
      encryptionKey: encryption.encryptionKey,
      mode: 'prf',
    };
    // the passkey's PRF salt id comes with the new account: the wrap is stored right after sign-up
    const signedUp = await this.#call('POST', '/registrations', { json: body });
    let output = prf;
    let session = signedUp.session;
    if (!output) {
      const login = await this.#assert(signedUp.accountId);
      output = login.prf;
      session = login.answer.session;
      if (!output) throw new PasskeyError('the passkey gave no PRF output: the key cannot be wrapped');
    }
    const wrap = await sealKeys(await prfWrappingKey(output), identity, encryption);
    await this.#call('PUT', `/account/credentials/${encodeURIComponent(signedUp.credentialId)}/wrap`,
      { json: { ...wrap, saltId: signedUp.prfSaltId }, token: session.token });
    return { accountId: signedUp.accountId, credentialId: signedUp.credentialId, session };
  }

  /**
   * One login ceremony: PRF output (kept here) and the server's answer.
   * @param {string | undefined} accountId @param {string} [onlyCredentialId] offer only this passkey to the authenticator
   */
  async #assert(accountId, onlyCredentialId) {
    const container = this.#container();
    const options = await this.#call('POST', '/authentications/options', { json: accountId ? { accountId } : {} });
    const publicKey = onlyCredentialId ? onlyCredential(options.publicKey, onlyCredentialId) : options.publicKey;
    const credential = /** @type {any} */ (await container.get({ publicKey: requestOptions(publicKey) }));
    const prf = prfOutput(credential);
    const answer = await this.#call('POST', '/authentications', { json: { ceremonyId: options.ceremonyId, credential: stripPrfResults(credential.toJSON()) } });
    return { prf, answer };
  }

  /**
   * Logs in with a passkey and unwraps the keys. Without `accountId` (a new device), a first
   * ceremony with any discoverable passkey names the account, a second one evaluates its PRF.
   * @param {{accountId?: string}} [options]
   */
  async logIn({ accountId } = {}) {
    let account = accountId;
    if (!account) account = (await this.#assert(undefined)).answer.accountId;
    const { prf, answer } = await this.#assert(account);
    if (!answer.wrap) throw new PasskeyError('no wrapped key is stored for this passkey');
    if (!prf) throw new PasskeyError('the passkey gave no PRF output: the key cannot be unwrapped');
    const keys = await openKeys(await prfWrappingKey(prf), answer.wrap);
    if (keys.identity.peerKey !== answer.identityKey) throw new PasskeyError('the unwrapped key is not the account\'s');
    return { accountId: answer.accountId, credentialId: answer.credentialId, session: answer.session, ...keys };
  }

  /**
   * Adds a passkey of this device to the account (mode prf) and wraps the keys with it. A session
   * (logged in with another passkey) authorizes it; without one — e.g. right after `recover(code)` on a
   * new device — the identity key signs the two requests (RFC 9421), so the keys alone can add a
   * passkey. Then logs in with exactly the new passkey, derives its wrapping key from its PRF output
   * (which never leaves this device) and stores the wrap. Returns that login's session.
   * @param {Identity} identity @param {EncryptionKeyPair} encryption
   * @param {{accountId: string, session?: {token: string}}} options
   * @returns {Promise<{accountId: string, credentialId: string, session: {token: string, expiresAt?: string}}>}
   */
  async addPasskey(identity, encryption, { accountId, session }) {
    if (!accountId) throw new PasskeyError('addPasskey needs the accountId (from logIn, signUp or recover)');
    const container = this.#container();
    const auth = session ? { token: session.token } : { identity };
    const prefix = session ? '/account' : '/recovery';
    const options = await this.#call('POST', `${prefix}/credentials/options`, auth);
    const credential = /** @type {any} */ (await container.create({ publicKey: creationOptions(options.publicKey) }));
    if (credential?.getClientExtensionResults?.()?.prf?.enabled === false) {
      throw new PasskeyError('this passkey has no PRF: it cannot protect your key (use another authenticator)');
    }
    const added = await this.#call('POST', `${prefix}/credentials`,
      { ...auth, json: { ceremonyId: options.ceremonyId, credential: stripPrfResults(credential.toJSON()) } });
    const { prf, answer } = await this.#assert(accountId, added.credentialId);
    if (answer.credentialId !== added.credentialId) throw new PasskeyError('the login used another passkey than the one just added');
    if (!prf) throw new PasskeyError('the new passkey gave no PRF output: the key cannot be wrapped');
    const wrap = await sealKeys(await prfWrappingKey(prf), identity, encryption);
    if (wrap.identityKey !== answer.identityKey) throw new PasskeyError('these keys are not the account\'s');
    await this.#call('PUT', `/account/credentials/${encodeURIComponent(added.credentialId)}/wrap`,
      { json: { ...wrap, saltId: added.prfSaltId }, token: answer.session.token });
    return { accountId: answer.accountId, credentialId: added.credentialId, session: answer.session };
  }

  /**
   * Removes a passkey (with its wrap and sessions). The server refuses the last way to unlock the
   * keys (`last-way-to-unlock`). @param {{token: string}} session @param {string} credentialId
   */
  async removePasskey(session, credentialId) {
    await this.#call('DELETE', `/account/credentials/${encodeURIComponent(credentialId)}`, { token: session.token });
  }

  /** Deletes the account: every passkey, wrap, recovery wrap and session. @param {{token: string}} session */
  async deleteAccount(session) {
    await this.#call('DELETE', '/account', { token: session.token });
  }

  /** The session's account (passkeys, mode, whether a recovery wrap exists). @param {{token: string}} session */
  account(session) {
    return this.#call('GET', '/account', { token: session.token });
  }

  /**
   * Makes a recovery code and stores the keys wrapped by it; returns the code (show it once).
   * @param {{token: string}} session @param {Identity} identity @param {EncryptionKeyPair} encryption
   */
  async createRecoveryCode(session, identity, encryption) {
    const code = newRecoveryCode();
    const kdfSalt = crypto.getRandomValues(new Uint8Array(16));
    const { lookup, wrappingKey } = await recoveryKeys(code, kdfSalt);
    const wrap = await sealKeys(/** @type {CryptoKey} */ (wrappingKey), identity, encryption);
    await this.#call('PUT', '/account/recovery', { json: { ...wrap, lookup, kdfSalt: toBase64Url(kdfSalt) }, token: session.token });
    return code;
  }

  /** Opens the keys with a recovery code (no passkey needed). @param {string} code */
  async recover(code) {
    const { lookup } = await recoveryKeys(code);
    const wrap = await this.#call('GET', `/recovery/${lookup}`);
    const { wrappingKey } = await recoveryKeys(code, fromBase64Url(wrap.kdfSalt));
    return { accountId: wrap.accountId, ...(await openKeys(/** @type {CryptoKey} */ (wrappingKey), wrap)) };
  }

  /** Ends the session. @param {{token: string}} session */
  logOut(session) {
    return this.#call('DELETE', '/session', { token: session.token });
  }
}
