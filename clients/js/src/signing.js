// RFC 9421 HTTP Message Signatures, the profile of docs/api/signing.md, plus RFC 9530 Content-Digest.
import { toBase64, toBase64Url, utf8 } from './base64.js';

/** The components every Peers request covers (plus "content-digest" when there is a body). */
export const PEERS_COMPONENTS = Object.freeze(['@method', '@authority', '@path', '@query']);

/** `sha-256=:<base64>:` of the body (RFC 9530). @param {Uint8Array | string} body */
export async function contentDigest(body) {
  const bytes = typeof body === 'string' ? utf8(body) : body;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `sha-256=:${toBase64(digest)}:`;
}

/** A fresh nonce: 16 random bytes, unpadded base64url. */
export function newNonce() {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/** RFC 8941 sf-string. @param {string} s */
function sfString(s) {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new TypeError(`not a structured-field string: ${JSON.stringify(s)}`);
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** @param {string} name @param {unknown} value */
function sfParam(name, value) {
  if (!/^[a-z*][a-z0-9_.*-]*$/.test(name)) throw new TypeError(`not a structured-field key: ${name}`);
  if (value === true) return `;${name}`;
  if (value === false) return `;${name}=?0`;
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isInteger(value)) throw new TypeError(`parameter ${name} must be an integer`);
    return `;${name}=${value}`;
  }
  if (typeof value === 'string') return `;${name}=${sfString(value)}`;
  throw new TypeError(`unsupported value for parameter ${name}`);
}

/**
 * The serialized `@signature-params` value: the inner list of components with parameters, in the
 * order given (an object's insertion order or an array of [name, value] pairs; undefined is left out).
 * @param {readonly string[]} components
 * @param {Record<string, string | number | boolean | undefined> | Array<[string, string | number | boolean]>} params
 */
export function signatureParams(components, params) {
  const entries = Array.isArray(params) ? params : Object.entries(params);
  return `(${components.map(sfString).join(' ')})` + entries.filter(([, v]) => v !== undefined).map(([k, v]) => sfParam(k, v)).join('');
}

/** @param {HeadersInit | undefined} headers */
function headerLookup(headers) {
  const h = new Headers(headers);
  return (/** @type {string} */ name) => h.get(name);
}

/**
 * The value of one covered component of a request (RFC 9421 §2.1, §2.2).
 * @param {{method: string, url: string | URL, headers?: HeadersInit}} request
 * @param {string} component
 */
export function componentValue(request, component) {
  const url = new URL(request.url);
  const query = url.search === '' ? '?' : url.search;
  switch (component) {
    case '@method': return request.method.toUpperCase();
    case '@authority': return url.host.toLowerCase();
    case '@scheme': return url.protocol.slice(0, -1).toLowerCase();
    case '@path': return url.pathname || '/';
    case '@query': return query;
    case '@request-target': return (url.pathname || '/') + url.search;
    case '@target-uri': return `${url.protocol.toLowerCase()}//${url.host.toLowerCase()}${url.pathname || '/'}${url.search}`;
    default: {
      if (component.startsWith('@')) throw new TypeError(`derived component ${component} is not supported`);
      const value = headerLookup(request.headers)(component);
      if (value === null) throw new TypeError(`covered header ${component} is not in the request`);
      return value.trim();
    }
  }
}

/**
 * The signature base (RFC 9421 §2.5) as UTF-8 bytes.
 * @param {{method: string, url: string | URL, headers?: HeadersInit}} request
 * @param {readonly string[]} components
 * @param {string} params serialized signature parameters, from {@link signatureParams}
 */
export function signatureBase(request, components, params) {
  let text = '';
  for (const c of components) {
    const value = componentValue(request, c);
    if (/[\r\n]/.test(value)) throw new TypeError(`component ${c} has a line break in its value`);
    text += `"${c.toLowerCase()}": ${value}\n`;
  }
  text += `"@signature-params": ${params}`;
  return utf8(text);
}

/**
 * Signs a request with any component list and parameters (RFC 9421 §3.1). The request must already
 * carry every covered header. Returns the `Signature-Input` and `Signature` header values.
 * @param {{sign(data: Uint8Array): Promise<Uint8Array>}} signer e.g. an Identity
 * @param {{method: string, url: string | URL, headers?: HeadersInit}} request
 * @param {{components: readonly string[], params: Record<string, string | number | boolean | undefined> | Array<[string, string | number | boolean]>, label?: string}} spec
 */
export async function signMessage(signer, request, { components, params, label = 'sig' }) {
  const serialized = signatureParams(components, params);
  const base = signatureBase(request, components, serialized);
  const signature = await signer.sign(base);
  return {
    'signature-input': `${label}=${serialized}`,
    signature: `${label}=:${toBase64(signature)}:`,
    base,
  };
}

/**
 * Signs a request the way every Peers service expects (docs/api/signing.md): covers @method,
 * @authority, @path, @query and, with a body, content-digest; params created, nonce, keyid, alg.
 * Returns the headers to send (content-digest when there is a body, signature-input, signature).
 * @param {import('./identity.js').Identity} identity
 * @param {{method: string, url: string | URL, headers?: HeadersInit, body?: string | Uint8Array | null, created?: number, expires?: number, nonce?: string, components?: readonly string[]}} request
 */
export async function signRequest(identity, request) {
  const headers = new Headers(request.headers);
  const hasBody = request.body !== undefined && request.body !== null;
  const components = [...(request.components ?? PEERS_COMPONENTS)];
  if (hasBody) {
    headers.set('content-digest', await contentDigest(/** @type {string | Uint8Array} */ (request.body)));
    if (!components.includes('content-digest')) components.push('content-digest');
  }
  const params = {
    created: request.created ?? Math.floor(Date.now() / 1000),
    expires: request.expires,
    nonce: request.nonce ?? newNonce(),
    keyid: identity.peerKey,
    alg: 'ed25519',
  };
  const signed = await signMessage(identity, { method: request.method, url: request.url, headers }, { components, params });
  headers.set('signature-input', signed['signature-input']);
  headers.set('signature', signed.signature);
  return headers;
}

/**
 * `fetch` with a Peers request signature. `json` sets a JSON body and its Content-Type.
 * @param {import('./identity.js').Identity} identity
 * @param {string | URL} url
 * @param {{method?: string, body?: string | Uint8Array | null, json?: unknown, headers?: HeadersInit, signal?: AbortSignal, fetch?: typeof fetch}} [options]
 */
export async function signedFetch(identity, url, options = {}) {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers = new Headers(options.headers);
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers.set('content-type', 'application/json');
  }
  const signedHeaders = await signRequest(identity, { method, url, headers, body });
  const doFetch = options.fetch ?? globalThis.fetch;
  return doFetch(url, { method, headers: signedHeaders, body: body ?? undefined, signal: options.signal });
}
