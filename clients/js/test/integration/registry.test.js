// Against a real, running key-registry: PEERS_BASE_URL=http://127.0.0.1:8080 node --test test/integration/
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Identity, EncryptionKeyPair, RegistryClient, ProofError, PeersProblem, signedFetch } from '../../src/index.js';
import { fromBase64, fromBase64Url, toBase64, toBase64Url } from '../../src/base64.js';

const BASE = process.env.PEERS_BASE_URL;
const tag = `t${Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => 'abcdefghijkmnpqrstuvwxyz'[b % 24]).join('')}`;

/** A fetch that rewrites JSON answers of matching paths. */
function tamperingFetch(matches, rewrite) {
  return async (url, init) => {
    const response = await fetch(url, init);
    if (!matches(new URL(url).pathname) || !response.ok) return response;
    const body = rewrite(await response.json());
    return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
  };
}

const flip = (b64, at = 0) => {
  const bytes = fromBase64Url(b64);
  bytes[at] ^= 1;
  return toBase64Url(bytes);
};

describe('RegistryClient against a running key-registry', { skip: BASE ? false : 'PEERS_BASE_URL is not set' }, () => {
  const client = new RegistryClient(BASE ?? 'http://unset');
  const s = {};

  it('takes the log key from the discovery document and verifies the tree head', async () => {
    s.logKey = await client.logKey();
    assert.match(s.logKey, /^[A-Za-z0-9_-]{43}$/);
  });

  it('registers Alice with an encryption key and a certified device', async () => {
    s.alice = await Identity.generate();
    s.device = await Identity.generate();
    s.enc = await EncryptionKeyPair.generate();
    const cert = await client.certifyDevice(s.alice, s.device.peerKey, Math.floor(Date.now() / 1000) + 30 * 86400);
    s.aliceHandle = `${tag}-alice`;
    const answer = await client.register(s.alice, { handle: s.aliceHandle, encryptionKey: s.enc.encryptionKey, devices: [cert] });
    assert.equal(answer.identity.id, s.alice.peerKey);
    assert.equal(answer.identity.handle, s.aliceHandle);
    assert.equal(answer.identity.encryptionKey, s.enc.encryptionKey);
    assert.deepEqual(answer.identity.devices, [cert]);
    assert.equal(answer.entry.op, 'register');
  });

  it('registers Bob (handle case-folded by the registry)', async () => {
    s.bob = await Identity.generate();
    s.bobHandle = `${tag}-bob`;
    const answer = await client.register(s.bob, { handle: s.bobHandle.toUpperCase() });
    assert.equal(answer.identity.handle, s.bobHandle);
  });

  it('looks Bob up by handle with full verification, also with a pinned log key', async () => {
    const found = await client.lookupHandle(s.bobHandle);
    assert.equal(found.identity.identityKey, s.bob.peerKey);
    assert.equal(found.identity.status, 'active');
    const pinned = new RegistryClient(BASE, { logKey: s.logKey });
    assert.equal((await pinned.lookupHandle(s.bobHandle.toUpperCase())).identity.identityKey, s.bob.peerKey);
    assert.ok(client.largestTreeHead.treeSize >= found.treeHead.treeSize);
  });

  it('searches public handles by prefix, paged', async () => {
    const all = await client.search(tag);
    assert.deepEqual(all.handles.map((h) => h.handle), [s.aliceHandle, s.bobHandle]);
    const first = await client.search(tag, null, 1);
    assert.equal(first.handles.length, 1);
    assert.equal(first.next, s.aliceHandle);
    const second = await client.search(tag, first.next, 1);
    assert.deepEqual(second.handles, [{ handle: s.bobHandle, identityKey: s.bob.peerKey }]);
  });

  it('rotates Alice\'s key, re-certifying her device', async () => {
    s.alice2 = await Identity.generate();
    const cert = await client.certifyDevice(s.alice2, s.device.peerKey, Math.floor(Date.now() / 1000) + 30 * 86400);
    const answer = await client.rotate(s.alice, s.alice2, { devices: [cert] });
    assert.equal(answer.identity.identityKey, s.alice2.peerKey);
    assert.equal(answer.identity.id, s.alice.peerKey);
    assert.deepEqual(answer.identity.devices, [cert]);
    const byOldKey = await client.lookupKey(s.alice.peerKey);
    assert.equal(byOldKey.keyMatch, 'first');
    assert.equal(byOldKey.identity.identityKey, s.alice2.peerKey);
    assert.equal((await client.lookupHandle(s.aliceHandle)).identity.identityKey, s.alice2.peerKey);
    // The old key no longer speaks for Alice.
    await assert.rejects(client.setDiscoverability(s.alice, 'unlisted'), (e) => e instanceof PeersProblem && e.status >= 400);
  });

  it('changes discoverability: private hides the handle, unlisted hides it from search only', async () => {
    assert.equal((await client.setDiscoverability(s.alice2, 'private')).identity.discoverability, 'private');
    await assert.rejects(client.lookupHandle(s.aliceHandle), (e) => e instanceof PeersProblem && e.status === 404);
    assert.equal((await client.lookupKey(s.alice2.peerKey)).identity.discoverability, 'private');
    assert.deepEqual((await client.search(tag)).handles.map((h) => h.handle), [s.bobHandle]);
    await client.setDiscoverability(s.alice2, 'unlisted');
    assert.equal((await client.lookupHandle(s.aliceHandle)).identity.discoverability, 'unlisted');
    assert.deepEqual((await client.search(tag)).handles.map((h) => h.handle), [s.bobHandle]);
  });

  it('lists Alice\'s whole history as one proven chain', async () => {
    const history = await client.history(s.alice2);
    assert.deepEqual(history.map((h) => h.entry.op), ['register', 'rotate', 'discoverability', 'discoverability']
      .slice(0, history.length));
    assert.equal(history.length, 4);
    assert.deepEqual(history.map((h) => h.entry.seq), [1, 2, 3, 4]);
  });

  it('revokes Bob: his handle is released, his key answers "revoked"', async () => {
    const answer = await client.revoke(s.bob);
    assert.equal(answer.identity.status, 'revoked');
    assert.equal(answer.identity.handle, null);
    assert.equal((await client.lookupKey(s.bob.peerKey)).identity.status, 'revoked');
    await assert.rejects(client.lookupHandle(s.bobHandle), (e) => e instanceof PeersProblem && e.status === 404);
    await assert.rejects(client.revoke(s.bob), (e) => e instanceof PeersProblem && e.status === 409);
  });

  it('a bad signature is refused with a 401 PeersProblem', async () => {
    const forging = new RegistryClient(BASE, {
      logKey: s.logKey,
      fetch: (url, init) => {
        const headers = new Headers(init.headers);
        const sig = headers.get('signature');
        const bytes = fromBase64(sig.slice('sig=:'.length, -1));
        bytes[7] ^= 1;
        headers.set('signature', `sig=:${toBase64(bytes)}:`);
        return fetch(url, { ...init, headers });
      },
    });
    await assert.rejects(forging.setDiscoverability(s.alice2, 'public'), (e) => e instanceof PeersProblem && e.status === 401
      && e.type === 'urn:peers:problem:signature-invalid' && typeof e.detail === 'string');
    // And no signature at all.
    const unsigned = await fetch(`${BASE}/registry/v1/identities/${s.alice2.peerKey}/revocation`, { method: 'POST' });
    assert.equal(unsigned.status, 401);
    assert.equal((await unsigned.json()).type, 'urn:peers:problem:signature-required');
    // A replayed nonce is refused too.
    const replay = (url, init) => fetch(url, init).then(async (r) => {
      await r.text();
      return fetch(url, init);
    });
    const replaying = new RegistryClient(BASE, { logKey: s.logKey, fetch: replay });
    await assert.rejects(replaying.setDiscoverability(s.alice2, 'public'), (e) => e instanceof PeersProblem && e.status === 401
      && e.type === 'urn:peers:problem:signature-replayed');
    // The first of the two requests went through: a signed fetch by hand confirms the state.
    const mine = await signedFetch(s.alice2, `${BASE}/registry/v1/identities/${s.alice2.peerKey}/history?limit=1`);
    assert.equal(mine.status, 200);
  });

  it('a tampered answer throws ProofError', async () => {
    const cases = {
      salt: (b) => { b.proof.salt = flip(b.proof.salt); return b; },
      entry: (b) => { b.proof.entry = b.proof.entry.replace('"status":"active"', '"status":"revoked"'); b.identity.status = 'revoked'; return b; },
      inclusion: (b) => { b.proof.inclusion[b.proof.inclusion.length - 1] = flip(b.proof.inclusion[b.proof.inclusion.length - 1]); return b; },
      signature: (b) => { b.proof.treeHead.signature = flip(b.proof.treeHead.signature); return b; },
      rootHash: (b) => { b.proof.treeHead.rootHash = flip(b.proof.treeHead.rootHash); return b; },
      answer: (b) => { b.identity.encryptionKey = null; return b; },
    };
    for (const [what, rewrite] of Object.entries(cases)) {
      const tampered = new RegistryClient(BASE, { logKey: s.logKey, fetch: tamperingFetch((p) => p.startsWith('/registry/v1/handles/'), rewrite) });
      await assert.rejects(tampered.lookupHandle(s.aliceHandle), ProofError, `tampering with ${what}`);
    }
  });

  it('verifies the newest tree head and the log\'s consistency since the first head', async () => {
    const head = await client.treeHead();
    // At least this suite's seven writes (two registrations, a rotation, two discoverability
    // changes, a revocation, the replayed request's first copy).
    assert.ok(head.treeSize >= 7, `tree size ${head.treeSize}`);
    assert.equal(client.largestTreeHead.treeSize, head.treeSize);
    const { first, second } = await client.consistency(1, head.treeSize);
    assert.equal(first.treeSize, 1);
    assert.equal(second.rootHash, head.rootHash);
  });
});
