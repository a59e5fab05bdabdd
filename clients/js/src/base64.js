// Base64 helpers that work the same in browsers and Node (no Buffer).

const URL_ALPHABET = /^[A-Za-z0-9_-]*$/;

/** @param {Uint8Array} bytes */
export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 0x8000)));
  }
  return btoa(s);
}

/** @param {string} text standard base64, padded */
export function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Unpadded base64url, as every Peers API writes binary values. @param {Uint8Array} bytes */
export function toBase64Url(bytes) {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Strict unpadded base64url decoding: anything else (padding, other alphabets, a length that
 * cannot occur, non-zero trailing bits) throws a TypeError.
 * @param {string} text
 */
export function fromBase64Url(text) {
  if (typeof text !== 'string' || !URL_ALPHABET.test(text) || text.length % 4 === 1) {
    throw new TypeError('not unpadded base64url');
  }
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice(0, (4 - (text.length % 4)) % 4);
  const bytes = fromBase64(padded);
  if (toBase64Url(bytes) !== text) {
    throw new TypeError('not canonical base64url');
  }
  return bytes;
}

/** @param {string} text */
export function utf8(text) {
  return new TextEncoder().encode(text);
}

/** @param {...Uint8Array} parts */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Constant-time comparison of two byte arrays. @param {Uint8Array} a @param {Uint8Array} b */
export function bytesEqual(a, b) {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
