// A tiny in-memory key-registry for unit tests: builds a real RFC 9162 tree over salted entry
// commitments, signs tree heads with its own log key and answers through a fetch function.
import { Identity } from '../src/identity.js';
import { toBase64Url } from '../src/base64.js';
import { leafHash, nodeHash } from '../src/merkle.js';
import { entryCommitment, treeHeadText, certifyDevice } from '../src/registry.js';

const largestPowerOfTwoBelow = (n) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

async function mth(leaves) {
  if (leaves.length === 0) return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array()));
  if (leaves.length === 1) return leaves[0];
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(await mth(leaves.slice(0, k)), await mth(leaves.slice(k)));
}

async function path(m, leaves) {
  if (leaves.length === 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k ? [...(await path(m, leaves.slice(0, k))), await mth(leaves.slice(k))]
    : [...(await path(m - k, leaves.slice(k))), await mth(leaves.slice(0, k))];
}

async function subproof(m, leaves, b) {
  const n = leaves.length;
  if (m === n) return b ? [] : [await mth(leaves)];
  const k = largestPowerOfTwoBelow(n);
  return m <= k ? [...(await subproof(m, leaves.slice(0, k), b)), await mth(leaves.slice(k))]
    : [...(await subproof(m - k, leaves.slice(k), false)), await mth(leaves.slice(0, k))];
}

export class FakeRegistry {
  static async create() {
    const r = new FakeRegistry();
    r.log = await Identity.generate();
    return r;
  }

  constructor() {
    this.leaves = [];
    this.states = []; // {entry, salt, leafIndex}
    this.byHandle = new Map();
    this.byKey = new Map();
    this.allStates = [];
    this.heads = new Map();
    /** Rewrites an answer body before it is sent: (path, body) => body. */
    this.tamper = (_path, body) => body;
    /** Extra answers by "METHOD path": async (url, init) => body. */
    this.routes = new Map();
    this.fetch = (url, init) => this.#answer(new URL(url), init ?? {});
  }

  get logKey() {
    return this.log.peerKey;
  }

  async head(size = this.leaves.length) {
    if (!this.heads.has(size)) {
      const h = { origin: 'peers-registry', treeSize: size, rootHash: toBase64Url(await mth(this.leaves.slice(0, size))), signedAt: 1795246064151 + size };
      h.signature = toBase64Url(await this.log.sign(treeHeadText(h)));
      h.logKey = this.log.peerKey;
      this.heads.set(size, h);
    }
    return this.heads.get(size);
  }

  /** Appends an entry about `identity` (an Identity) and returns its answer body. */
  async append(identity, { handle = 'alice', discoverability = 'public', status = 'active', devices = [], op = 'register', key } = {}) {
    const salt = crypto.getRandomValues(new Uint8Array(32));
    const identityKey = key ?? identity.peerKey;
    const previous = this.byKey.get(identity.peerKey);
    const certified = [];
    for (const d of devices) certified.push(await certifyDevice(identity, d.key, d.expires));
    const entry = JSON.stringify({
      v: 1, op, identity: previous?.id ?? identity.peerKey, seq: (previous?.seq ?? 0) + 1, prev: previous?.leafIndex ?? null,
      time: '2026-11-21T07:27:44.134272938Z', identityKey, handle, encryptionKey: null, discoverability, status, devices: certified,
    });
    this.leaves.push(await leafHash(await entryCommitment(salt, entry)));
    const state = { id: previous?.id ?? identity.peerKey, seq: (previous?.seq ?? 0) + 1, leafIndex: this.leaves.length - 1, entry, salt };
    this.byKey.set(identity.peerKey, state);
    this.allStates.push(state);
    if (handle) this.byHandle.set(handle, state);
    return state;
  }

  async answer(state, treeSize = this.leaves.length) {
    const e = JSON.parse(state.entry);
    return {
      identity: {
        id: e.identity, identityKey: e.identityKey, handle: e.handle, encryptionKey: e.encryptionKey,
        discoverability: e.discoverability, status: e.status, devices: e.devices,
        createdAt: '2026-11-21T07:27:44.093859Z', updatedAt: e.time,
      },
      proof: {
        leafIndex: state.leafIndex,
        entry: state.entry,
        salt: toBase64Url(state.salt),
        inclusion: (await path(state.leafIndex, this.leaves.slice(0, treeSize))).map(toBase64Url),
        treeHead: await this.head(treeSize),
      },
    };
  }

  async consistency(first, second) {
    return { first, second, proof: (await subproof(first, this.leaves.slice(0, second), true)).map(toBase64Url) };
  }

  async #answer(url, init) {
    const p = url.pathname;
    let status = 200;
    let body;
    let m;
    const route = this.routes.get(`${(init.method ?? 'GET').toUpperCase()} ${p}`);
    if (route) {
      body = await route(url, init);
    } else if (p === '/.well-known/peers-services') {
      body = { version: 1, services: {}, registry: { logOrigin: 'peers-registry', logKey: this.log.peerKey } };
    } else if ((m = p.match(/^\/registry\/v1\/handles\/([^/]+)$/))) {
      const state = this.byHandle.get(decodeURIComponent(m[1]).toLowerCase());
      body = state ? await this.answer(state) : { type: 'urn:peers:problem:not-found', title: 'Not found', status: 404, detail: 'no such handle' };
      if (!state) status = 404;
    } else if ((m = p.match(/^\/registry\/v1\/identities\/([^/]+)$/))) {
      const state = this.byKey.get(m[1]);
      body = state ? await this.answer(state) : { type: 'urn:peers:problem:not-found', title: 'Not found', status: 404 };
      if (!state) status = 404;
    } else if (p === '/registry/v1/log/tree-head') {
      body = await this.head();
    } else if ((m = p.match(/^\/registry\/v1\/log\/tree-heads\/(\d+)$/))) {
      body = await this.head(Number(m[1]));
    } else if (p === '/registry/v1/log/proofs/consistency') {
      body = await this.consistency(Number(url.searchParams.get('first')), Number(url.searchParams.get('second')));
    } else {
      status = 404;
      body = { type: 'about:blank', title: 'Not Found', status: 404 };
    }
    body = status === 200 ? this.tamper(p, structuredClone(body), init) : body;
    return new Response(JSON.stringify(body), {
      status, headers: { 'content-type': status === 200 ? 'application/json' : 'application/problem+json' },
    });
  }
}

