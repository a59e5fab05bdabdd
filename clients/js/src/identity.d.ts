export interface KeyOptions {
  /** false keeps the private key inside WebCrypto: no export possible. Default true. */
  extractable?: boolean;
}

export interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  d: string;
  x: string;
}

export interface X25519Jwk {
  kty: 'OKP';
  crv: 'X25519';
  d: string;
  x: string;
}

/** Anything that signs bytes with Ed25519 (an Identity, or your own key holder). */
export interface Signer {
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** The 32 raw bytes of a peer key; throws TypeError if it is not 32 bytes of unpadded base64url. */
export function peerKeyBytes(peerKey: string): Uint8Array;

/** Ed25519 verification with a peer key; false (never a throw) for malformed input. */
export function verifyPeerSignature(peerKey: string, data: Uint8Array, signature: Uint8Array): Promise<boolean>;

/** An Ed25519 identity. */
export class Identity implements Signer {
  constructor(privateKey: CryptoKey, publicKey: Uint8Array);
  readonly privateKey: CryptoKey;
  /** Raw 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** Unpadded base64url of the public key (43 characters). */
  readonly peerKey: string;
  static generate(options?: KeyOptions): Promise<Identity>;
  static fromPkcs8(pkcs8: Uint8Array, options?: KeyOptions): Promise<Identity>;
  static fromJwk(jwk: Ed25519Jwk | JsonWebKey, options?: KeyOptions): Promise<Identity>;
  sign(data: Uint8Array): Promise<Uint8Array>;
  exportPkcs8(): Promise<Uint8Array>;
  exportJwk(): Promise<Ed25519Jwk>;
}

/** An X25519 key pair; `encryptionKey` is what the registry publishes. */
export class EncryptionKeyPair {
  constructor(privateKey: CryptoKey, publicKey: Uint8Array);
  readonly privateKey: CryptoKey;
  readonly publicKey: Uint8Array;
  readonly encryptionKey: string;
  static generate(options?: KeyOptions): Promise<EncryptionKeyPair>;
  static fromJwk(jwk: X25519Jwk | JsonWebKey, options?: KeyOptions): Promise<EncryptionKeyPair>;
  exportJwk(): Promise<X25519Jwk>;
  exportPkcs8(): Promise<Uint8Array>;
  /** Raw 32-byte X25519 shared secret: derive keys from it with HKDF. */
  sharedSecret(encryptionKey: string): Promise<Uint8Array>;
}
