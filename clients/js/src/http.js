// JSON over HTTP for the service clients: signed requests, problem+json answers as PeersProblem.
import { PeersProblem } from './errors.js';
import { signedFetch } from './signing.js';

/**
 * Sends a JSON request (signed by `identity` when given) and returns the parsed JSON answer, or null
 * for 204. A non-2xx answer throws PeersProblem with the problem document's members.
 * @param {string} url
 * @param {{method?: string, identity?: import('./identity.js').Identity, json?: unknown, headers?: Record<string, string>, fetch?: typeof fetch, signal?: AbortSignal}} [options]
 */
export async function requestJson(url, { method = 'GET', identity, json, headers = {}, fetch: fetchImpl, signal } = {}) {
  const doFetch = fetchImpl ?? ((/** @type {any} */ ...args) => globalThis.fetch(...args));
  const body = json === undefined ? undefined : JSON.stringify(json);
  const h = { accept: 'application/json', ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  const response = identity
    ? await signedFetch(identity, url, { method, body, headers: h, fetch: doFetch, signal })
    : await doFetch(url, { method, headers: h, body, signal });
  if (response.status === 204) return null;
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    throw new PeersProblem(parsed && typeof parsed === 'object' ? parsed : { title: text.slice(0, 200) || `HTTP ${response.status}` }, response.status);
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw new PeersProblem({ title: 'the answer is not JSON', detail: `${method} ${url} answered ${response.status} without a JSON body` }, response.status);
  }
  return parsed;
}

/** The base URL without trailing slashes. @param {string | URL} base */
export function trimBase(base) {
  return String(base).replace(/\/+$/, '');
}
