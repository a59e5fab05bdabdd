export * from './identity.js';
export * from './signing.js';
export * from './merkle.js';
export * from './registry.js';
export * from './errors.js';
export { toBase64Url, fromBase64Url } from './base64.js';
