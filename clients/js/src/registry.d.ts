import type { Identity } from './identity.js';

export type Discoverability = 'public' | 'unlisted' | 'private';

export interface Device {
  /** Device's Ed25519 peer key. */
  key: string;
  /** Unix seconds. */
  expires: number;
  /** Identity key's signature over the device certificate text, unpadded base64url. */
  certificate: string;
}

export interface TreeHead {
  origin: string;
  treeSize: number;
  rootHash: string;
  /** Unix milliseconds. */
  signedAt: number;
  signature: string;
  logKey: string;
}

/** The log entry, exactly as committed (parsed). */
export interface RegistryEntry {
  v: 1;
  op: string;
  identity: string;
  seq: number;
  prev: number | null;
  time: string;
  identityKey: string;
  handle: string | null;
  encryptionKey: string | null;
  discoverability: Discoverability;
  status: 'active' | 'revoked';
  devices: Device[];
  [extra: string]: unknown;
}

export interface VerifiedIdentity {
  /** Stable id: the identity's first key. */
  id: string;
  identityKey: string;
  handle: string | null;
  encryptionKey: string | null;
  discoverability: Discoverability;
  status: 'active' | 'revoked';
  devices: Device[];
}

/** An answer whose proof verified; `identity` holds the entry's values. */
export interface VerifiedAnswer {
  identity: VerifiedIdentity;
  entry: RegistryEntry;
  leafIndex: number;
  treeHead: TreeHead;
}

export interface KeyLookup extends VerifiedAnswer {
  /** How the looked-up key relates to the entry: its current key, its first key (id), or a former key (not provable from one entry). */
  keyMatch: 'current' | 'first' | 'former';
}

export interface HistoryItem {
  entry: RegistryEntry;
  leafIndex: number;
  treeHead: TreeHead;
}

export interface Registration {
  handle: string;
  encryptionKey?: string;
  discoverability?: Discoverability;
  devices?: Device[];
}

export interface RegistryClientOptions {
  /** The log key to trust (pin it); default: taken once from /.well-known/peers-services. */
  logKey?: string;
  fetch?: typeof fetch;
}

export function deviceCertificateText(identityKey: string, deviceKey: string, expires: number): Uint8Array;
export function treeHeadText(head: { origin: string; treeSize: number; rootHash: string; signedAt: number }): Uint8Array;
export function entryCommitment(salt: Uint8Array, entry: string): Promise<Uint8Array>;
export function certifyDevice(identity: Identity, deviceKey: string, expires: number): Promise<Device>;

/**
 * key-registry client. Every answer with a proof is verified (entry = answer, commitment → leaf,
 * inclusion, tree-head signature by the trusted log key, consistency with the largest head seen);
 * a failure rejects with ProofError, a refused request with PeersProblem.
 */
export class RegistryClient {
  constructor(baseUrl: string, options?: RegistryClientOptions);
  /** The largest verified tree head seen so far. */
  readonly largestTreeHead: TreeHead | null;
  logKey(): Promise<string>;
  register(identity: Identity, registration: Registration): Promise<VerifiedAnswer>;
  certifyDevice(identity: Identity, deviceKey: string, expires: number): Promise<Device>;
  addDevice(identity: Identity, device: Device): Promise<VerifiedAnswer>;
  removeDevice(identity: Identity, deviceKey: string): Promise<VerifiedAnswer>;
  rotate(identity: Identity, newIdentity: Identity, options?: { devices?: Device[] }): Promise<VerifiedAnswer>;
  setDiscoverability(identity: Identity, discoverability: Discoverability): Promise<VerifiedAnswer>;
  changeHandle(identity: Identity, handle: string): Promise<VerifiedAnswer>;
  releaseHandle(identity: Identity): Promise<VerifiedAnswer>;
  revoke(identity: Identity): Promise<VerifiedAnswer>;
  lookupHandle(handle: string): Promise<VerifiedAnswer>;
  lookupKey(key: string): Promise<KeyLookup>;
  /** Public handles by prefix; not proven (confirm a hit with lookupHandle). */
  search(prefix: string, after?: string | null, limit?: number | null): Promise<{ handles: Array<{ handle: string; identityKey: string }>; next: string | null }>;
  /** Every entry about the caller's identity, proven and checked as one chain. */
  history(identity: Identity): Promise<HistoryItem[]>;
  treeHead(): Promise<TreeHead>;
  consistency(first: number, second: number): Promise<{ first: TreeHead; second: TreeHead; proof: string[] }>;
}
