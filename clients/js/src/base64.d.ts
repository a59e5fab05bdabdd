export function toBase64(bytes: Uint8Array): string;
export function fromBase64(text: string): Uint8Array;
/** Unpadded base64url. */
export function toBase64Url(bytes: Uint8Array): string;
/** Strict unpadded base64url; throws TypeError on anything else. */
export function fromBase64Url(text: string): Uint8Array;
export function utf8(text: string): Uint8Array;
export function concat(...parts: Uint8Array[]): Uint8Array;
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean;
