import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Identity, EncryptionKeyPair, verifyPeerSignature, peerKeyBytes } from '../src/identity.js';
import { fromBase64Url, toBase64Url, fromBase64 } from '../src/base64.js';

test('a generated identity has a 43-character peer key and signs verifiably', async () => {
  const id = await Identity.generate();
  assert.match(id.peerKey, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(peerKeyBytes(id.peerKey), id.publicKey);
  const data = new TextEncoder().encode('hello');
  const sig = await id.sign(data);
  assert.equal(sig.length, 64);
  assert.ok(await verifyPeerSignature(id.peerKey, data, sig));
  sig[0] ^= 1;
  assert.equal(await verifyPeerSignature(id.peerKey, data, sig), false);
  assert.equal(await verifyPeerSignature('nope', data, sig), false);
});

test('PKCS#8 and JWK export round-trip to the same peer key', async () => {
  const id = await Identity.generate();
  const again = await Identity.fromPkcs8(await id.exportPkcs8());
  assert.equal(again.peerKey, id.peerKey);
  const jwk = await id.exportJwk();
  assert.deepEqual(Object.keys(jwk).sort(), ['crv', 'd', 'kty', 'x']);
  assert.equal((await Identity.fromJwk(jwk)).peerKey, id.peerKey);
  const locked = await Identity.fromJwk(jwk, { extractable: false });
  await assert.rejects(locked.exportJwk());
  const other = await Identity.generate();
  await assert.rejects(Identity.fromJwk({ ...jwk, x: other.peerKey })); // WebCrypto or our pair check refuses it
});

test('RFC 8032 test 1 key gives the RFC public key', async () => {
  // RFC 8032 §7.1 TEST 1: secret 9d61b19d…7f60, public d75a9801…511a.
  const hex = (h) => Uint8Array.from(h.match(/../g), (x) => parseInt(x, 16));
  const d = toBase64Url(hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'));
  const x = toBase64Url(hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'));
  const id = await Identity.fromJwk({ kty: 'OKP', crv: 'Ed25519', d, x });
  const sig = await id.sign(new Uint8Array());
  assert.equal(Buffer.from(sig).toString('hex'),
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
});

test('peer keys are strict', () => {
  assert.throws(() => peerKeyBytes('AAAA'), TypeError);
  assert.throws(() => peerKeyBytes(`${'A'.repeat(43)}=`), TypeError);
  assert.throws(() => fromBase64Url('A'), TypeError);
  assert.throws(() => fromBase64Url('AB'), TypeError); // non-zero trailing bits
  assert.deepEqual(fromBase64(toBase64Url(new Uint8Array([251, 255])).replace(/-/g, '+').replace(/_/g, '/') + '='), new Uint8Array([251, 255]));
});

test('X25519 key pairs agree on a shared secret and round-trip through JWK', async () => {
  const a = await EncryptionKeyPair.generate();
  const b = await EncryptionKeyPair.generate();
  assert.match(a.encryptionKey, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(await a.sharedSecret(b.encryptionKey), await b.sharedSecret(a.encryptionKey));
  const a2 = await EncryptionKeyPair.fromJwk(await a.exportJwk());
  assert.equal(a2.encryptionKey, a.encryptionKey);
  assert.deepEqual(await a2.sharedSecret(b.encryptionKey), await b.sharedSecret(a.encryptionKey));
  assert.ok((await a.exportPkcs8()).length > 32);
});
