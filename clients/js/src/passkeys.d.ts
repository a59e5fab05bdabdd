import type { Identity, EncryptionKeyPair } from './identity.js';

/** How this client names its wraps. */
export const WRAP_ALGORITHM: string;

/** No PRF, a wrap that does not open, a malformed recovery code. */
export class PasskeyError extends Error {
  constructor(message: string);
  readonly name: 'PasskeyError';
}

/** A copy without `clientExtensionResults.prf.results` (the PRF output must never be sent). */
export function stripPrfResults<T>(json: T): T;
/** Creation options JSON (from the server) to navigator.credentials.create() options. */
export function creationOptions(o: any): PublicKeyCredentialCreationOptions;
/** Request options JSON to navigator.credentials.get() options. */
export function requestOptions(o: any): PublicKeyCredentialRequestOptions;
/** The 32-byte PRF output of a credential, or null. */
export function prfOutput(credential: any): Uint8Array | null;
/** HKDF-SHA-256(prf, info "peers-managed-keys/wrap/v1") as an AES-256-GCM key. */
export function prfWrappingKey(prf: Uint8Array): Promise<CryptoKey>;

export interface KeyWrap {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  identityKey: string;
  encryptionKey: string;
}

/** AES-256-GCM of the Ed25519 and X25519 private keys, bound to both public keys. */
export function sealKeys(wrappingKey: CryptoKey, identity: Identity, encryption: EncryptionKeyPair): Promise<KeyWrap>;
export function openKeys(wrappingKey: CryptoKey, wrap: KeyWrap): Promise<{ identity: Identity; encryption: EncryptionKeyPair }>;
/** 160 random bits, Crockford base32, groups of four. */
export function newRecoveryCode(): string;
/** The lookup value (base64url) and, given the salt, the wrapping key of a recovery code. */
export function recoveryKeys(code: string, kdfSalt?: Uint8Array): Promise<{ lookup: string; wrappingKey: CryptoKey | null }>;

export interface Session {
  token: string;
  expiresAt: string;
}

/** managed-keys (`/auth/v1`): passkeys with PRF that unlock the user's own keys. */
export class ManagedKeysClient {
  constructor(baseUrl: string, options?: { fetch?: typeof fetch; credentials?: CredentialsContainer; appId?: string });
  signUp(identity: Identity, encryption: EncryptionKeyPair, options?: { userName?: string }): Promise<{ accountId: string; credentialId: string; session: Session }>;
  logIn(options?: { accountId?: string }): Promise<{ accountId: string; credentialId: string; session: Session; identity: Identity; encryption: EncryptionKeyPair }>;
  /**
   * Adds a passkey of this device and stores the keys wrapped with its PRF output. With `session` the
   * session authorizes it; without, the identity key signs (e.g. right after `recover`). Logs in with the
   * new passkey and returns that session.
   */
  addPasskey(identity: Identity, encryption: EncryptionKeyPair, options: { accountId: string; session?: Session }): Promise<{ accountId: string; credentialId: string; session: Session }>;
  /** Removes a passkey; the server refuses the last way to unlock the keys. */
  removePasskey(session: Session, credentialId: string): Promise<void>;
  /** Deletes the account with every passkey, wrap and session. */
  deleteAccount(session: Session): Promise<void>;
  account(session: Session): Promise<any>;
  createRecoveryCode(session: Session, identity: Identity, encryption: EncryptionKeyPair): Promise<string>;
  recover(code: string): Promise<{ accountId: string; identity: Identity; encryption: EncryptionKeyPair }>;
  logOut(session: Session): Promise<null>;
}
