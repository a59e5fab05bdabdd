import type { Identity } from './identity.js';
import type { SocketError, SocketOptions } from './socket.js';

/** base64url SHA-256("peers-room/v1\n" + name): a room id that does not reveal the name. */
export function roomId(name: string): Promise<string>;
/** Whether `self` makes the offer to `peer` (the smaller key does). */
export function isOfferer(self: string, peer: string): boolean;

export interface IceServers {
  iceServers: RTCIceServer[];
  ttl: number;
  /** Unix seconds after which the TURN credentials stop working. */
  expiresAt: number;
}

/** A connection to signaling (`/signal/v1/ws`), authenticated with a peer key. */
export class SignalingClient {
  static connect(baseUrl: string, identity: Identity, options?: SocketOptions & { fetch?: typeof fetch }): Promise<SignalingClient>;
  readonly key: string;
  readonly rooms: string[];
  readonly closed: boolean;
  join(room: string): Promise<{ room: string; members: string[] }>;
  leave(room: string): Promise<void>;
  /** Resolves after `quietMs` (default 2500) without an error; rejects with SocketError (e.g. `peer-not-connected`). */
  signal(to: string, payload: unknown, options?: { quietMs?: number }): Promise<void>;
  ping(): Promise<void>;
  onSignal(listener: (from: string, payload: any) => void): () => void;
  onPeerJoined(listener: (room: string, peer: string) => void): () => void;
  onPeerLeft(listener: (room: string, peer: string) => void): () => void;
  onError(listener: (error: SocketError) => void): () => void;
  onClose(listener: (info: { code: number; reason: string }) => void): () => void;
  /** GET /signal/v1/ice-servers (signed): STUN, and TURN with ephemeral credentials. */
  iceServers(): Promise<IceServers>;
  close(): void;
}

export interface DataChannelOptions {
  /** Data channel label, also the tag of this helper's signals (default "peers"). */
  label?: string;
  iceServers?: RTCIceServer[];
  RTCPeerConnection?: typeof RTCPeerConnection;
  /** Default 30 s. */
  timeoutMs?: number;
}

/** Sets up an RTCPeerConnection to `peer` through signaling; resolves with the open data channel. */
export function connectDataChannel(signaling: SignalingClient, peer: string, options?: DataChannelOptions): Promise<{ connection: RTCPeerConnection; channel: RTCDataChannel }>;
