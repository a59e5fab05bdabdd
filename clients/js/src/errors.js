/**
 * A proof in an answer did not verify: the entry does not match the answer, the commitment is not
 * the leaf, the leaf is not in the tree, the tree head is not signed by the trusted log key, or the
 * log is not consistent with a head seen before. Never ignore it: the answer must not be used.
 */
export class ProofError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ProofError';
  }
}

/** An RFC 9457 problem answered by a Peers service (or a non-2xx answer without one). */
export class PeersProblem extends Error {
  /** @param {Record<string, any>} problem @param {number} status */
  constructor(problem, status) {
    const type = typeof problem.type === 'string' ? problem.type : 'about:blank';
    const title = typeof problem.title === 'string' ? problem.title : `HTTP ${status}`;
    const detail = typeof problem.detail === 'string' ? problem.detail : undefined;
    super(`${status} ${type}: ${detail ?? title}`);
    this.name = 'PeersProblem';
    this.type = type;
    this.title = title;
    this.status = typeof problem.status === 'number' ? problem.status : status;
    this.detail = detail;
    this.instance = typeof problem.instance === 'string' ? problem.instance : undefined;
    /** Every member of the problem document, extensions (e.g. `field`, `reason`) included. */
    this.problem = problem;
  }
}
