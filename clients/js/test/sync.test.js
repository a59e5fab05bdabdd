import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createDecipheriv, hkdfSync, diffieHellman, createPrivateKey, createPublicKey } from 'node:crypto';
import { EncryptionKeyPair, Identity, PeersProblem, StreamKey, SyncClient, DecryptionError, PageFormatError, decodePage, newRecordId, toBase64Url, fromBase64Url } from '../src/index.js';

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

/** A binary page written independently of src/ (docs/api/sync-buffer.md, "Binary pages"). */
function binaryPage({ earliest, lastSeq, next, more, records }) {
  const parts = [];
  const header = Buffer.alloc(33);
  header.write('SBP1', 0, 'ascii');
  header.writeBigInt64BE(BigInt(earliest), 4);
  header.writeBigInt64BE(BigInt(lastSeq), 12);
  header.writeBigInt64BE(BigInt(next), 20);
  header.writeUInt8(more ? 1 : 0, 28);
  header.writeUInt32BE(records.length, 29);
  parts.push(header);
  for (const r of records) {
    const fixed = Buffer.alloc(24);
    fixed.writeBigInt64BE(BigInt(r.seq), 0);
    fixed.writeBigInt64BE(r.createdMicros, 8);
    fixed.writeBigInt64BE(r.expiresMicros, 16);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(r.ciphertext.length);
    parts.push(fixed, Buffer.from([r.id.length]), Buffer.from(r.id, 'ascii'), Buffer.from([r.author.length]), Buffer.from(r.author, 'ascii'), len,
      Buffer.from(r.ciphertext));
  }
  return new Uint8Array(Buffer.concat(parts));
}

const AUTHOR = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const SAMPLE = {
  earliest: 3, lastSeq: 9, next: 5, more: true,
  records: [
    { seq: 4, id: 'r-4', author: AUTHOR, ciphertext: [1, 2, 3], createdMicros: 1795305600123456n, expiresMicros: 1796515200123000n },
    { seq: 5, id: 'r_5', author: AUTHOR, ciphertext: [], createdMicros: 1795305601000000n, expiresMicros: 1796515201000001n },
  ],
};

test('a binary page decodes to the JSON page: the same fields, times as the same ISO-8601 strings', () => {
  const page = decodePage(binaryPage(SAMPLE));
  assert.deepEqual({ ...page, records: page.records.map((r) => ({ ...r, ciphertext: [...r.ciphertext] })) }, {
    earliest: 3, lastSeq: 9, next: 5, more: true,
    records: [
      // Java's Instant.toString(): 6 fraction digits, 3 when exact, none when whole seconds
      { id: 'r-4', seq: 4, author: AUTHOR, ciphertext: [1, 2, 3], createdAt: '2026-11-22T00:00:00.123456Z', expiresAt: '2026-12-06T00:00:00.123Z' },
      { id: 'r_5', seq: 5, author: AUTHOR, ciphertext: [], createdAt: '2026-11-22T00:00:01Z', expiresAt: '2026-12-06T00:00:01.000001Z' },
    ],
  });
  const empty = decodePage(binaryPage({ earliest: 10, lastSeq: 9, next: 9, more: false, records: [] }));
  assert.deepEqual(empty, { records: [], earliest: 10, lastSeq: 9, next: 9, more: false });
});

test('a binary page that is cut short, too long, or not a page is a PageFormatError', () => {
  const good = binaryPage(SAMPLE);
  assert.throws(() => decodePage(good.subarray(0, good.length - 1)), PageFormatError);
  assert.throws(() => decodePage(good.subarray(0, 20)), /inside the header/);
  assert.throws(() => decodePage(new Uint8Array([...good, 0])), /1 bytes after its 2 records/);
  const magic = good.slice();
  magic[3] = 0x32; // SBP2
  assert.throws(() => decodePage(magic), /does not start with SBP1/);
  const more = good.slice();
  more[28] = 2;
  assert.throws(() => decodePage(more), /more is 2/);
  const count = good.slice();
  count[32] = 3; // 3 records announced, 2 present
  assert.throws(() => decodePage(count), /ends inside record 2/);
  const seq = good.slice();
  seq[33] = 0x80; // a negative seq
  assert.throws(() => decodePage(seq), /seq .* out of range/);
  assert.throws(() => decodePage(new Uint8Array(0)), PageFormatError);
});

test('a binary read answered with a problem, or with another media type, is a PeersProblem', async () => {
  const answers = [
    new Response(JSON.stringify({ type: 'https://peers.dev/problems/cursor-expired', title: 'Cursor expired', status: 410, earliest: 7 }),
      { status: 410, headers: { 'content-type': 'application/problem+json' } }),
    new Response('{"records":[]}', { status: 200, headers: { 'content-type': 'application/json' } }),
    new Response(binaryPage(SAMPLE), { status: 200, headers: { 'content-type': 'application/octet-stream' } }),
  ];
  const seen = [];
  const fetch = async (url, init) => {
    seen.push(new Headers(init.headers).get('accept'));
    return answers.shift();
  };
  const identity = await Identity.generate();
  const sync = new SyncClient('http://sync.test', identity, { fetch });
  await assert.rejects(sync.read('s'), (e) => e instanceof PeersProblem && e.status === 410 && e.problem.earliest === 7);
  await assert.rejects(sync.read('s'), (e) => e instanceof PeersProblem && /not application\/octet-stream/.test(e.title));
  assert.equal((await sync.read('s', { after: 3 })).records[0].seq, 4);
  assert.deepEqual(seen, ['application/octet-stream', 'application/octet-stream', 'application/octet-stream']);
});
