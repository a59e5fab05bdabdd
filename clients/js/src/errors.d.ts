/** A proof in an answer did not verify; the answer must not be used. */
export class ProofError extends Error {
  constructor(message: string);
  readonly name: 'ProofError';
}

/** An RFC 9457 problem (or a non-2xx answer without one). */
export class PeersProblem extends Error {
  constructor(problem: Record<string, unknown>, status: number);
  readonly name: 'PeersProblem';
  /** e.g. `urn:peers:problem:signature-invalid`; `about:blank` when the answer had none. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string | undefined;
  readonly instance: string | undefined;
  /** The whole problem document, extension members (`field`, `reason`, …) included. */
  readonly problem: Record<string, unknown>;
}
