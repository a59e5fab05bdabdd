// RFC 9162 Merkle tree hashing and client-side proof verification (§2.1.3.2 inclusion, §2.1.4.2
// consistency), transcribed step by step from the RFC. Nothing here throws on untrusted input:
// malformed sizes, hashes or proofs verify as false.
import { bytesEqual, concat } from './base64.js';

const HASH_SIZE = 32;
const MAX_PROOF = 128;

/** @param {Uint8Array} bytes */
async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** HASH(0x00 || data). @param {Uint8Array} data */
export function leafHash(data) {
  return sha256(concat(new Uint8Array([0]), data));
}

/** HASH(0x01 || left || right). @param {Uint8Array} left @param {Uint8Array} right */
export function nodeHash(left, right) {
  return sha256(concat(new Uint8Array([1]), left, right));
}

/** @param {unknown} h */
function isHash(h) {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

/** @param {unknown} proof */
function allHashes(proof) {
  return Array.isArray(proof) && proof.length <= MAX_PROOF && proof.every(isHash);
}

/** @param {unknown} n */
function isSize(n) {
  return Number.isSafeInteger(n) && /** @type {number} */ (n) >= 0;
}

// Sizes are safe integers (< 2^53), so bit operations go through BigInt-free arithmetic.
const lsb = (/** @type {number} */ n) => n % 2 === 1;
const shr = (/** @type {number} */ n) => Math.floor(n / 2);
const isPowerOfTwo = (/** @type {number} */ n) => {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
};

/**
 * The root an inclusion proof implies (RFC 9162 §2.1.3.2 steps 1–5 without the final comparison),
 * or null when the inputs are malformed or the proof has the wrong length.
 * @param {number} leafIndex @param {number} treeSize @param {Uint8Array} leaf the leaf hash
 * @param {Uint8Array[]} proof leaf-to-root
 */
export async function rootFromInclusion(leafIndex, treeSize, leaf, proof) {
  // 1. leaf_index >= tree_size fails (and the RFC's integers are unsigned).
  if (!isSize(leafIndex) || !isSize(treeSize) || treeSize === 0 || leafIndex >= treeSize) return null;
  if (!isHash(leaf) || !allHashes(proof)) return null;
  // 2. fn = leaf_index, sn = tree_size - 1. 3. r = hash.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  // 4. For each p in inclusion_path:
  for (const p of proof) {
    // a. If sn is 0, fail.
    if (sn === 0) return null;
    // b. If LSB(fn) is set, or fn == sn:
    if (lsb(fn) || fn === sn) {
      r = await nodeHash(p, r);
      // ii. If LSB(fn) is not set, right-shift fn and sn until LSB(fn) is set or fn is 0.
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    // c. Right-shift both once.
    fn = shr(fn);
    sn = shr(sn);
  }
  // 5. sn must be 0.
  return sn === 0 ? r : null;
}

/**
 * RFC 9162 §2.1.3.2: is the leaf with hash `leaf` at `leafIndex` in the tree of `treeSize` leaves
 * with root `root`?
 * @param {number} leafIndex @param {number} treeSize @param {Uint8Array} leaf
 * @param {Uint8Array[]} proof @param {Uint8Array} root
 */
export async function verifyInclusion(leafIndex, treeSize, leaf, proof, root) {
  if (!isHash(root)) return false;
  const computed = await rootFromInclusion(leafIndex, treeSize, leaf, proof);
  return computed !== null && bytesEqual(computed, root);
}

/**
 * RFC 9162 §2.1.4.2: is the tree of `size2` leaves with root `root2` an append-only extension of
 * the tree of `size1` leaves with root `root1`? `size1 == size2` holds iff the proof is empty and
 * the roots are equal; `size1 == 0` never verifies (nothing to prove from the empty tree).
 * @param {number} size1 @param {number} size2 @param {Uint8Array} root1 @param {Uint8Array} root2
 * @param {Uint8Array[]} proof
 */
export async function verifyConsistency(size1, size2, root1, root2, proof) {
  if (!isSize(size1) || !isSize(size2) || size1 === 0 || size1 > size2) return false;
  if (!(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array) || !Array.isArray(proof)) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (!isHash(root1) || !isHash(root2) || !allHashes(proof)) return false;
  // 1. An empty consistency_path fails.
  if (proof.length === 0) return false;
  // 2. If first is an exact power of 2, prepend first_hash.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  // 3. fn = first - 1, sn = second - 1.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // 4. If LSB(fn) is set, right-shift both until it is not.
  while (lsb(fn)) {
    fn = shr(fn);
    sn = shr(sn);
  }
  // 5. fr = sr = first value.
  let fr = path[0];
  let sr = path[0];
  // 6. For each subsequent value c:
  for (const c of path.slice(1)) {
    // a. If sn is 0, fail.
    if (sn === 0) return false;
    // b. If LSB(fn) is set, or fn == sn:
    if (lsb(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    // c. Right-shift both once.
    fn = shr(fn);
    sn = shr(sn);
  }
  // 7. fr == first_hash, sr == second_hash, sn == 0.
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
