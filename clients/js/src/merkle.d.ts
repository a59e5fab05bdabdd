/** HASH(0x00 || data) */
export function leafHash(data: Uint8Array): Promise<Uint8Array>;
/** HASH(0x01 || left || right) */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array>;
/** RFC 9162 §2.1.3.2 root implied by an inclusion proof, or null. */
export function rootFromInclusion(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: Uint8Array[]): Promise<Uint8Array | null>;
/** RFC 9162 §2.1.3.2; false (never a throw) for malformed input. */
export function verifyInclusion(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: Uint8Array[], root: Uint8Array): Promise<boolean>;
/** RFC 9162 §2.1.4.2; false (never a throw) for malformed input. */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: Uint8Array[]): Promise<boolean>;
