// key-registry client (docs/api/key-registry.md): every answer that carries a proof is verified
// as in "Verifying a lookup" before it is returned; a failure throws ProofError.
import { fromBase64Url, toBase64Url, utf8, concat } from './base64.js';
import { ProofError, PeersProblem } from './errors.js';
import { peerKeyBytes, verifyPeerSignature } from './identity.js';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.js';
import { signedFetch } from './signing.js';

const API = '/registry/v1';
const ENTRY_CONTEXT = 'peers-registry-entry/v1';
const TREE_HEAD_CONTEXT = 'peers-registry-tree-head/v1';
const DEVICE_CONTEXT = 'peers-registry-device/v1';
const ROTATE_CONTEXT = 'peers-registry-rotate/v1';
const LEVELS = ['public', 'unlisted', 'private'];

/** The text a device certificate signs. @param {string} identityKey @param {string} deviceKey @param {number} expires */
export function deviceCertificateText(identityKey, deviceKey, expires) {
  return utf8(`${DEVICE_CONTEXT}\n${identityKey}\n${deviceKey}\n${expires}`);
}

/** The text a tree head signature covers. */
export function treeHeadText(/** @type {{origin: string, treeSize: number, rootHash: string, signedAt: number}} */ head) {
  return utf8(`${TREE_HEAD_CONTEXT}\n${head.origin}\n${head.treeSize}\n${head.rootHash}\n${head.signedAt}\n`);
}

/** SHA-256("peers-registry-entry/v1" || 0x00 || salt || entry). @param {Uint8Array} salt @param {string} entry */
export async function entryCommitment(salt, entry) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concat(utf8(ENTRY_CONTEXT), new Uint8Array([0]), salt, utf8(entry))));
}

/**
 * Certifies a device key with an identity: the certificate is the identity key's signature over
 * "peers-registry-device/v1\n" + identityKey + "\n" + deviceKey + "\n" + expires.
 * @param {import('./identity.js').Identity} identity @param {string} deviceKey @param {number} expires unix seconds
 */
export async function certifyDevice(identity, deviceKey, expires) {
  peerKeyBytes(deviceKey);
  if (!Number.isSafeInteger(expires) || expires <= 0) throw new TypeError('expires must be unix seconds');
  const certificate = toBase64Url(await identity.sign(deviceCertificateText(identity.peerKey, deviceKey, expires)));
  return { key: deviceKey, expires, certificate };
}

/**
 * An approximation of the registry's NFKC_Casefold, applied to both sides of a comparison: enough
 * to check that an answer is about the handle that was asked for.
 * @param {string} handle
 */
function fold(handle) {
  return handle.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** @param {boolean} condition @param {string} message @returns {asserts condition} */
function check(condition, message) {
  if (!condition) throw new ProofError(message);
}

/** @param {string} value @param {string} what */
function decode(value, what) {
  try {
    return fromBase64Url(value);
  } catch {
    throw new ProofError(`${what} is not unpadded base64url`);
  }
}

/** @param {unknown} v */
const orNull = (v) => (v === undefined ? null : v);

/** Client of one key-registry; remembers the largest verified tree head it has seen. */
export class RegistryClient {
  #base;
  #fetch;
  #logKey;
  #logKeyPromise;
  /** @type {null | {origin: string, treeSize: number, rootHash: string, signedAt: number, signature: string, logKey: string}} */
  #largest = null;
  #queue = Promise.resolve();
  /** @type {ProofError | null} */
  #forked = null;

  /**
   * @param {string} baseUrl the host serving /registry/v1 (e.g. https://peers.example)
   * @param {{logKey?: string, fetch?: typeof fetch}} [options] `logKey`: the log's public key to
   *   trust (pin it in the app); when absent it is taken once from /.well-known/peers-services.
   */
  constructor(baseUrl, { logKey, fetch: fetchImpl } = {}) {
    this.#base = String(baseUrl).replace(/\/+$/, '');
    this.#fetch = fetchImpl ?? ((/** @type {any} */ ...args) => globalThis.fetch(...args));
    if (logKey !== undefined) peerKeyBytes(logKey);
    this.#logKey = logKey;
  }

  /** The largest verified tree head seen so far (persist it to carry the check across sessions). */
  get largestTreeHead() {
    return this.#largest ? { ...this.#largest } : null;
  }

  /** The trusted log key: the pinned one, or the discovery document's (fetched once). */
  async logKey() {
    if (this.#logKey) return this.#logKey;
    this.#logKeyPromise ??= this.#json('GET', '/.well-known/peers-services').then((doc) => {
      const key = doc?.registry?.logKey;
      peerKeyBytes(key);
      this.#logKey = key;
      return key;
    });
    return this.#logKeyPromise;
  }

  // ---- writes (signed) ----

  /**
   * Registers `identity` (it signs the request: proof of possession).
   * @param {import('./identity.js').Identity} identity
   * @param {{handle: string, encryptionKey?: string, discoverability?: 'public'|'unlisted'|'private', devices?: Array<{key: string, expires: number, certificate: string}>}} registration
   */
  async register(identity, { handle, encryptionKey, discoverability, devices }) {
    const body = await this.#json('POST', `${API}/identities`, { identity, json: { handle, encryptionKey, discoverability, devices } });
    return this.#verifyAnswer(body, (e) => {
      check(e.identity === identity.peerKey && e.identityKey === identity.peerKey, 'the registration answer is about another key');
      check(typeof e.handle === 'string' && fold(e.handle) === fold(handle), 'the registration answer is about another handle');
      check(encryptionKey === undefined || e.encryptionKey === encryptionKey, 'the registration answer has another encryption key');
      check(discoverability === undefined || e.discoverability === discoverability, 'the registration answer has another discoverability');
      for (const d of devices ?? []) check(e.devices.some((x) => x.key === d.key), 'a registered device is missing from the entry');
    });
  }

  /** @param {import('./identity.js').Identity} identity @param {string} deviceKey @param {number} expires */
  certifyDevice(identity, deviceKey, expires) {
    return certifyDevice(identity, deviceKey, expires);
  }

  /** Adds a certified device. @param {import('./identity.js').Identity} identity @param {{key: string, expires: number, certificate: string}} device */
  async addDevice(identity, device) {
    const body = await this.#json('POST', `${API}/identities/${identity.peerKey}/devices`, { identity, json: device });
    return this.#verifyAnswer(body, (e) => {
      this.#isCurrent(e, identity);
      check(e.devices.some((x) => x.key === device.key), 'the added device is missing from the entry');
    });
  }

  /** @param {import('./identity.js').Identity} identity @param {string} deviceKey */
  async removeDevice(identity, deviceKey) {
    const body = await this.#json('DELETE', `${API}/identities/${identity.peerKey}/devices/${encodeURIComponent(deviceKey)}`, { identity });
    return this.#verifyAnswer(body, (e) => {
      this.#isCurrent(e, identity);
      check(!e.devices.some((x) => x.key === deviceKey), 'the removed device is still in the entry');
    });
  }

  /**
   * Rotates to `newIdentity`. The request is signed by the current key; the new key proves
   * possession. Devices not re-certified by the new key (`devices`) are removed.
   * @param {import('./identity.js').Identity} identity the current key
   * @param {import('./identity.js').Identity} newIdentity
   * @param {{devices?: Array<{key: string, expires: number, certificate: string}>}} [options]
   */
  async rotate(identity, newIdentity, { devices } = {}) {
    const proof = toBase64Url(await newIdentity.sign(utf8(`${ROTATE_CONTEXT}\n${identity.peerKey}\n${newIdentity.peerKey}`)));
    const body = await this.#json('POST', `${API}/identities/${identity.peerKey}/rotation`, {
      identity, json: { newKey: newIdentity.peerKey, proof, devices },
    });
    return this.#verifyAnswer(body, (e) => {
      check(e.identityKey === newIdentity.peerKey, 'the rotation answer does not carry the new key');
      for (const d of devices ?? []) check(e.devices.some((x) => x.key === d.key), 'a re-certified device is missing from the entry');
    });
  }

  /** @param {import('./identity.js').Identity} identity @param {'public'|'unlisted'|'private'} discoverability */
  async setDiscoverability(identity, discoverability) {
    if (!LEVELS.includes(discoverability)) throw new TypeError(`discoverability is one of ${LEVELS.join(', ')}`);
    const body = await this.#json('PUT', `${API}/identities/${identity.peerKey}/discoverability`, { identity, json: { discoverability } });
    return this.#verifyAnswer(body, (e) => {
      this.#isCurrent(e, identity);
      check(e.discoverability === discoverability, 'the answer does not carry the new discoverability');
    });
  }

  /** @param {import('./identity.js').Identity} identity @param {string} handle */
  async changeHandle(identity, handle) {
    const body = await this.#json('PUT', `${API}/identities/${identity.peerKey}/handle`, { identity, json: { handle } });
    return this.#verifyAnswer(body, (e) => {
      this.#isCurrent(e, identity);
      check(typeof e.handle === 'string' && fold(e.handle) === fold(handle), 'the answer does not carry the new handle');
    });
  }

  /** @param {import('./identity.js').Identity} identity */
  async releaseHandle(identity) {
    const body = await this.#json('DELETE', `${API}/identities/${identity.peerKey}/handle`, { identity });
    return this.#verifyAnswer(body, (e) => {
      this.#isCurrent(e, identity);
      check(e.handle === null, 'the answer still carries a handle');
    });
  }

  /** Revokes the identity for good. @param {import('./identity.js').Identity} identity */
  async revoke(identity) {
    const body = await this.#json('POST', `${API}/identities/${identity.peerKey}/revocation`, { identity });
    return this.#verifyAnswer(body, (e) => {
      this.#isCurrent(e, identity);
      check(e.status === 'revoked', 'the answer is not revoked');
    });
  }

  // ---- reads ----

  /** Looks up a public or unlisted identity by exact handle. @param {string} handle */
  async lookupHandle(handle) {
    const body = await this.#json('GET', `${API}/handles/${encodeURIComponent(handle)}`);
    return this.#verifyAnswer(body, (e) => {
      check(typeof e.handle === 'string' && fold(e.handle) === fold(handle), 'the answer is about another handle');
    });
  }

  /**
   * Looks up an identity by a current or former key. `keyMatch` tells how the key relates to the
   * proven entry: 'current', 'first' (the identity's id) or 'former' (an intermediate key, which
   * one entry cannot prove; only the owner's history can).
   * @param {string} key
   */
  async lookupKey(key) {
    peerKeyBytes(key);
    const body = await this.#json('GET', `${API}/identities/${key}`);
    const result = await this.#verifyAnswer(body, () => {});
    const keyMatch = result.identity.identityKey === key ? 'current' : result.identity.id === key ? 'first' : 'former';
    return { ...result, keyMatch };
  }

  /**
   * Prefix search over public handles (not proven: confirm a hit with lookupHandle).
   * @param {string} prefix @param {string} [after] @param {number} [limit]
   */
  async search(prefix, after, limit) {
    const q = new URLSearchParams({ prefix });
    if (after !== undefined && after !== null) q.set('after', after);
    if (limit !== undefined && limit !== null) q.set('limit', String(limit));
    const body = await this.#json('GET', `${API}/handles?${q}`);
    return { handles: Array.isArray(body.handles) ? body.handles : [], next: body.next ?? null };
  }

  /**
   * Every log entry about the caller's identity, all pages, each proven, checked as one chain
   * (seq 1, 2, …; each `prev` the previous entry's leaf index; one identity throughout).
   * @param {import('./identity.js').Identity} identity
   */
  async history(identity) {
    /** @type {Array<{entry: any, leafIndex: number, treeHead: any}>} */
    const entries = [];
    let after = null;
    for (let page = 0; page < 10_000; page++) {
      const q = new URLSearchParams({ limit: '100' });
      if (after !== null) q.set('after', String(after));
      const body = await this.#json('GET', `${API}/identities/${identity.peerKey}/history?${q}`, { identity });
      check(Array.isArray(body.entries), 'the history has no entries list');
      for (const proof of body.entries) {
        const entry = await this.#verifyProof(proof);
        const previous = entries[entries.length - 1];
        if (previous === undefined) {
          check(entry.seq === 1 && entry.prev === null, 'the history does not start at the first entry');
        } else {
          check(entry.identity === previous.entry.identity, 'the history mixes identities');
          check(entry.seq === previous.entry.seq + 1, 'the history skips an entry (seq)');
          check(entry.prev === previous.leafIndex, 'the history skips an entry (prev)');
        }
        entries.push({ entry, leafIndex: proof.leafIndex, treeHead: proof.treeHead });
      }
      if (body.next === null || body.next === undefined) break;
      after = body.next;
    }
    check(entries.some((e) => e.entry.identityKey === identity.peerKey), 'the history never names the caller\'s key');
    return entries;
  }

  /** The newest signed tree head, verified (and checked for consistency with the largest seen). */
  async treeHead() {
    const head = await this.#json('GET', `${API}/log/tree-head`);
    await this.#verifyHead(head);
    return head;
  }

  /**
   * Verifies that the log of size `second` extends the log of size `first` (RFC 9162 §2.1.4):
   * fetches and verifies both signed heads and the consistency proof between them.
   * @param {number} first @param {number} second
   */
  async consistency(first, second) {
    const [a, b] = await Promise.all([first, second].map((n) => this.#json('GET', `${API}/log/tree-heads/${n}`)));
    await this.#verifyHead(a);
    await this.#verifyHead(b);
    check(a.treeSize === first && b.treeSize === second, 'the log answered heads of other sizes');
    const proof = await this.#consistencyProof(a, b);
    return { first: a, second: b, proof };
  }

  // ---- verification ----

  /** @param {any} e @param {import('./identity.js').Identity} identity */
  #isCurrent(e, identity) {
    check(e.identityKey === identity.peerKey, 'the answer is about another key');
  }

  /**
   * Steps 1-5 of "Verifying a lookup" for an {identity, proof} answer, then `expect(entry)`.
   * @param {any} body @param {(entry: any) => void} expect
   */
  async #verifyAnswer(body, expect) {
    check(body && typeof body === 'object' && body.identity && typeof body.identity === 'object', 'the answer has no identity');
    const entry = await this.#verifyProof(body.proof);
    const id = body.identity;
    // 1. The entry says what the answer says.
    check(id.id === entry.identity, 'identity.id differs from the entry');
    check(id.identityKey === entry.identityKey, 'identity.identityKey differs from the entry');
    check(orNull(id.handle) === orNull(entry.handle), 'identity.handle differs from the entry');
    check(orNull(id.encryptionKey) === orNull(entry.encryptionKey), 'identity.encryptionKey differs from the entry');
    check(id.discoverability === entry.discoverability, 'identity.discoverability differs from the entry');
    check(id.status === entry.status, 'identity.status differs from the entry');
    const devices = Array.isArray(id.devices) ? id.devices : [];
    check(devices.length === entry.devices.length, 'identity.devices differ from the entry');
    for (const d of devices) {
      check(entry.devices.some((x) => x.key === d?.key && x.expires === d?.expires && x.certificate === d?.certificate),
        'identity.devices differ from the entry');
    }
    expect(entry);
    // The entry's values, never only the identity object's.
    return {
      identity: {
        id: entry.identity,
        identityKey: entry.identityKey,
        handle: orNull(entry.handle),
        encryptionKey: orNull(entry.encryptionKey),
        discoverability: entry.discoverability,
        status: entry.status,
        devices: entry.devices.map((/** @type {any} */ d) => ({ key: d.key, expires: d.expires, certificate: d.certificate })),
      },
      entry,
      leafIndex: body.proof.leafIndex,
      treeHead: body.proof.treeHead,
    };
  }

  /** Steps 2-5 for one proof; returns the parsed entry. @param {any} proof */
  async #verifyProof(proof) {
    check(proof && typeof proof === 'object', 'the answer has no proof');
    const { leafIndex, entry: text, salt, inclusion, treeHead } = proof;
    check(typeof text === 'string' && typeof salt === 'string' && Array.isArray(inclusion) && Number.isSafeInteger(leafIndex),
      'the proof is incomplete');
    // 2. The entry is the leaf (hash the exact text received).
    const leaf = await leafHash(await entryCommitment(decode(salt, 'proof.salt'), text));
    // 4 (first, so that the root is one the log signed). The tree head is signed by the log.
    await this.#verifyHead(treeHead);
    // 3. The leaf is in the tree.
    const path = inclusion.map((/** @type {any} */ p) => decode(p, 'proof.inclusion'));
    check(await verifyInclusion(leafIndex, treeHead.treeSize, leaf, path, decode(treeHead.rootHash, 'rootHash')),
      'the inclusion proof does not verify: the entry is not in the signed tree');
    let entry;
    try {
      entry = JSON.parse(text);
    } catch {
      throw new ProofError('the entry is not JSON');
    }
    check(entry && entry.v === 1 && typeof entry.identity === 'string' && typeof entry.identityKey === 'string'
      && Array.isArray(entry.devices) && Number.isSafeInteger(entry.seq), 'the entry is not a v1 registry entry');
    // A device is only the identity's if the identity key certified it.
    for (const d of entry.devices) {
      check(d && typeof d.key === 'string' && Number.isSafeInteger(d.expires) && typeof d.certificate === 'string'
        && (await verifyPeerSignature(entry.identityKey, deviceCertificateText(entry.identityKey, d.key, d.expires), decode(d.certificate, 'certificate'))),
        'a device certificate in the entry does not verify with the identity key');
    }
    return entry;
  }

  /** Step 4 (signature by the trusted key) and step 5 (consistency with the largest head seen). @param {any} head */
  async #verifyHead(head) {
    if (this.#forked) throw this.#forked;
    check(head && typeof head === 'object' && typeof head.origin === 'string' && Number.isSafeInteger(head.treeSize) && head.treeSize > 0
      && typeof head.rootHash === 'string' && Number.isSafeInteger(head.signedAt) && typeof head.signature === 'string',
    'the tree head is incomplete');
    const trusted = await this.logKey();
    check(head.logKey === trusted, 'the tree head names another log key than the trusted one');
    check(decode(head.rootHash, 'rootHash').length === 32, 'the root hash is not 32 bytes');
    check(await verifyPeerSignature(trusted, treeHeadText(head), decode(head.signature, 'tree head signature')),
      'the tree head signature does not verify with the trusted log key');
    await this.#observe(head);
  }

  /** Keeps the largest head; proves every other head consistent with it (serialized). @param {any} head */
  #observe(head) {
    const run = this.#queue.then(async () => {
      if (this.#forked) throw this.#forked;
      const largest = this.#largest;
      const seen = { origin: head.origin, treeSize: head.treeSize, rootHash: head.rootHash, signedAt: head.signedAt, signature: head.signature, logKey: head.logKey };
      try {
        if (largest === null) {
          this.#largest = seen;
        } else if (head.treeSize === largest.treeSize) {
          check(head.rootHash === largest.rootHash, `two different roots for tree size ${head.treeSize}: the log forked`);
        } else if (head.treeSize > largest.treeSize) {
          await this.#consistencyProof(largest, head);
          this.#largest = seen;
        } else {
          await this.#consistencyProof(head, largest);
        }
      } catch (e) {
        if (e instanceof ProofError) this.#forked = new ProofError(`${e.message} (this client no longer trusts the log)`);
        throw e;
      }
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Fetches and verifies the consistency proof from head a to head b. @param {any} a @param {any} b */
  async #consistencyProof(a, b) {
    if (a.treeSize === b.treeSize) {
      check(a.rootHash === b.rootHash, `two different roots for tree size ${a.treeSize}: the log forked`);
      return [];
    }
    const body = await this.#json('GET', `${API}/log/proofs/consistency?first=${a.treeSize}&second=${b.treeSize}`);
    check(body && body.first === a.treeSize && body.second === b.treeSize && Array.isArray(body.proof), 'the consistency answer is about other sizes');
    const proof = body.proof.map((/** @type {any} */ p) => decode(p, 'consistency proof'));
    check(await verifyConsistency(a.treeSize, b.treeSize, decode(a.rootHash, 'rootHash'), decode(b.rootHash, 'rootHash'), proof),
      `the log of size ${b.treeSize} is not consistent with the log of size ${a.treeSize}: the log forked`);
    return body.proof;
  }

  // ---- HTTP ----

  /**
   * @param {string} method @param {string} path
   * @param {{identity?: import('./identity.js').Identity, json?: unknown}} [options]
   */
  async #json(method, path, { identity, json } = {}) {
    const url = this.#base + path;
    const body = json === undefined ? undefined : JSON.stringify(json);
    let response;
    if (identity) {
      response = await signedFetch(identity, url, { method, body, headers: body === undefined ? {} : { 'content-type': 'application/json' }, fetch: this.#fetch });
    } else {
      response = await this.#fetch(url, { method, headers: { accept: 'application/json' } });
    }
    const text = await response.text();
    let parsed = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (!response.ok) {
      throw new PeersProblem(parsed && typeof parsed === 'object' ? parsed : { title: text.slice(0, 200) || `HTTP ${response.status}` }, response.status);
    }
    if (parsed === null || typeof parsed !== 'object') {
      throw new PeersProblem({ title: 'the answer is not JSON', detail: `${method} ${path} answered ${response.status} without a JSON body` }, response.status);
    }
    return parsed;
  }
}

