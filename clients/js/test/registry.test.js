import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Identity } from '../src/identity.js';
import { RegistryClient, certifyDevice, deviceCertificateText, entryCommitment } from '../src/registry.js';
import { leafHash } from '../src/merkle.js';
import { ProofError, PeersProblem } from '../src/errors.js';
import { fromBase64Url, toBase64Url } from '../src/base64.js';
import { FakeRegistry } from './fake-registry.js';

/** A registry with a few identities, and a client that trusts its log key. */
async function setup() {
  const registry = await FakeRegistry.create();
  const alice = await Identity.generate();
  const bob = await Identity.generate();
  const device = await Identity.generate();
  await registry.append(alice, { handle: 'alice', devices: [{ key: device.peerKey, expires: 1826782059 }] });
  await registry.append(bob, { handle: 'bob' });
  const client = new RegistryClient('https://peers.example', { logKey: registry.logKey, fetch: registry.fetch });
  return { registry, alice, bob, device, client };
}

/** Flips one bit of an unpadded base64url value. */
const flip = (b64, at = 0) => {
  const bytes = fromBase64Url(b64);
  bytes[at] ^= 1;
  return toBase64Url(bytes);
};

test('a verified lookup returns the entry\'s values', async () => {
  const { client, bob, alice, device } = await setup();
  const found = await client.lookupHandle('Bob');
  assert.equal(found.identity.identityKey, bob.peerKey);
  assert.equal(found.identity.handle, 'bob');
  assert.equal(found.identity.status, 'active');
  assert.equal(found.treeHead.treeSize, 2);
  const byKey = await client.lookupKey(alice.peerKey);
  assert.equal(byKey.keyMatch, 'current');
  assert.deepEqual(byKey.identity.devices.map((d) => d.key), [device.peerKey]);
  assert.equal(client.largestTreeHead.treeSize, 2);
});

test('the log key can come from the discovery document', async () => {
  const { registry } = await setup();
  const client = new RegistryClient('https://peers.example/', { fetch: registry.fetch });
  assert.equal(await client.logKey(), registry.logKey);
  assert.equal((await client.lookupHandle('alice')).identity.handle, 'alice');
});

const tamperings = {
  'a byte of the entry': (b) => { b.proof.entry = b.proof.entry.replace('"seq":1', '"seq":2'); },
  'a byte of the salt': (b) => { b.proof.salt = flip(b.proof.salt, 5); },
  'a byte of the inclusion proof': (b) => { b.proof.inclusion[0] = flip(b.proof.inclusion[0], 31); },
  'a byte of the tree-head signature': (b) => { b.proof.treeHead.signature = flip(b.proof.treeHead.signature, 10); },
  'a byte of the root hash': (b) => { b.proof.treeHead.rootHash = flip(b.proof.treeHead.rootHash, 0); },
  'the tree size': (b) => { b.proof.treeHead.treeSize = 3; },
  'the signing time': (b) => { b.proof.treeHead.signedAt += 1; },
  'the leaf index': (b) => { b.proof.leafIndex = 0; },
  'the log key': (b) => { b.proof.treeHead.logKey = flip(b.proof.treeHead.logKey, 3); },
  'the identity key in the answer (not the entry)': (b) => { b.identity.identityKey = b.identity.id = flip(b.identity.identityKey); },
  'the handle in the answer': (b) => { b.identity.handle = 'bobby'; },
  'the status in the answer': (b) => { b.identity.status = 'revoked'; },
  'the discoverability in the answer': (b) => { b.identity.discoverability = 'unlisted'; },
  'the devices in the answer': (b) => { b.identity.devices = [{ key: b.identity.identityKey, expires: 1, certificate: 'AA' }]; },
  'a non-base64url salt': (b) => { b.proof.salt = `${b.proof.salt}=`; },
  'a missing proof': (b) => { delete b.proof; },
};

for (const [what, tamper] of Object.entries(tamperings)) {
  test(`tampering with ${what} throws ProofError`, async () => {
    const { registry, client } = await setup();
    registry.tamper = (path, body) => {
      if (path.startsWith('/registry/v1/handles/')) tamper(body);
      return body;
    };
    await assert.rejects(client.lookupHandle('bob'), ProofError);
  });
}

test('an answer about another handle throws ProofError', async () => {
  const { registry, client } = await setup();
  const aliceAnswer = await registry.answer(registry.byHandle.get('alice'));
  registry.tamper = (path, body) => (path === '/registry/v1/handles/bob' ? aliceAnswer : body);
  await assert.rejects(client.lookupHandle('bob'), (e) => e instanceof ProofError && /another handle/.test(e.message));
});

test('a device the identity key did not certify throws ProofError', async () => {
  const { registry, client, alice } = await setup();
  // Mallory certifies her own key as a device of Alice's: the log commits to it, the proofs are
  // all valid, but the certificate is not Alice's signature.
  const mallory = await Identity.generate();
  const forged = await certifyDevice(mallory, mallory.peerKey, 1826782059);
  await registry.append(alice, { handle: 'alice2', devices: [] });
  const fresh = registry.byHandle.get('alice2');
  const text = fresh.entry.replace('"devices":[]', `"devices":${JSON.stringify([forged])}`);
  registry.leaves[fresh.leafIndex] = await leafHash(await entryCommitment(fresh.salt, text));
  fresh.entry = text;
  registry.heads.clear();
  await assert.rejects(client.lookupHandle('alice2'), (e) => e instanceof ProofError && /device certificate/.test(e.message));
  assert.equal(new TextDecoder().decode(deviceCertificateText('K', 'D', 1826782059)), 'peers-registry-device/v1\nK\nD\n1826782059');
});

test('a larger head is proven consistent; a forked log throws ProofError and stays distrusted', async () => {
  const { registry, client, alice } = await setup();
  await client.lookupHandle('bob'); // head of size 2
  const carol = await Identity.generate();
  await registry.append(carol, { handle: 'carol' });
  await registry.append(await Identity.generate(), { handle: 'dave' });
  assert.equal((await client.lookupHandle('carol')).treeHead.treeSize, 4);
  assert.equal(client.largestTreeHead.treeSize, 4);
  // An older head (size 2) is checked against the larger one too.
  registry.tamper = (path, body) => (path === '/registry/v1/log/tree-head' ? registry.heads.get(2) : body);
  assert.equal((await client.treeHead()).treeSize, 2);

  // Fork: rewrite leaf 0 and grow the tree; the new head is validly signed but inconsistent.
  registry.tamper = (_p, body) => body;
  registry.leaves[0] = registry.leaves[1];
  registry.heads.clear();
  await registry.append(await Identity.generate(), { handle: 'erin' });
  await assert.rejects(client.lookupHandle('erin'), (e) => e instanceof ProofError && /forked/.test(e.message));
  await assert.rejects(client.lookupKey(alice.peerKey), ProofError);
});

test('two roots for one tree size throw ProofError', async () => {
  const { registry, client } = await setup();
  await client.lookupHandle('bob');
  registry.leaves[0] = registry.leaves[1];
  registry.heads.clear();
  await assert.rejects(client.lookupHandle('bob'), (e) => e instanceof ProofError && /two different roots/.test(e.message));
});

test('consistency(first, second) verifies both heads and the proof', async () => {
  const { registry, client } = await setup();
  for (const h of ['carol', 'dave', 'erin']) await registry.append(await Identity.generate(), { handle: h });
  const { first, second, proof } = await client.consistency(2, 5);
  assert.equal(first.treeSize, 2);
  assert.equal(second.treeSize, 5);
  assert.ok(proof.length > 0);
  registry.tamper = (path, body) => {
    if (path.endsWith('/consistency')) body.proof[0] = flip(body.proof[0]);
    return body;
  };
  const fresh = new RegistryClient('https://peers.example', { logKey: registry.logKey, fetch: registry.fetch });
  await assert.rejects(fresh.consistency(3, 5), ProofError);
});

test('problems become PeersProblem with type, status and detail', async () => {
  const { client } = await setup();
  await assert.rejects(client.lookupHandle('nobody'), (e) => e instanceof PeersProblem && e.status === 404
    && e.type === 'urn:peers:problem:not-found' && e.detail === 'no such handle');
});

test('a wrong pinned log key throws ProofError', async () => {
  const { registry } = await setup();
  const other = await Identity.generate();
  const client = new RegistryClient('https://peers.example', { logKey: other.peerKey, fetch: registry.fetch });
  await assert.rejects(client.lookupHandle('bob'), ProofError);
  assert.throws(() => new RegistryClient('https://x', { logKey: 'not-a-key' }), TypeError);
});

test('a write answered with a proof about someone else throws ProofError', async () => {
  const { registry, client, bob } = await setup();
  const carol = await Identity.generate();
  registry.routes.set('POST /registry/v1/identities', () => registry.answer(registry.byKey.get(bob.peerKey)));
  await assert.rejects(client.register(carol, { handle: 'bob' }), (e) => e instanceof ProofError && /another key/.test(e.message));
  registry.routes.set(`POST /registry/v1/identities/${bob.peerKey}/revocation`, () => registry.answer(registry.byKey.get(bob.peerKey)));
  await assert.rejects(client.revoke(bob), (e) => e instanceof ProofError && /not revoked/.test(e.message));
  const next = await Identity.generate();
  registry.routes.set(`POST /registry/v1/identities/${bob.peerKey}/rotation`, async (_url, init) => {
    // The request carries the new key's proof of possession, signed as documented.
    const body = JSON.parse(init.body);
    assert.equal(body.newKey, next.peerKey);
    const { verifyPeerSignature } = await import('../src/identity.js');
    assert.ok(await verifyPeerSignature(next.peerKey, new TextEncoder().encode(`peers-registry-rotate/v1\n${bob.peerKey}\n${next.peerKey}`), fromBase64Url(body.proof)));
    assert.match(new Headers(init.headers).get('signature-input'), new RegExp(`keyid="${bob.peerKey}"`));
    return registry.answer(registry.byKey.get(bob.peerKey)); // ... but the answer still names the old key
  });
  await assert.rejects(client.rotate(bob, next), (e) => e instanceof ProofError && /new key/.test(e.message));
});

test('history must be one unbroken chain about the caller', async () => {
  const { registry, client, alice } = await setup();
  await registry.append(alice, { handle: 'alice', op: 'discoverability', discoverability: 'unlisted' });
  await registry.append(alice, { handle: 'alice', op: 'discoverability', discoverability: 'private' });
  const aliceStates = registry.allStates.filter((s) => s.id === alice.peerKey);
  assert.equal(aliceStates.length, 3);
  const historyPath = `GET /registry/v1/identities/${alice.peerKey}/history`;
  registry.routes.set(historyPath, async () => ({ entries: await Promise.all(aliceStates.map(async (s) => (await registry.answer(s)).proof)) }));
  const history = await client.history(alice);
  assert.deepEqual(history.map((h) => h.entry.seq), [1, 2, 3]);
  assert.deepEqual(history.map((h) => h.entry.discoverability), ['public', 'unlisted', 'private']);
  // Leave out the middle entry: the gap is detected.
  registry.routes.set(historyPath, async () => ({ entries: await Promise.all([aliceStates[0], aliceStates[2]].map(async (s) => (await registry.answer(s)).proof)) }));
  await assert.rejects(client.history(alice), (e) => e instanceof ProofError && /skips an entry/.test(e.message));
  // Pages are followed, and the chain continues across them.
  registry.routes.set(historyPath, async (url) => {
    const after = url.searchParams.get('after');
    const rest = after === null ? aliceStates.slice(0, 2) : aliceStates.filter((s) => s.leafIndex > Number(after));
    return { entries: await Promise.all(rest.map(async (s) => (await registry.answer(s)).proof)), next: after === null ? aliceStates[1].leafIndex : null };
  });
  assert.equal((await client.history(alice)).length, 3);
});
