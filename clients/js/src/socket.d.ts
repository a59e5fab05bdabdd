import type { Identity } from './identity.js';

export const WS_AUTH_CONTEXT: 'peers-ws-auth/v1';
/** UTF-8 of "peers-ws-auth/v1\n" + endpoint + "\n" + challenge: what a socket authentication signs. */
export function wsAuthMessage(endpoint: string, challenge: string): Uint8Array;
/** The `auth` frame answering a challenge. */
export function wsAuthFrame(identity: Identity, endpoint: string, challenge: string): Promise<{ type: 'auth'; key: string; signature: string }>;
/** ws(s):// URL of a path on an http(s):// base. */
export function webSocketUrl(base: string, path: string): string;

/** A socket error: the server's error `code` (e.g. `peer-not-connected`, `not-a-member`), or `closed` / `timeout`. */
export class SocketError extends Error {
  constructor(code: string, message: string, frame?: Record<string, unknown>);
  readonly name: 'SocketError';
  readonly code: string;
  /** The whole error frame, extra fields (`limit`, `max`, `to`, `stream`) included. */
  readonly frame: Record<string, unknown>;
}

export interface SocketOptions {
  /** A WebSocket implementation (default: globalThis.WebSocket). */
  WebSocket?: typeof WebSocket;
  /** How long authentication may take (default 10 s). */
  timeoutMs?: number;
  /** Send `{"type":"ping"}` this often, 0 for never. */
  pingMs?: number;
}

/** An authenticated JSON socket with request/answer correlation by `id`. */
export class PeersSocket {
  constructor(ws: WebSocket);
  static open(url: string, endpoint: string, identity: Identity, options?: SocketOptions): Promise<PeersSocket>;
  /** The key the server authenticated. */
  key: string;
  readonly closed: boolean;
  send(frame: Record<string, unknown>): void;
  request(frame: Record<string, unknown>, options?: { timeoutMs?: number; quietMs?: number }): Promise<any>;
  on(type: string, listener: (frame: any) => void): () => void;
  close(code?: number, reason?: string): void;
}
