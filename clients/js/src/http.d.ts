import type { Identity } from './identity.js';

export interface RequestJsonOptions {
  method?: string;
  /** Signs the request (RFC 9421) when given. */
  identity?: Identity;
  /** JSON body. */
  json?: unknown;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** JSON request; a non-2xx answer throws PeersProblem; 204 resolves with null. */
export function requestJson(url: string, options?: RequestJsonOptions): Promise<any>;
/** Bodiless request asking for `accept`; answers its bytes. A non-2xx answer, or one of another media type, throws PeersProblem. */
export function requestBytes(url: string, accept: string, options?: Omit<RequestJsonOptions, 'json'>): Promise<Uint8Array>;
/** The base URL without trailing slashes. */
export function trimBase(base: string | URL): string;
