import type { Identity, Signer } from './identity.js';

export interface MessageRequest {
  method: string;
  url: string | URL;
  headers?: HeadersInit;
}

export type SignatureParamValue = string | number | boolean;
export type SignatureParamList =
  | Record<string, SignatureParamValue | undefined>
  | Array<[string, SignatureParamValue]>;

export const PEERS_COMPONENTS: readonly ['@method', '@authority', '@path', '@query'];

/** `sha-256=:<base64>:` (RFC 9530). */
export function contentDigest(body: string | Uint8Array): Promise<string>;
export function newNonce(): string;
/** Serialized `@signature-params` (inner list with parameters, in the order given). */
export function signatureParams(components: readonly string[], params: SignatureParamList): string;
export function componentValue(request: MessageRequest, component: string): string;
/** RFC 9421 §2.5 signature base, UTF-8. */
export function signatureBase(request: MessageRequest, components: readonly string[], params: string): Uint8Array;

export interface SignedMessage {
  'signature-input': string;
  signature: string;
  /** The signature base that was signed. */
  base: Uint8Array;
}

/** Generic RFC 9421 signing with any components and parameters. */
export function signMessage(
  signer: Signer,
  request: MessageRequest,
  spec: { components: readonly string[]; params: SignatureParamList; label?: string },
): Promise<SignedMessage>;

export interface PeersRequest extends MessageRequest {
  body?: string | Uint8Array | null;
  /** Unix seconds; default now. */
  created?: number;
  expires?: number;
  /** Default: 16 random bytes, base64url. */
  nonce?: string;
  /** Default PEERS_COMPONENTS (+ content-digest with a body). */
  components?: readonly string[];
}

/** The request's headers plus content-digest (with a body), signature-input and signature. */
export function signRequest(identity: Identity, request: PeersRequest): Promise<Headers>;

export interface SignedFetchOptions {
  method?: string;
  body?: string | Uint8Array | null;
  /** Sent as a JSON body with Content-Type application/json. */
  json?: unknown;
  headers?: HeadersInit;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export function signedFetch(identity: Identity, url: string | URL, options?: SignedFetchOptions): Promise<Response>;
