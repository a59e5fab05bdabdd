import type { Identity, EncryptionKeyPair } from './identity.js';
import type { SocketError, SocketOptions } from './socket.js';

export type Role = 'read' | 'write' | 'admin';

export interface Member {
  key: string;
  role: Role;
  /** The stream key wrapped for this member, or null. */
  wrappedKey: string | null;
  addedBy: string;
  addedAt: string;
}

export interface Stream {
  id: string;
  owner: string;
  lastSeq: number;
  createdAt: string;
  /** The caller's role. */
  role?: Role;
  members?: Member[];
}

export interface StoredRecord {
  id: string;
  seq: number;
  author: string;
  ciphertext: Uint8Array;
  createdAt: string;
  expiresAt: string;
}

export interface DecryptedRecord extends StoredRecord {
  plaintext: Uint8Array;
  /** The plaintext read as UTF-8. */
  text: string;
}

export interface Appended {
  id: string;
  seq: number;
  createdAt: string;
  expiresAt: string;
  replayed: boolean;
}

export interface Page<R> {
  records: R[];
  earliest: number;
  lastSeq: number;
  /** The cursor for the next read. */
  next: number;
  more: boolean;
}

/** A record or wrapped key that does not decrypt (wrong key, stream, id, or tampered bytes). */
export class DecryptionError extends Error {
  constructor(message: string);
  readonly name: 'DecryptionError';
}

/** A stream's AES-256-GCM key. */
export class StreamKey {
  constructor(key: CryptoKey, raw: Uint8Array);
  static generate(): Promise<StreamKey>;
  static fromRaw(raw: Uint8Array): Promise<StreamKey>;
  /** Unwraps a key wrapped for this X25519 key pair. */
  static unwrap(stream: string, wrappedKey: string, encryption: EncryptionKeyPair): Promise<StreamKey>;
  exportRaw(): Uint8Array;
  /** 0x01 || nonce || AES-GCM, bound to the stream and record id. */
  encrypt(stream: string, recordId: string, plaintext: Uint8Array | string): Promise<Uint8Array>;
  decrypt(stream: string, recordId: string, ciphertext: Uint8Array): Promise<Uint8Array>;
  /** Wraps this key for a member's X25519 `encryptionKey` (ephemeral X25519 + HKDF-SHA-256 + AES-256-GCM); base64url. */
  wrapFor(stream: string, encryptionKey: string): Promise<string>;
}

/** A binary page that does not follow the format (docs/api/sync-buffer.md). */
export class PageFormatError extends Error {
  constructor(message: string);
  readonly name: 'PageFormatError';
}

/** Decodes a binary page into the shape of the JSON page; each ciphertext is a view into `bytes`. */
export function decodePage(bytes: Uint8Array): Page<StoredRecord>;

/** A time-ordered record id. */
export function newRecordId(): string;

/** sync-buffer's REST API, every request signed by one identity. */
export class SyncClient {
  constructor(baseUrl: string, identity: Identity, options?: { fetch?: typeof fetch; WebSocket?: typeof WebSocket });
  createStream(options?: { id?: string; wrappedKey?: string }): Promise<Stream>;
  listStreams(options?: { limit?: number }): Promise<Stream[]>;
  getStream(stream: string): Promise<Stream>;
  deleteStream(stream: string): Promise<null>;
  putMember(stream: string, key: string, member: { role: Role; wrappedKey?: string }): Promise<Member>;
  getMember(stream: string, key: string): Promise<Member>;
  removeMember(stream: string, key: string): Promise<null>;
  append(stream: string, records: Array<{ id: string; ciphertext: Uint8Array }>): Promise<Appended[]>;
  /** A page after the cursor; `format` 'binary' (the default: the binary page format) or 'json' gives the same page. */
  read(stream: string, options?: { after?: number; limit?: number; format?: 'binary' | 'json' }): Promise<Page<StoredRecord>>;
  tail(): Promise<SyncTail>;
  createEncryptedStream(ownerEncryption: EncryptionKeyPair, options?: { id?: string }): Promise<{ stream: Stream; key: StreamKey }>;
  addMember(stream: string, key: StreamKey, memberKey: string, memberEncryptionKey: string, role?: Role): Promise<Member>;
  streamKey(stream: string, encryption: EncryptionKeyPair): Promise<StreamKey>;
  appendEncrypted(stream: string, key: StreamKey, messages: Array<Uint8Array | string>): Promise<Appended[]>;
  readDecrypted(stream: string, key: StreamKey, options?: { after?: number; limit?: number; format?: 'binary' | 'json' }): Promise<Page<DecryptedRecord>>;
}

/** The live tail (`/sync/v1/tail`). */
export class SyncTail {
  constructor(socket: import('./socket.js').PeersSocket);
  static open(baseUrl: string, identity: Identity, options?: SocketOptions): Promise<SyncTail>;
  subscribe(stream: string, after: number, onRecord: (record: StoredRecord & { stream: string }) => void): Promise<{ earliest: number; lastSeq: number }>;
  unsubscribe(stream: string): void;
  onError(listener: (error: SocketError) => void): () => void;
  onClose(listener: (info: { code: number; reason: string }) => void): () => void;
  close(): void;
}
