// backup-service client (/backup/v1): repositories, client-encrypted objects uploaded and downloaded
// through presigned S3 URLs (the bytes never pass through the service, and the service never has a key
// to them), and snapshots that name the objects of one backup.
import { concat, fromBase64Url, utf8 } from './base64.js';
import { PeersProblem } from './errors.js';
import { requestJson, trimBase } from './http.js';

const API = '/backup/v1';
const SEAL_VERSION = 1;
const KEY_INFO = 'peers-backup/v1';

/** Lower-case hex SHA-256 of bytes. @param {Uint8Array} data */
export async function sha256Hex(data) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A downloaded object whose bytes are not what its name (SHA-256) says, or a backup that does not decrypt. */
export class BackupIntegrityError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'BackupIntegrityError';
  }
}

/**
 * The key that encrypts an identity's backups: HKDF-SHA-256 over the identity's private key, so
 * whoever gets the identity back (passkey, recovery code) can read its backups, and nobody else.
 * Sealed objects are `0x01 || nonce(12) || AES-256-GCM(plaintext)`.
 */
export class BackupKey {
  #key;

  /** @param {CryptoKey} key */
  constructor(key) {
    this.#key = key;
  }

  /** @param {import('./identity.js').Identity} identity (extractable) */
  static async forIdentity(identity) {
    const { d } = await identity.exportJwk();
    const ikm = await crypto.subtle.importKey('raw', fromBase64Url(/** @type {string} */ (d)), 'HKDF', false, ['deriveKey']);
    const key = await crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: utf8(identity.peerKey), info: utf8(KEY_INFO) },
      ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    return new BackupKey(key);
  }

  /** @param {Uint8Array | string} plaintext */
  async seal(plaintext) {
    const nonce = crypto.getRandomValues(new Uint8Array(12));
    const data = typeof plaintext === 'string' ? utf8(plaintext) : plaintext;
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce }, this.#key, data));
    return concat(new Uint8Array([SEAL_VERSION]), nonce, sealed);
  }

  /** @param {Uint8Array} sealed */
  async open(sealed) {
    if (sealed.length < 29 || sealed[0] !== SEAL_VERSION) throw new BackupIntegrityError('not a version 1 sealed backup object');
    try {
      return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(1, 13) }, this.#key, sealed.subarray(13)));
    } catch {
      throw new BackupIntegrityError('the backup object does not decrypt with this identity\'s backup key');
    }
  }
}

/** backup-service's native API, signed by one identity. */
export class BackupClient {
  #base;
  #identity;
  #fetch;

  /**
   * @param {string} baseUrl @param {import('./identity.js').Identity} identity
   * @param {{fetch?: typeof fetch}} [options] `fetch` is also used for the presigned S3 URLs
   */
  constructor(baseUrl, identity, { fetch: fetchImpl } = {}) {
    this.#base = trimBase(baseUrl);
    this.#identity = identity;
    this.#fetch = fetchImpl ?? ((/** @type {any} */ ...args) => globalThis.fetch(...args));
  }

  /** @param {string} method @param {string} path @param {unknown} [json] */
  #call(method, path, json) {
    return requestJson(this.#base + API + path, { method, identity: this.#identity, json, fetch: this.#fetch });
  }

  /** @param {{name: string}} repo */
  createRepo({ name }) {
    return this.#call('POST', '/repos', { name });
  }

  async listRepos() {
    return (await this.#call('GET', '/repos')).repos;
  }

  /** @param {string} repo */
  getRepo(repo) {
    return this.#call('GET', `/repos/${encodeURIComponent(repo)}`);
  }

  /** @param {string} repo */
  deleteRepo(repo) {
    return this.#call('DELETE', `/repos/${encodeURIComponent(repo)}`);
  }

  /** The repository of this name, created when missing. @param {string} name */
  async repo(name) {
    const found = (await this.listRepos()).find((/** @type {any} */ r) => r.name === name);
    return found ?? this.createRepo({ name });
  }

  /**
   * Stores bytes (already encrypted by the caller) under their SHA-256: announces the upload, PUTs
   * them to the presigned URL(s) (S3 checks the checksum), completes. Deduplicated: an object the
   * repository holds is not uploaded again. Returns the stored object `{sha256, size, createdAt}`.
   * @param {string} repo @param {Uint8Array} bytes
   */
  async putObject(repo, bytes) {
    const sha256 = await sha256Hex(bytes);
    const r = encodeURIComponent(repo);
    const upload = await this.#call('POST', `/repos/${r}/uploads`, { sha256, size: bytes.length });
    if (upload.exists) return upload.object;
    if (upload.url) {
      await this.#put(upload.url, bytes, upload.headers ?? {});
    } else {
      let offset = 0;
      for (const part of upload.parts) {
        await this.#put(part.url, bytes.subarray(offset, offset + part.size), {});
        offset += part.size;
      }
    }
    return this.#call('POST', `/repos/${r}/uploads/${encodeURIComponent(upload.id)}/complete`);
  }

  /** @param {string} url @param {Uint8Array} body @param {Record<string, string>} headers */
  async #put(url, body, headers) {
    const res = await this.#fetch(url, { method: 'PUT', body, headers });
    if (!res.ok) throw new PeersProblem({ title: 'the presigned upload failed', detail: `S3 answered ${res.status}` }, res.status);
  }

  /**
   * Downloads an object through a presigned URL and checks that its bytes hash to its name.
   * @param {string} repo @param {string} sha256
   */
  async getObject(repo, sha256) {
    const link = await this.#call('GET', `/repos/${encodeURIComponent(repo)}/objects/${encodeURIComponent(sha256)}`);
    const res = await this.#fetch(link.url);
    if (!res.ok) throw new PeersProblem({ title: 'the presigned download failed', detail: `S3 answered ${res.status}` }, res.status);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if ((await sha256Hex(bytes)) !== sha256) throw new BackupIntegrityError(`object ${sha256} came back with other bytes`);
    return bytes;
  }

  /** @param {string} repo @param {{after?: string, limit?: number}} [options] */
  listObjects(repo, { after, limit } = {}) {
    const q = new URLSearchParams();
    if (after) q.set('after', after);
    if (limit) q.set('limit', String(limit));
    return this.#call('GET', `/repos/${encodeURIComponent(repo)}/objects${q.size ? `?${q}` : ''}`);
  }

  /** Records a snapshot of stored objects. @param {string} repo @param {{name: string, objects: string[], takenAt?: string}} snapshot */
  createSnapshot(repo, { name, objects, takenAt }) {
    return this.#call('POST', `/repos/${encodeURIComponent(repo)}/snapshots`, { name, objects, takenAt });
  }

  /** @param {string} repo */
  async listSnapshots(repo) {
    return (await this.#call('GET', `/repos/${encodeURIComponent(repo)}/snapshots`)).snapshots;
  }

  /** @param {string} repo @param {string} snapshot */
  getSnapshot(repo, snapshot) {
    return this.#call('GET', `/repos/${encodeURIComponent(repo)}/snapshots/${encodeURIComponent(snapshot)}`);
  }

  /** @param {string} repo @param {string} snapshot */
  deleteSnapshot(repo, snapshot) {
    return this.#call('DELETE', `/repos/${encodeURIComponent(repo)}/snapshots/${encodeURIComponent(snapshot)}`);
  }

  /**
   * Encrypts `plaintext` with the key, stores it and records a snapshot `name` of it.
   * @param {string} repo @param {BackupKey} key @param {string} name @param {Uint8Array | string} plaintext
   */
  async backUp(repo, key, name, plaintext) {
    const object = await this.putObject(repo, await key.seal(plaintext));
    return this.createSnapshot(repo, { name, objects: [object.sha256] });
  }

  /**
   * The decrypted content of the newest snapshot named `name` (or null when there is none).
   * @param {string} repo @param {BackupKey} key @param {string} name
   */
  async restoreLatest(repo, key, name) {
    const snapshots = (await this.listSnapshots(repo)).filter((/** @type {any} */ s) => s.name === name);
    if (snapshots.length === 0) return null;
    snapshots.sort((/** @type {any} */ a, /** @type {any} */ b) => Date.parse(b.takenAt) - Date.parse(a.takenAt));
    const snapshot = await this.getSnapshot(repo, snapshots[0].id);
    const parts = [];
    for (const o of snapshot.objects) parts.push(await key.open(await this.getObject(repo, o.sha256)));
    return { snapshot, plaintext: concat(...parts) };
  }
}
