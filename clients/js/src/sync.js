// sync-buffer client (docs/api/sync-buffer.md): streams, members, records encrypted end to end with
// a stream key (AES-256-GCM), the stream key wrapped per member (X25519 + HKDF-SHA-256 + AES-256-GCM),
// cursors and the live tail. The server only ever sees ciphertext and wrapped keys.
import { concat, fromBase64Url, toBase64Url, utf8 } from './base64.js';
import { requestBytes, requestJson, trimBase } from './http.js';
import { peerKeyBytes } from './identity.js';
import { PeersSocket, SocketError, webSocketUrl } from './socket.js';

const API = '/sync/v1';
const TAIL = '/sync/v1/tail';
const RECORD_VERSION = 1;
const WRAP_VERSION = 1;
const RECORD_CONTEXT = 'peers-sync-record/v1';
const WRAP_CONTEXT = 'peers-sync-stream-key/v1';

/** A record or wrapped key that cannot be decrypted: wrong key, wrong stream or record id, or tampered bytes. */
export class DecryptionError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/** A binary page (Accept: application/octet-stream) that does not follow the format of docs/api/sync-buffer.md. */
export class PageFormatError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'PageFormatError';
  }
}

const PAGE_TYPE = 'application/octet-stream';
const PAGE_MAGIC = 'SBP1';
const PAGE_HEADER_BYTES = 4 + 8 + 8 + 8 + 1 + 4;
const RECORD_FIXED_BYTES = 8 + 8 + 8 + 1 + 1 + 4;

/**
 * An instant given in microseconds since 1970-01-01T00:00:00Z as the JSON page writes it (Java's
 * Instant.toString()): no fraction, or 3 or 6 digits, whichever is exact.
 * @param {bigint} micros
 */
function instantOfMicros(micros) {
  let seconds = micros / 1_000_000n;
  let fraction = micros % 1_000_000n;
  if (fraction < 0n) {
    seconds -= 1n;
    fraction += 1_000_000n;
  }
  const head = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  if (fraction === 0n) return `${head}Z`;
  if (fraction % 1000n === 0n) return `${head}.${String(fraction / 1000n).padStart(3, '0')}Z`;
  return `${head}.${String(fraction).padStart(6, '0')}Z`;
}

/**
 * Decodes a binary page (docs/api/sync-buffer.md, "Binary pages") into the shape of the JSON page: the same
 * fields, times as the same ISO-8601 strings. Each ciphertext is a view into `bytes`, not a copy.
 * @param {Uint8Array} bytes
 * @throws {PageFormatError} when the bytes are not a whole, well-formed page
 */
export function decodePage(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = new TextDecoder('ascii');
  let at = 0;
  /** @param {number} n @param {string} what */
  const need = (n, what) => {
    if (at + n > bytes.length) throw new PageFormatError(`binary page ends inside ${what} (byte ${at} of ${bytes.length})`);
  };
  /** @param {string} what */
  const int64 = (what) => {
    const v = view.getBigInt64(at);
    at += 8;
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new PageFormatError(`binary page: ${what} ${v} is out of range`);
    return v;
  };
  need(PAGE_HEADER_BYTES, 'the header');
  if (ascii.decode(bytes.subarray(0, 4)) !== PAGE_MAGIC) throw new PageFormatError('not a binary page: it does not start with SBP1');
  at = 4;
  const earliest = Number(int64('earliest'));
  const lastSeq = Number(int64('lastSeq'));
  const next = Number(int64('next'));
  const more = view.getUint8(at++);
  if (more > 1) throw new PageFormatError(`binary page: more is ${more}, not 0 or 1`);
  const count = view.getUint32(at);
  at += 4;
  const records = [];
  for (let i = 0; i < count; i++) {
    need(RECORD_FIXED_BYTES, `record ${i}`);
    const seq = Number(int64('seq'));
    const createdAt = instantOfMicros(int64('createdAt'));
    const expiresAt = instantOfMicros(int64('expiresAt'));
    const idLength = view.getUint8(at++);
    need(idLength + 1, `the id of record ${i}`);
    const id = ascii.decode(bytes.subarray(at, at + idLength));
    at += idLength;
    const authorLength = view.getUint8(at++);
    need(authorLength + 4, `the author of record ${i}`);
    const author = ascii.decode(bytes.subarray(at, at + authorLength));
    at += authorLength;
    const length = view.getUint32(at);
    at += 4;
    need(length, `the ciphertext of record ${i}`);
    records.push({ id, seq, author, ciphertext: bytes.subarray(at, at + length), createdAt, expiresAt });
    at += length;
  }
  if (at !== bytes.length) throw new PageFormatError(`binary page has ${bytes.length - at} bytes after its ${count} records`);
  return { records, earliest, lastSeq, next, more: more === 1 };
}

/** Additional data binding a record's ciphertext to its stream and id. @param {string} stream @param {string} recordId */
function recordAad(stream, recordId) {
  return utf8(`${RECORD_CONTEXT}\n${stream}\n${recordId}`);
}

/**
 * HKDF-SHA-256 from an X25519 shared secret to the AES-256-GCM key that wraps a stream key.
 * salt = ephemeral public key || recipient public key; info = context || stream id.
 * @param {Uint8Array} shared @param {Uint8Array} ephemeral @param {Uint8Array} recipient @param {string} stream
 */
async function wrappingKey(shared, ephemeral, recipient, stream) {
  const ikm = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: concat(ephemeral, recipient), info: utf8(`${WRAP_CONTEXT}\n${stream}`) },
    ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/**
 * The symmetric key of one stream (AES-256-GCM). Records are `0x01 || nonce(12) || AES-GCM(plaintext)`
 * with additional data "peers-sync-record/v1\n" + stream + "\n" + record id, so a record cannot be
 * moved to another stream or id unnoticed. Members get the key wrapped to their X25519 encryption key.
 */
export class StreamKey {
  #key;
  #raw;

  /** @param {CryptoKey} key @param {Uint8Array} raw */
  constructor(key, raw) {
    this.#key = key;
    this.#raw = raw;
  }

  /** A new random stream key. */
  static async generate() {
    return StreamKey.fromRaw(crypto.getRandomValues(new Uint8Array(32)));
  }

  /** @param {Uint8Array} raw 32 bytes */
  static async fromRaw(raw) {
    if (!(raw instanceof Uint8Array) || raw.length !== 32) throw new TypeError('a stream key is 32 bytes');
    const copy = new Uint8Array(raw);
    return new StreamKey(await crypto.subtle.importKey('raw', copy, 'AES-GCM', false, ['encrypt', 'decrypt']), copy);
  }

  /** The raw 32 bytes (keep them as secret as the data). */
  exportRaw() {
    return new Uint8Array(this.#raw);
  }

  /** @param {string} stream @param {string} recordId @param {Uint8Array | string} plaintext */
  async encrypt(stream, recordId, plaintext) {
    const nonce = crypto.getRandomValues(new Uint8Array(12));
    const data = typeof plaintext === 'string' ? utf8(plaintext) : plaintext;
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: recordAad(stream, recordId) }, this.#key, data));
    return concat(new Uint8Array([RECORD_VERSION]), nonce, sealed);
  }

  /** @param {string} stream @param {string} recordId @param {Uint8Array} ciphertext @returns {Promise<Uint8Array>} */
  async decrypt(stream, recordId, ciphertext) {
    if (!(ciphertext instanceof Uint8Array) || ciphertext.length < 1 + 12 + 16 || ciphertext[0] !== RECORD_VERSION) {
      throw new DecryptionError(`record ${recordId} is not a version ${RECORD_VERSION} sealed record`);
    }
    try {
      return new Uint8Array(await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: ciphertext.subarray(1, 13), additionalData: recordAad(stream, recordId) }, this.#key, ciphertext.subarray(13)));
    } catch {
      throw new DecryptionError(`record ${recordId} of stream ${stream} does not decrypt with this stream key`);
    }
  }

  /**
   * The key wrapped for a member: `0x01 || ephemeral X25519 public key(32) || nonce(12) || AES-GCM(key)`,
   * the AES key from HKDF over X25519(ephemeral, member's encryption key). Only the holder of the
   * member's X25519 private key can unwrap it.
   * @param {string} stream @param {string} encryptionKey the member's X25519 public key (the registry's `encryptionKey`)
   */
  async wrapFor(stream, encryptionKey) {
    const recipient = peerKeyBytes(encryptionKey);
    const recipientKey = await crypto.subtle.importKey('raw', recipient, { name: 'X25519' }, false, []);
    const pair = /** @type {CryptoKeyPair} */ (await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']));
    const ephemeral = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const shared = new Uint8Array(await crypto.subtle.deriveBits({ name: 'X25519', public: recipientKey }, pair.privateKey, 256));
    const kek = await wrappingKey(shared, ephemeral, recipient, stream);
    const nonce = crypto.getRandomValues(new Uint8Array(12));
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: utf8(stream) }, kek, this.#raw));
    return toBase64Url(concat(new Uint8Array([WRAP_VERSION]), ephemeral, nonce, sealed));
  }

  /**
   * Unwraps a stream key wrapped for `encryption` (the member's own X25519 key pair).
   * @param {string} stream @param {string} wrappedKey base64url, as stored by sync-buffer
   * @param {import('./identity.js').EncryptionKeyPair} encryption
   */
  static async unwrap(stream, wrappedKey, encryption) {
    let bytes;
    try {
      bytes = fromBase64Url(wrappedKey);
    } catch {
      throw new DecryptionError('the wrapped key is not base64url');
    }
    if (bytes.length !== 1 + 32 + 12 + 32 + 16 || bytes[0] !== WRAP_VERSION) throw new DecryptionError('not a version 1 wrapped stream key');
    const ephemeral = bytes.subarray(1, 33);
    try {
      const shared = await encryption.sharedSecret(toBase64Url(ephemeral));
      const kek = await wrappingKey(shared, ephemeral, encryption.publicKey, stream);
      const raw = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(33, 45), additionalData: utf8(stream) }, kek, bytes.subarray(45)));
      return StreamKey.fromRaw(raw);
    } catch {
      throw new DecryptionError(`the stream key of ${stream} was not wrapped for this encryption key`);
    }
  }
}

/** @param {string} stream */
function enc(stream) {
  return encodeURIComponent(stream);
}

/** A record id that sorts by time: 12 hex of milliseconds, '-', 16 random base64url characters. */
export function newRecordId() {
  return `${Date.now().toString(16).padStart(12, '0')}-${toBase64Url(crypto.getRandomValues(new Uint8Array(12)))}`;
}

/** sync-buffer's REST API, signed by one identity. */
export class SyncClient {
  #base;
  #identity;
  #fetch;
  #options;

  /**
   * @param {string} baseUrl e.g. https://peers.example
   * @param {import('./identity.js').Identity} identity signs every request
   * @param {{fetch?: typeof fetch, WebSocket?: typeof WebSocket}} [options]
   */
  constructor(baseUrl, identity, options = {}) {
    this.#base = trimBase(baseUrl);
    this.#identity = identity;
    this.#fetch = options.fetch;
    this.#options = options;
  }

  /** @param {string} method @param {string} path @param {unknown} [json] */
  #call(method, path, json) {
    return requestJson(this.#base + API + path, { method, identity: this.#identity, json, fetch: this.#fetch });
  }

  /** Creates a stream (the signer owns it). @param {{id?: string, wrappedKey?: string}} [options] */
  createStream({ id, wrappedKey } = {}) {
    return this.#call('POST', '/streams', { id, wrappedKey });
  }

  /** The streams the signer is a member of, newest first. @param {{limit?: number}} [options] */
  async listStreams({ limit } = {}) {
    const answer = await this.#call('GET', `/streams${limit ? `?limit=${limit}` : ''}`);
    return answer.streams;
  }

  /** The stream with the caller's role, `lastSeq` and members. @param {string} stream */
  getStream(stream) {
    return this.#call('GET', `/streams/${enc(stream)}`);
  }

  /** @param {string} stream */
  deleteStream(stream) {
    return this.#call('DELETE', `/streams/${enc(stream)}`);
  }

  /** Adds a member or changes its role (and wrapped key). @param {string} stream @param {string} key @param {{role: 'read'|'write'|'admin', wrappedKey?: string}} member */
  putMember(stream, key, { role, wrappedKey }) {
    return this.#call('PUT', `/streams/${enc(stream)}/members/${enc(key)}`, { role, wrappedKey });
  }

  /** One member with its wrapped key (an admin, or the member itself). @param {string} stream @param {string} key */
  getMember(stream, key) {
    return this.#call('GET', `/streams/${enc(stream)}/members/${enc(key)}`);
  }

  /** Removes a member (an admin), or leaves (the member itself). @param {string} stream @param {string} key */
  removeMember(stream, key) {
    return this.#call('DELETE', `/streams/${enc(stream)}/members/${enc(key)}`);
  }

  /**
   * Appends a batch of already encrypted records, all or none; retrying the same batch is safe.
   * @param {string} stream @param {Array<{id: string, ciphertext: Uint8Array}>} records
   */
  async append(stream, records) {
    const answer = await this.#call('POST', `/streams/${enc(stream)}/records`, {
      records: records.map((r) => ({ id: r.id, ciphertext: toBase64Url(r.ciphertext) })),
    });
    return answer.records;
  }

  /**
   * Records with `seq > after`, in order. A cursor older than the retained records is a
   * PeersProblem 410 `cursor-expired` (resync from peers, then read from `earliest - 1`).
   * The page comes in the binary page format (no base64 or JSON around the ciphertext: the server spends
   * about half the CPU on it, which is what catching up in bulk wants), or as JSON with `format: 'json'`;
   * the result is the same either way.
   * @param {string} stream @param {{after?: number, limit?: number, format?: 'binary' | 'json'}} [options]
   */
  async read(stream, { after = 0, limit = 100, format = 'binary' } = {}) {
    const path = `/streams/${enc(stream)}/records?after=${after}&limit=${limit}`;
    if (format === 'binary') {
      return decodePage(await requestBytes(this.#base + API + path, PAGE_TYPE, { identity: this.#identity, fetch: this.#fetch }));
    }
    if (format !== 'json') throw new TypeError(`format is 'binary' or 'json', not '${format}'`);
    const page = await this.#call('GET', path);
    page.records = page.records.map((/** @type {any} */ r) => ({ ...r, ciphertext: fromBase64Url(r.ciphertext) }));
    return page;
  }

  /** Opens the live tail (WebSocket), authenticated as this client's identity. */
  tail() {
    return SyncTail.open(this.#base, this.#identity, this.#options);
  }

  /**
   * Creates a stream with a new stream key wrapped for its owner's encryption key pair.
   * @param {import('./identity.js').EncryptionKeyPair} ownerEncryption @param {{id?: string}} [options]
   */
  async createEncryptedStream(ownerEncryption, { id } = {}) {
    const key = await StreamKey.generate();
    const streamId = id ?? toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
    const stream = await this.createStream({ id: streamId, wrappedKey: await key.wrapFor(streamId, ownerEncryption.encryptionKey) });
    return { stream, key };
  }

  /**
   * Adds a member with the stream key wrapped for its encryption key (e.g. from a verified registry lookup).
   * @param {string} stream @param {StreamKey} key @param {string} memberKey @param {string} memberEncryptionKey @param {'read'|'write'|'admin'} role
   */
  async addMember(stream, key, memberKey, memberEncryptionKey, role = 'write') {
    return this.putMember(stream, memberKey, { role, wrappedKey: await key.wrapFor(stream, memberEncryptionKey) });
  }

  /** Fetches and unwraps this identity's copy of a stream key. @param {string} stream @param {import('./identity.js').EncryptionKeyPair} encryption */
  async streamKey(stream, encryption) {
    const me = await this.getMember(stream, this.#identity.peerKey);
    if (!me.wrappedKey) throw new DecryptionError(`no wrapped key is stored for this member of ${stream}`);
    return StreamKey.unwrap(stream, me.wrappedKey, encryption);
  }

  /**
   * Encrypts and appends messages (strings or bytes), one record each.
   * @param {string} stream @param {StreamKey} key @param {Array<Uint8Array | string>} messages
   */
  async appendEncrypted(stream, key, messages) {
    const records = [];
    for (const m of messages) {
      const id = newRecordId();
      records.push({ id, ciphertext: await key.encrypt(stream, id, m) });
    }
    return this.append(stream, records);
  }

  /**
   * Reads and decrypts records after a cursor; `plaintext` is bytes (`text` is the UTF-8 reading).
   * @param {string} stream @param {StreamKey} key @param {{after?: number, limit?: number}} [options]
   */
  async readDecrypted(stream, key, options = {}) {
    const page = await this.read(stream, options);
    for (const r of page.records) {
      r.plaintext = await key.decrypt(stream, r.id, r.ciphertext);
      r.text = new TextDecoder().decode(r.plaintext);
    }
    return page;
  }
}

/** The live tail of sync-buffer (WebSocket /sync/v1/tail): records of subscribed streams as they are committed. */
export class SyncTail {
  #socket;
  /** @type {Map<string, (record: any) => void>} */
  #handlers = new Map();

  /** @param {PeersSocket} socket */
  constructor(socket) {
    this.#socket = socket;
    socket.on('record', (f) => this.#handlers.get(f.stream)?.({ ...f, ciphertext: fromBase64Url(f.ciphertext) }));
  }

  /**
   * @param {string} baseUrl @param {import('./identity.js').Identity} identity
   * @param {{WebSocket?: typeof WebSocket, timeoutMs?: number, pingMs?: number}} [options]
   */
  static async open(baseUrl, identity, options = {}) {
    const socket = await PeersSocket.open(webSocketUrl(trimBase(baseUrl), TAIL), TAIL, identity, { pingMs: 0, ...options });
    return new SyncTail(socket);
  }

  /**
   * Subscribes to a stream from a cursor: `onRecord` gets every record with `seq > after`, stored
   * ones first, then new ones, in order, each once (`ciphertext` as bytes). Resolves with
   * `{earliest, lastSeq}`; a refusal (not a member, cursor expired, …) rejects with SocketError.
   * To resume after a disconnect, subscribe again with `after` = the last seq received.
   * @param {string} stream @param {number} after @param {(record: any) => void} onRecord
   */
  subscribe(stream, after, onRecord) {
    return new Promise((resolve, reject) => {
      this.#handlers.set(stream, onRecord);
      const offOk = this.#socket.on('subscribed', (f) => {
        if (f.stream !== stream) return;
        offOk();
        offErr();
        resolve({ earliest: f.earliest, lastSeq: f.lastSeq });
      });
      const offErr = this.#socket.on('error', (f) => {
        if (f.stream !== undefined && f.stream !== stream) return;
        offOk();
        offErr();
        this.#handlers.delete(stream);
        reject(new SocketError(f.code, f.message ?? f.code, f));
      });
      this.#socket.send({ type: 'subscribe', stream, after });
    });
  }

  /** @param {string} stream */
  unsubscribe(stream) {
    this.#handlers.delete(stream);
    this.#socket.send({ type: 'unsubscribe', stream });
  }

  /** Errors about subscriptions after they started (e.g. the member was removed). @param {(error: SocketError) => void} listener */
  onError(listener) {
    return this.#socket.on('error', (f) => listener(new SocketError(f.code, f.message ?? f.code, f)));
  }

  /** @param {(info: {code: number, reason: string}) => void} listener */
  onClose(listener) {
    return this.#socket.on('closed', (f) => listener({ code: f.code, reason: f.reason }));
  }

  close() {
    this.#socket.close();
  }
}
