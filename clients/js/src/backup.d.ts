import type { Identity } from './identity.js';

/** Lower-case hex SHA-256. */
export function sha256Hex(data: Uint8Array): Promise<string>;

export class BackupIntegrityError extends Error {
  constructor(message: string);
  readonly name: 'BackupIntegrityError';
}

/** AES-256-GCM key of an identity's backups (HKDF-SHA-256 over its private key). */
export class BackupKey {
  constructor(key: CryptoKey);
  static forIdentity(identity: Identity): Promise<BackupKey>;
  seal(plaintext: Uint8Array | string): Promise<Uint8Array>;
  open(sealed: Uint8Array): Promise<Uint8Array>;
}

export interface StoredObject { sha256: string; size: number; createdAt: string }
export interface Snapshot { id: string; name: string; takenAt: string; objectCount: number; bytes: number; objects?: StoredObject[] }

/** backup-service's native API (presigned S3 uploads and downloads of client-encrypted bytes, snapshots). */
export class BackupClient {
  constructor(baseUrl: string, identity: Identity, options?: { fetch?: typeof fetch });
  createRepo(repo: { name: string }): Promise<any>;
  listRepos(): Promise<any[]>;
  getRepo(repo: string): Promise<any>;
  deleteRepo(repo: string): Promise<null>;
  /** The repository of this name, created when missing. */
  repo(name: string): Promise<any>;
  putObject(repo: string, bytes: Uint8Array): Promise<StoredObject>;
  getObject(repo: string, sha256: string): Promise<Uint8Array>;
  listObjects(repo: string, options?: { after?: string; limit?: number }): Promise<{ objects: StoredObject[]; next: string | null }>;
  createSnapshot(repo: string, snapshot: { name: string; objects: string[]; takenAt?: string }): Promise<Snapshot>;
  listSnapshots(repo: string): Promise<Snapshot[]>;
  getSnapshot(repo: string, snapshot: string): Promise<Snapshot>;
  deleteSnapshot(repo: string, snapshot: string): Promise<null>;
  backUp(repo: string, key: BackupKey, name: string, plaintext: Uint8Array | string): Promise<Snapshot>;
  restoreLatest(repo: string, key: BackupKey, name: string): Promise<{ snapshot: Snapshot; plaintext: Uint8Array } | null>;
}
