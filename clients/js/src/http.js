// JSON over HTTP for the service clients: signed requests, problem+json answers as PeersProblem.
import { PeersProblem } from './errors.js';
import { signedFetch } from './signing.js';

/**
 * Sends a request (signed by `identity` when given) and returns the answer.
 * @param {string} url
 * @param {{method?: string, identity?: import('./identity.js').Identity, body?: string, headers?: Record<string, string>, fetch?: typeof fetch, signal?: AbortSignal}} options
 */
async function send(url, { method = 'GET', identity, body, headers = {}, fetch: fetchImpl, signal }) {
  const doFetch = fetchImpl ?? ((/** @type {any} */ ...args) => globalThis.fetch(...args));
  return identity
    ? signedFetch(identity, url, { method, body, headers, fetch: doFetch, signal })
    : doFetch(url, { method, headers, body, signal });
}

/** `text` parsed as JSON, or null when it is empty or not JSON. @param {string} text */
function parseOrNull(text) {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/** The PeersProblem of a non-2xx answer whose body is `text`. @param {Response} response @param {string} text */
function problemOf(response, text) {
  const parsed = parseOrNull(text);
  return new PeersProblem(parsed && typeof parsed === 'object' ? parsed : { title: text.slice(0, 200) || `HTTP ${response.status}` }, response.status);
}

/**
 * Sends a JSON request (signed by `identity` when given) and returns the parsed JSON answer, or null
 * for 204. A non-2xx answer throws PeersProblem with the problem document's members.
 * @param {string} url
 * @param {{method?: string, identity?: import('./identity.js').Identity, json?: unknown, headers?: Record<string, string>, fetch?: typeof fetch, signal?: AbortSignal}} [options]
 */
export async function requestJson(url, { method = 'GET', identity, json, headers = {}, fetch, signal } = {}) {
  const body = json === undefined ? undefined : JSON.stringify(json);
  const h = { accept: 'application/json', ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  const response = await send(url, { method, identity, body, headers: h, fetch, signal });
  if (response.status === 204) return null;
  const text = await response.text();
  if (!response.ok) {
    throw problemOf(response, text);
  }
  const parsed = parseOrNull(text);
  if (parsed === null || typeof parsed !== 'object') {
    throw new PeersProblem({ title: 'the answer is not JSON', detail: `${method} ${url} answered ${response.status} without a JSON body` }, response.status);
  }
  return parsed;
}

/**
 * Sends a request without a body (signed by `identity` when given) that asks for `accept`, and returns the
 * answer's bytes. A non-2xx answer throws PeersProblem (errors are problem+json whatever was asked for); a 2xx
 * answer of another media type throws PeersProblem too.
 * @param {string} url @param {string} accept
 * @param {{method?: string, identity?: import('./identity.js').Identity, headers?: Record<string, string>, fetch?: typeof fetch, signal?: AbortSignal}} [options]
 */
export async function requestBytes(url, accept, { method = 'GET', identity, headers = {}, fetch, signal } = {}) {
  const response = await send(url, { method, identity, headers: { ...headers, accept }, fetch, signal });
  if (!response.ok) {
    throw problemOf(response, await response.text());
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== accept) {
    throw new PeersProblem({ title: `the answer is not ${accept}`, detail: `${method} ${url} answered ${response.status} with '${type}'` }, response.status);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** The base URL without trailing slashes. @param {string | URL} base */
export function trimBase(base) {
  return String(base).replace(/\/+$/, '');
}
