import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createDecipheriv, hkdfSync, diffieHellman, createPrivateKey, createPublicKey } from 'node:crypto';
import { EncryptionKeyPair, StreamKey, DecryptionError, newRecordId, toBase64Url, fromBase64Url } from '../src/index.js';

const utf8 = (s) => new TextEncoder().encode(s);

test('a record round-trips and its layout is version, nonce, AES-256-GCM with the stream and id as additional data', async () => {
  const key = await StreamKey.generate();
  const sealed = await key.encrypt('notes', 'r1', 'hello, Bob');
  assert.equal(sealed[0], 1);
  assert.equal(sealed.length, 1 + 12 + 10 + 16);
  assert.equal(new TextDecoder().decode(await key.decrypt('notes', 'r1', sealed)), 'hello, Bob');
  // independent check with node:crypto
  const d = createDecipheriv('aes-256-gcm', key.exportRaw(), sealed.subarray(1, 13));
  d.setAAD(utf8('peers-sync-record/v1\nnotes\nr1'));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  assert.equal(Buffer.concat([d.update(sealed.subarray(13, sealed.length - 16)), d.final()]).toString(), 'hello, Bob');
  // fresh nonce every time
  assert.notDeepEqual(await key.encrypt('notes', 'r1', 'hello, Bob'), sealed);
});

test('a record moved to another stream or id, tampered with, or read with another key does not decrypt', async () => {
  const key = await StreamKey.generate();
  const sealed = await key.encrypt('notes', 'r1', utf8('secret'));
  await assert.rejects(key.decrypt('other', 'r1', sealed), DecryptionError);
  await assert.rejects(key.decrypt('notes', 'r2', sealed), DecryptionError);
  const flipped = new Uint8Array(sealed);
  flipped[20] ^= 1;
  await assert.rejects(key.decrypt('notes', 'r1', flipped), DecryptionError);
  await assert.rejects((await StreamKey.generate()).decrypt('notes', 'r1', sealed), DecryptionError);
  await assert.rejects(key.decrypt('notes', 'r1', sealed.subarray(0, 20)), DecryptionError);
  const v2 = new Uint8Array(sealed);
  v2[0] = 2;
  await assert.rejects(key.decrypt('notes', 'r1', v2), DecryptionError);
});

test('stream keys are 32 bytes', async () => {
  await assert.rejects(StreamKey.fromRaw(new Uint8Array(16)), TypeError);
  const raw = crypto.getRandomValues(new Uint8Array(32));
  assert.deepEqual((await StreamKey.fromRaw(raw)).exportRaw(), raw);
});

test('a stream key wrapped for a member unwraps with its X25519 key only, for that stream only', async () => {
  const bob = await EncryptionKeyPair.generate();
  const eve = await EncryptionKeyPair.generate();
  const key = await StreamKey.generate();
  const wrapped = await key.wrapFor('chat', bob.encryptionKey);
  assert.equal(fromBase64Url(wrapped).length, 1 + 32 + 12 + 32 + 16);
  assert.deepEqual((await StreamKey.unwrap('chat', wrapped, bob)).exportRaw(), key.exportRaw());
  await assert.rejects(StreamKey.unwrap('chat', wrapped, eve), DecryptionError);
  await assert.rejects(StreamKey.unwrap('other', wrapped, bob), DecryptionError);
  const bytes = fromBase64Url(wrapped);
  bytes[50] ^= 1;
  await assert.rejects(StreamKey.unwrap('chat', toBase64Url(bytes), bob), DecryptionError);
  await assert.rejects(StreamKey.unwrap('chat', 'not base64!', bob), DecryptionError);
  await assert.rejects(StreamKey.unwrap('chat', toBase64Url(new Uint8Array(10)), bob), DecryptionError);
  // a second wrap uses a new ephemeral key
  assert.notEqual(await key.wrapFor('chat', bob.encryptionKey), wrapped);
  await assert.rejects(key.wrapFor('chat', 'short'), TypeError);
});

test('the wrap is X25519 then HKDF-SHA-256 (salt: ephemeral || recipient, info: context and stream) then AES-256-GCM', async () => {
  const bob = await EncryptionKeyPair.generate();
  const key = await StreamKey.generate();
  const bytes = fromBase64Url(await key.wrapFor('chat', bob.encryptionKey));
  const ephemeral = bytes.subarray(1, 33);
  const priv = createPrivateKey({ key: { ...(await bob.exportJwk()) }, format: 'jwk' });
  const pub = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: toBase64Url(ephemeral) }, format: 'jwk' });
  const shared = diffieHellman({ privateKey: priv, publicKey: pub });
  const kek = Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeral, bob.publicKey]), utf8('peers-sync-stream-key/v1\nchat'), 32));
  const d = createDecipheriv('aes-256-gcm', kek, bytes.subarray(33, 45));
  d.setAAD(utf8('chat'));
  d.setAuthTag(bytes.subarray(bytes.length - 16));
  const raw = Buffer.concat([d.update(bytes.subarray(45, bytes.length - 16)), d.final()]);
  assert.deepEqual(new Uint8Array(raw), key.exportRaw());
});

test('record ids are valid sync-buffer ids and sort by time', async () => {
  const a = newRecordId();
  await new Promise((r) => setTimeout(r, 3));
  const b = newRecordId();
  for (const id of [a, b]) assert.match(id, /^[A-Za-z0-9_.:-]{1,128}$/);
  assert.ok(a < b);
  assert.equal(createHash('sha256').update(a).digest().length, 32);
});
