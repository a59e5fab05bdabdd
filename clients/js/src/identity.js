// Peer identities: Ed25519 key pairs (WebCrypto only) and X25519 encryption key pairs.
import { fromBase64Url, toBase64Url } from './base64.js';

const ED25519 = { name: 'Ed25519' };
const X25519 = { name: 'X25519' };

/** The raw 32-byte public key of an Ed25519 "peer key" (unpadded base64url), validated. @param {string} peerKey */
export function peerKeyBytes(peerKey) {
  let bytes;
  try {
    bytes = fromBase64Url(peerKey);
  } catch {
    throw new TypeError('a peer key is 32 bytes as unpadded base64url (43 characters)');
  }
  if (bytes.length !== 32) throw new TypeError('a peer key is 32 bytes as unpadded base64url (43 characters)');
  return bytes;
}

/**
 * Verifies an Ed25519 signature by a peer key. Returns false (never throws) for malformed input.
 * @param {string} peerKey @param {Uint8Array} data @param {Uint8Array} signature
 */
export async function verifyPeerSignature(peerKey, data, signature) {
  try {
    const key = await crypto.subtle.importKey('raw', peerKeyBytes(peerKey), ED25519, false, ['verify']);
    return signature instanceof Uint8Array && signature.length === 64 && (await crypto.subtle.verify(ED25519, key, signature, data));
  } catch {
    return false;
  }
}

/** An Ed25519 identity: the peer key is who the peer is; the private key signs requests. */
export class Identity {
  /** @param {CryptoKey} privateKey @param {Uint8Array} publicKey raw 32 bytes */
  constructor(privateKey, publicKey) {
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) throw new TypeError('publicKey must be 32 raw bytes');
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    /** Unpadded base64url of the public key: the peer's name everywhere (keyid, registry). */
    this.peerKey = toBase64Url(publicKey);
  }

  /** A new identity. `extractable: false` keeps the private key inside WebCrypto (no export). */
  static async generate({ extractable = true } = {}) {
    const pair = /** @type {CryptoKeyPair} */ (await crypto.subtle.generateKey(ED25519, extractable, ['sign', 'verify']));
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    return new Identity(pair.privateKey, raw);
  }

  /** From a PKCS#8 (DER) private key. @param {Uint8Array} pkcs8 */
  static async fromPkcs8(pkcs8, { extractable = true } = {}) {
    const key = await crypto.subtle.importKey('pkcs8', pkcs8, ED25519, true, ['sign']);
    const jwk = await crypto.subtle.exportKey('jwk', key);
    return Identity.fromJwk(jwk, { extractable });
  }

  /** From a private JWK (`kty: OKP`, `crv: Ed25519`, `d`, `x`). @param {JsonWebKey} jwk */
  static async fromJwk(jwk, { extractable = true } = {}) {
    if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
      throw new TypeError('expected a private Ed25519 JWK (kty OKP, crv Ed25519, d, x)');
    }
    const { kty, crv, d, x } = jwk;
    const key = await crypto.subtle.importKey('jwk', { kty, crv, d, x }, ED25519, extractable, ['sign']);
    const identity = new Identity(key, peerKeyBytes(x));
    // A JWK whose x does not belong to d would sign as someone else: check the pair.
    const probe = new Uint8Array([0x70, 0x65, 0x65, 0x72, 0x73]);
    if (!(await verifyPeerSignature(identity.peerKey, probe, await identity.sign(probe)))) {
      throw new TypeError('the JWK public key (x) does not belong to its private key (d)');
    }
    return identity;
  }

  /** Ed25519 signature (64 bytes) over `data`. @param {Uint8Array} data */
  async sign(data) {
    return new Uint8Array(await crypto.subtle.sign(ED25519, this.privateKey, data));
  }

  /** PKCS#8 DER of the private key, for storage (only if extractable). */
  async exportPkcs8() {
    return new Uint8Array(await crypto.subtle.exportKey('pkcs8', this.privateKey));
  }

  /** Private JWK, for storage (only if extractable). */
  async exportJwk() {
    const { kty, crv, d, x } = await crypto.subtle.exportKey('jwk', this.privateKey);
    return { kty, crv, d, x };
  }
}

/** An X25519 key pair for end-to-end encryption; its public key is the registry's `encryptionKey`. */
export class EncryptionKeyPair {
  /** @param {CryptoKey} privateKey @param {Uint8Array} publicKey */
  constructor(privateKey, publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    /** Unpadded base64url of the raw public key (the registry's `encryptionKey`). */
    this.encryptionKey = toBase64Url(publicKey);
  }

  static async generate({ extractable = true } = {}) {
    const pair = /** @type {CryptoKeyPair} */ (await crypto.subtle.generateKey(X25519, extractable, ['deriveBits']));
    return new EncryptionKeyPair(pair.privateKey, new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  }

  /** @param {JsonWebKey} jwk a private X25519 JWK */
  static async fromJwk(jwk, { extractable = true } = {}) {
    if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'X25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
      throw new TypeError('expected a private X25519 JWK (kty OKP, crv X25519, d, x)');
    }
    const { kty, crv, d, x } = jwk;
    const key = await crypto.subtle.importKey('jwk', { kty, crv, d, x }, X25519, extractable, ['deriveBits']);
    const pub = fromBase64Url(x);
    if (pub.length !== 32) throw new TypeError('x is not a 32-byte X25519 key');
    return new EncryptionKeyPair(key, pub);
  }

  async exportJwk() {
    const { kty, crv, d, x } = await crypto.subtle.exportKey('jwk', this.privateKey);
    return { kty, crv, d, x };
  }

  async exportPkcs8() {
    return new Uint8Array(await crypto.subtle.exportKey('pkcs8', this.privateKey));
  }

  /** The 32-byte X25519 shared secret with a peer's `encryptionKey` (feed it to HKDF, never use it directly). @param {string} encryptionKey */
  async sharedSecret(encryptionKey) {
    const peer = await crypto.subtle.importKey('raw', peerKeyBytes(encryptionKey), X25519, false, []);
    return new Uint8Array(await crypto.subtle.deriveBits({ name: 'X25519', public: peer }, this.privateKey, 256));
  }
}
