// signaling client (docs/api/signaling.md): the native WebSocket protocol with key authentication,
// rooms, signals, ICE servers, and a helper that sets up an RTCPeerConnection with a data channel.
import { toBase64Url, utf8 } from './base64.js';
import { requestJson, trimBase } from './http.js';
import { peerKeyBytes } from './identity.js';
import { PeersSocket, SocketError, webSocketUrl } from './socket.js';

const ENDPOINT = '/signal/v1/ws';

/**
 * A room id that does not reveal the room's name to the server: unpadded base64url of
 * SHA-256("peers-room/v1\n" + name). Both sides derive the same id from the same name.
 * @param {string} name e.g. "my-app/chat/" + the two peer keys, sorted
 */
export async function roomId(name) {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`peers-room/v1\n${name}`))));
}

/** A connection to signaling, authenticated as one identity. */
export class SignalingClient {
  #socket;
  #base;
  #identity;
  #fetch;
  /** @type {Set<string>} */
  #rooms = new Set();

  /** @param {PeersSocket} socket @param {string} base @param {import('./identity.js').Identity} identity @param {typeof fetch | undefined} fetchImpl */
  constructor(socket, base, identity, fetchImpl) {
    this.#socket = socket;
    this.#base = base;
    this.#identity = identity;
    this.#fetch = fetchImpl;
  }

  /**
   * Connects to `wss://<host>/signal/v1/ws` and authenticates with the identity's key.
   * @param {string} baseUrl e.g. https://peers.example
   * @param {import('./identity.js').Identity} identity
   * @param {{WebSocket?: typeof WebSocket, fetch?: typeof fetch, timeoutMs?: number, pingMs?: number}} [options]
   */
  static async connect(baseUrl, identity, options = {}) {
    const base = trimBase(baseUrl);
    const socket = await PeersSocket.open(webSocketUrl(base, ENDPOINT), ENDPOINT, identity, options);
    return new SignalingClient(socket, base, identity, options.fetch);
  }

  /** This connection's peer key. */
  get key() {
    return this.#socket.key;
  }

  /** The rooms this connection is in. */
  get rooms() {
    return [...this.#rooms];
  }

  get closed() {
    return this.#socket.closed;
  }

  /** Joins a room; resolves with the other members known to the server (more may follow as `peer-joined`). @param {string} room */
  async join(room) {
    const answer = await this.#socket.request({ type: 'join', room });
    this.#rooms.add(room);
    return { room: String(answer.room), members: /** @type {string[]} */ (answer.members ?? []) };
  }

  /** @param {string} room */
  async leave(room) {
    await this.#socket.request({ type: 'leave', room });
    this.#rooms.delete(room);
  }

  /**
   * Sends `payload` (any JSON value, at most 64 KiB) to every live connection of `to`. The server
   * answers only failures, within its ack timeout (2 s): the promise resolves after `quietMs`
   * without an error, or rejects with SocketError (`peer-not-connected`, `payload-too-large`, …).
   * @param {string} to peer key @param {unknown} payload @param {{quietMs?: number}} [options]
   */
  async signal(to, payload, { quietMs = 2500 } = {}) {
    peerKeyBytes(to);
    await this.#socket.request({ type: 'signal', to, payload }, { quietMs });
  }

  /** Round trip to the server. */
  async ping() {
    await this.#socket.request({ type: 'ping' });
  }

  /** `(from, payload)` for every signal addressed to this key. Returns a function that stops listening. @param {(from: string, payload: any) => void} listener */
  onSignal(listener) {
    return this.#socket.on('signal', (f) => listener(f.from, f.payload));
  }

  /** `(room, peer)` when a peer joins a room this connection is in. @param {(room: string, peer: string) => void} listener */
  onPeerJoined(listener) {
    return this.#socket.on('peer-joined', (f) => listener(f.room, f.peer));
  }

  /** `(room, peer)` when a peer's last connection leaves a room this connection is in. @param {(room: string, peer: string) => void} listener */
  onPeerLeft(listener) {
    return this.#socket.on('peer-left', (f) => listener(f.room, f.peer));
  }

  /** Errors the server sends that answer no request of this client. @param {(error: SocketError) => void} listener */
  onError(listener) {
    return this.#socket.on('error', (f) => listener(new SocketError(f.code, f.message ?? f.code, f)));
  }

  /** `({code, reason})` when the socket closes. @param {(info: {code: number, reason: string}) => void} listener */
  onClose(listener) {
    return this.#socket.on('closed', (f) => listener({ code: f.code, reason: f.reason }));
  }

  /**
   * ICE servers for RTCConfiguration.iceServers: STUN, and TURN with ephemeral credentials for
   * this key (GET /signal/v1/ice-servers, signed). Ask again before `expiresAt`.
   * @returns {Promise<{iceServers: RTCIceServer[], ttl: number, expiresAt: number}>}
   */
  async iceServers() {
    return /** @type {any} */ (await requestJson(`${this.#base}/signal/v1/ice-servers`, { identity: this.#identity, fetch: this.#fetch }));
  }

  close() {
    this.#socket.close();
  }
}

/**
 * Which side of a pair makes the offer: the smaller peer key (no glare, no negotiation of roles).
 * @param {string} self @param {string} peer
 */
export function isOfferer(self, peer) {
  return self < peer;
}

/**
 * Sets up an RTCPeerConnection to `peer` through signaling and resolves with its open data channel.
 * Both sides call it, in any order; the side with the smaller key offers (see isOfferer), the other
 * answers. The answerer starts with a `hello`, to which the offerer (re)sends its offer, so neither
 * side's first signal is lost when the other was not listening yet. Signals of this helper are
 * `{"rtc": <label>, "hello"|"sdp"|"candidate": …}`; other payloads are left to the app.
 * @param {SignalingClient} signaling
 * @param {string} peer the other side's peer key
 * @param {{label?: string, iceServers?: RTCIceServer[], RTCPeerConnection?: typeof RTCPeerConnection, timeoutMs?: number}} [options]
 * @returns {Promise<{connection: RTCPeerConnection, channel: RTCDataChannel}>}
 */
export async function connectDataChannel(signaling, peer, { label = 'peers', iceServers, RTCPeerConnection: PC = globalThis.RTCPeerConnection, timeoutMs = 30_000 } = {}) {
  if (typeof PC !== 'function') throw new TypeError('no RTCPeerConnection here (a browser is needed)');
  peerKeyBytes(peer);
  const offerer = isOfferer(signaling.key, peer);
  const connection = new PC({ iceServers: iceServers ?? [] });
  /** @type {RTCIceCandidateInit[]} */
  const early = [];
  let remoteSet = false;
  const send = (/** @type {unknown} */ payload) => signaling.signal(peer, payload).catch(() => { /* the peer retries or times out */ });

  connection.addEventListener('icecandidate', (e) => {
    if (e.candidate) send({ rtc: label, candidate: e.candidate.toJSON() });
  });

  const channelReady = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new SocketError('timeout', `no data channel with ${peer} within ${timeoutMs} ms`)), timeoutMs);
    const opened = (/** @type {RTCDataChannel} */ channel) => {
      const done = () => {
        clearTimeout(timer);
        resolve(channel);
      };
      if (channel.readyState === 'open') done();
      else channel.addEventListener('open', done, { once: true });
    };
    if (offerer) opened(connection.createDataChannel(label));
    else connection.addEventListener('datachannel', (e) => { if (e.channel.label === label) opened(e.channel); });
    connection.addEventListener('connectionstatechange', () => {
      if (connection.connectionState === 'failed') {
        clearTimeout(timer);
        reject(new SocketError('failed', `the connection to ${peer} failed`));
      }
    });
  });

  const stop = signaling.onSignal(async (from, payload) => {
    if (from !== peer || !payload || payload.rtc !== label) return;
    try {
      if (payload.hello) {
        if (offerer && connection.signalingState === 'have-local-offer') send({ rtc: label, sdp: connection.localDescription?.toJSON() });
      } else if (payload.sdp) {
        if (payload.sdp.type === 'answer' && connection.signalingState !== 'have-local-offer') return; // a duplicate answer
        if (payload.sdp.type === 'offer' && connection.remoteDescription) { // the offer again: our answer was lost
          send({ rtc: label, sdp: connection.localDescription?.toJSON() });
          return;
        }
        await connection.setRemoteDescription(payload.sdp);
        remoteSet = true;
        for (const c of early.splice(0)) await connection.addIceCandidate(c);
        if (payload.sdp.type === 'offer') {
          await connection.setLocalDescription(await connection.createAnswer());
          send({ rtc: label, sdp: connection.localDescription?.toJSON() });
        }
      } else if (payload.candidate) {
        if (remoteSet) await connection.addIceCandidate(payload.candidate);
        else early.push(payload.candidate);
      }
    } catch {
      // a stale or malformed signal: ignore it, the timeout reports a connection that never comes up
    }
  });

  if (offerer) {
    await connection.setLocalDescription(await connection.createOffer());
    send({ rtc: label, sdp: connection.localDescription?.toJSON() });
  } else {
    send({ rtc: label, hello: true });
  }
  try {
    const channel = /** @type {RTCDataChannel} */ (await channelReady);
    return { connection, channel };
  } catch (e) {
    connection.close();
    throw e;
  } finally {
    stop();
  }
}
