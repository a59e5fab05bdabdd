// WebSockets with the in-band key authentication every Peers socket uses (docs/api/signing.md):
// the server sends a challenge, the client answers with its key and an Ed25519 signature over
// "peers-ws-auth/v1\n" + endpoint path + "\n" + challenge.
import { toBase64Url, utf8 } from './base64.js';

export const WS_AUTH_CONTEXT = 'peers-ws-auth/v1';

/** The bytes a socket authentication signs. @param {string} endpoint e.g. "/signal/v1/ws" @param {string} challenge */
export function wsAuthMessage(endpoint, challenge) {
  return utf8(`${WS_AUTH_CONTEXT}\n${endpoint}\n${challenge}`);
}

/**
 * The `auth` frame answering `challenge` on `endpoint`.
 * @param {import('./identity.js').Identity} identity @param {string} endpoint @param {string} challenge
 */
export async function wsAuthFrame(identity, endpoint, challenge) {
  return { type: 'auth', key: identity.peerKey, signature: toBase64Url(await identity.sign(wsAuthMessage(endpoint, challenge))) };
}

/** A socket or protocol error: `code` is the server's error code (or `closed`, `timeout`). */
export class SocketError extends Error {
  /** @param {string} code @param {string} message @param {Record<string, unknown>} [frame] */
  constructor(code, message, frame = {}) {
    super(`${code}: ${message}`);
    this.name = 'SocketError';
    this.code = code;
    /** The whole error frame (extra fields such as `limit`, `max`, `to`, `stream`). */
    this.frame = frame;
  }
}

/** ws(s):// URL of `path` on an http(s):// base. @param {string} base @param {string} path */
export function webSocketUrl(base, path) {
  const url = new URL(String(base).replace(/\/+$/, '') + path);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * An authenticated JSON socket: request/answer correlation by `id`, listeners by frame `type`.
 * Used by SignalingClient and SyncTail; not usually used directly.
 */
export class PeersSocket {
  /** @type {WebSocket} */
  #ws;
  /** @type {Map<string, {resolve: (f: any) => void, reject: (e: Error) => void, timer: any}>} */
  #pending = new Map();
  /** @type {Map<string, Set<(frame: any) => void>>} */
  #listeners = new Map();
  #nextId = 1;
  #closed = false;
  #keepAlive;
  /** The authenticated key (as the server named it). */
  key = '';

  /** @param {WebSocket} ws */
  constructor(ws) {
    this.#ws = ws;
    ws.addEventListener('message', (event) => this.#onMessage(event));
    ws.addEventListener('close', (event) => this.#onClose(/** @type {CloseEvent} */ (event)));
    // some implementations (Node 20's) report a failed connection with 'error' and never 'close'
    ws.addEventListener('error', () => this.#onClose(/** @type {any} */ ({ code: 1006, reason: 'connection failed' })));
  }

  /**
   * Opens `url`, answers the challenge for `endpoint` and resolves once authenticated.
   * @param {string} url ws(s):// URL @param {string} endpoint the path the signature names
   * @param {import('./identity.js').Identity} identity
   * @param {{WebSocket?: typeof WebSocket, timeoutMs?: number, pingMs?: number}} [options] `pingMs`: send
   *   `{"type":"ping"}` this often (0: never), to stay clear of the server's idle timeout
   */
  static async open(url, endpoint, identity, { WebSocket: WS = globalThis.WebSocket, timeoutMs = 10_000, pingMs = 25_000 } = {}) {
    if (typeof WS !== 'function') throw new TypeError('no WebSocket implementation: pass { WebSocket } (Node 20: run with --experimental-websocket)');
    const ws = new WS(url);
    const socket = new PeersSocket(ws);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new SocketError('timeout', `no authentication within ${timeoutMs} ms`));
        ws.close();
      }, timeoutMs);
      const fail = (/** @type {Error} */ e) => {
        clearTimeout(timer);
        reject(e);
      };
      socket.#once('challenge', async (frame) => {
        try {
          socket.send(await wsAuthFrame(identity, endpoint, String(frame.challenge)));
        } catch (e) {
          fail(/** @type {Error} */ (e));
        }
      });
      socket.#once('authenticated', (frame) => {
        clearTimeout(timer);
        socket.key = frame.key;
        resolve(undefined);
      });
      socket.#once('error', (frame) => fail(new SocketError(frame.code, frame.message ?? 'authentication failed', frame)));
      socket.#once('closed', (frame) => fail(new SocketError('closed', `socket closed before authentication (${frame.code} ${frame.reason})`, frame)));
    });
    if (pingMs > 0) {
      socket.#keepAlive = setInterval(() => socket.send({ type: 'ping' }), pingMs);
      /** @type {any} */ (socket.#keepAlive).unref?.();
    }
    return socket;
  }

  /** Sends a frame without waiting for an answer. @param {Record<string, unknown>} frame */
  send(frame) {
    if (this.#closed) throw new SocketError('closed', 'the socket is closed');
    this.#ws.send(JSON.stringify(frame));
  }

  /**
   * Sends a frame with a fresh `id` and resolves with the answer that echoes it (rejects with
   * SocketError on an `error` answer). With `quietMs`, a request the server answers only on failure
   * resolves (with null) after that long without an error.
   * @param {Record<string, unknown>} frame @param {{timeoutMs?: number, quietMs?: number}} [options]
   */
  request(frame, { timeoutMs = 10_000, quietMs } = {}) {
    const id = String(this.#nextId++);
    return new Promise((resolve, reject) => {
      const wait = quietMs ?? timeoutMs;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        if (quietMs !== undefined) resolve(null);
        else reject(new SocketError('timeout', `no answer to ${frame.type} within ${timeoutMs} ms`));
      }, wait);
      this.#pending.set(id, { resolve, reject, timer });
      try {
        this.send({ ...frame, id });
      } catch (e) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(e);
      }
    });
  }

  /**
   * Listens to frames of one `type` (or `closed`, with `{code, reason}`); returns a function that stops listening.
   * @param {string} type @param {(frame: any) => void} listener
   */
  on(type, listener) {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** @param {string} type @param {(frame: any) => void} listener */
  #once(type, listener) {
    const off = this.on(type, (frame) => {
      off();
      listener(frame);
    });
  }

  get closed() {
    return this.#closed;
  }

  close(code = 1000, reason = 'bye') {
    clearInterval(this.#keepAlive);
    if (!this.#closed) this.#ws.close(code, reason);
  }

  /** @param {MessageEvent} event */
  #onMessage(event) {
    if (typeof event.data !== 'string') return;
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object' || typeof frame.type !== 'string') return;
    if (typeof frame.id === 'string' && this.#pending.has(frame.id)) {
      const pending = /** @type {NonNullable<ReturnType<typeof this.#pending.get>>} */ (this.#pending.get(frame.id));
      this.#pending.delete(frame.id);
      clearTimeout(pending.timer);
      if (frame.type === 'error') pending.reject(new SocketError(frame.code, frame.message ?? frame.code, frame));
      else pending.resolve(frame);
      return;
    }
    for (const listener of [...(this.#listeners.get(frame.type) ?? [])]) listener(frame);
  }

  /** @param {CloseEvent} event */
  #onClose(event) {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepAlive);
    const frame = { type: 'closed', code: event.code, reason: event.reason };
    for (const [, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new SocketError('closed', `the socket closed (${event.code} ${event.reason})`, frame));
    }
    this.#pending.clear();
    for (const listener of [...(this.#listeners.get('closed') ?? [])]) listener(frame);
  }
}
