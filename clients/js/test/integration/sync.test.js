// Against a real, running sync-buffer: PEERS_SYNC_URL (or PEERS_BASE_URL, a devstack router) = http://127.0.0.1:8080
// node --experimental-websocket --test test/integration/
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { Identity, EncryptionKeyPair, SyncClient, StreamKey, DecryptionError, PeersProblem, SocketError, newRecordId } from '../../src/index.js';

const BASE = process.env.PEERS_SYNC_URL || process.env.PEERS_BASE_URL;
const T = { timeout: 20_000 };
const problem = (status, type) => (e) => e instanceof PeersProblem && e.status === status && e.type === `urn:peers:problem:${type}`;

describe('SyncClient against a running sync-buffer', { skip: BASE ? false : 'PEERS_SYNC_URL / PEERS_BASE_URL is not set' }, () => {
  const s = {};
  const closers = [];
  after(() => closers.forEach((c) => c.close()));

  it('Alice creates an encrypted stream: the server stores her wrapped key, never the stream key', T, async () => {
    s.alice = await Identity.generate();
    s.aliceEnc = await EncryptionKeyPair.generate();
    s.bob = await Identity.generate();
    s.bobEnc = await EncryptionKeyPair.generate();
    s.aliceSync = new SyncClient(BASE, s.alice);
    s.bobSync = new SyncClient(BASE, s.bob);
    const { stream, key } = await s.aliceSync.createEncryptedStream(s.aliceEnc);
    s.stream = stream.id;
    s.key = key;
    assert.equal(stream.owner, s.alice.peerKey);
    const me = await s.aliceSync.getMember(s.stream, s.alice.peerKey);
    assert.equal(me.role, 'admin');
    assert.ok(!me.wrappedKey.includes(Buffer.from(key.exportRaw()).toString('base64url')));
    assert.deepEqual((await s.aliceSync.streamKey(s.stream, s.aliceEnc)).exportRaw(), key.exportRaw());
  });

  it('Bob is added with the key wrapped for him, and unwraps it from his own member entry', T, async () => {
    const member = await s.aliceSync.addMember(s.stream, s.key, s.bob.peerKey, s.bobEnc.encryptionKey, 'write');
    assert.equal(member.role, 'write');
    s.bobKey = await s.bobSync.streamKey(s.stream, s.bobEnc);
    assert.deepEqual(s.bobKey.exportRaw(), s.key.exportRaw());
    await assert.rejects(s.bobSync.streamKey(s.stream, s.aliceEnc), DecryptionError);
    const streams = await s.bobSync.listStreams();
    assert.ok(streams.some((x) => x.id === s.stream));
  });

  it('appends encrypted records; the server holds ciphertext; Bob reads and decrypts them after a cursor', T, async () => {
    const appended = await s.aliceSync.appendEncrypted(s.stream, s.key, ['hello Bob', 'are you there?', new Uint8Array([0, 1, 2, 255])]);
    assert.deepEqual(appended.map((r) => r.seq), [1, 2, 3]);
    const raw = await s.bobSync.read(s.stream, { after: 0 });
    assert.ok(raw.records.every((r) => !new TextDecoder().decode(r.ciphertext).includes('hello')));
    // the binary page (the default) and the JSON page are the same page
    const plain = (page) => ({ ...page, records: page.records.map((r) => ({ ...r, ciphertext: [...r.ciphertext] })) });
    assert.deepEqual(plain(raw), plain(await s.bobSync.read(s.stream, { after: 0, format: 'json' })));
    assert.equal(raw.records.length, 3);
    const page = await s.bobSync.readDecrypted(s.stream, s.bobKey, { after: 0, limit: 2 });
    assert.deepEqual(page.records.map((r) => r.text), ['hello Bob', 'are you there?']);
    assert.equal(page.records[0].author, s.alice.peerKey);
    assert.equal(page.next, 2);
    assert.equal(page.more, true);
    const rest = await s.bobSync.readDecrypted(s.stream, s.bobKey, { after: page.next });
    assert.deepEqual([...rest.records[0].plaintext], [0, 1, 2, 255]);
    assert.equal(rest.more, false);
    assert.equal(rest.lastSeq, 3);
  });

  it('retrying a batch is idempotent; the same id with other bytes is a conflict', T, async () => {
    const id = newRecordId();
    const ciphertext = await s.key.encrypt(s.stream, id, 'once');
    const first = await s.aliceSync.append(s.stream, [{ id, ciphertext }]);
    const again = await s.aliceSync.append(s.stream, [{ id, ciphertext }]);
    assert.equal(again[0].seq, first[0].seq);
    assert.equal(again[0].replayed, true);
    await assert.rejects(s.aliceSync.append(s.stream, [{ id, ciphertext: await s.key.encrypt(s.stream, id, 'twice') }]), problem(409, 'record-id-conflict'));
  });

  it('a record moved to another id does not decrypt', T, async () => {
    const page = await s.bobSync.read(s.stream, { after: 0, limit: 1 });
    await assert.rejects(s.bobKey.decrypt(s.stream, 'other-id', page.records[0].ciphertext), DecryptionError);
  });

  it('the live tail delivers stored records after the cursor, then new ones as they commit', T, async () => {
    const tail = await s.bobSync.tail();
    closers.push(tail);
    const got = [];
    let notify;
    const enough = new Promise((r) => { notify = r; });
    const sub = await tail.subscribe(s.stream, 2, async (record) => {
      got.push(record);
      if (got.length === 3) notify();
    });
    assert.equal(sub.lastSeq, 4);
    await s.aliceSync.appendEncrypted(s.stream, s.key, ['live!']);
    await enough;
    assert.deepEqual(got.map((r) => r.seq), [3, 4, 5]);
    assert.equal(new TextDecoder().decode(await s.bobKey.decrypt(s.stream, got[2].id, got[2].ciphertext)), 'live!');
    tail.unsubscribe(s.stream);
  });

  it('the tail refuses a stream of which the caller is no member', T, async () => {
    const eve = await Identity.generate();
    const tail = await new SyncClient(BASE, eve).tail();
    closers.push(tail);
    await assert.rejects(tail.subscribe(s.stream, 0, () => {}), (e) => e instanceof SocketError && e.code === 'not-a-member');
  });

  it('others cannot read, write, or manage the stream; bad cursors are typed problems', T, async () => {
    const eve = new SyncClient(BASE, await Identity.generate());
    await assert.rejects(eve.read(s.stream), problem(403, 'not-a-member'));
    await assert.rejects(eve.appendEncrypted(s.stream, s.key, ['x']), problem(403, 'not-a-member'));
    await assert.rejects(s.bobSync.putMember(s.stream, s.bob.peerKey, { role: 'admin' }), problem(403, 'role-insufficient'));
    await assert.rejects(s.bobSync.read(s.stream, { after: 999 }), problem(422, 'cursor-ahead'));
    await assert.rejects(s.bobSync.read(s.stream, { after: 999, format: 'json' }), problem(422, 'cursor-ahead'));
    await assert.rejects(s.bobSync.read(s.stream, { format: 'xml' }), TypeError);
    await assert.rejects(s.bobSync.read('no-such-stream-' + Date.now()), problem(404, 'stream-unknown'));
  });

  it('Bob leaves; then he reads nothing; Alice deletes the stream', T, async () => {
    await s.bobSync.removeMember(s.stream, s.bob.peerKey);
    await assert.rejects(s.bobSync.read(s.stream), problem(403, 'not-a-member'));
    await s.aliceSync.deleteStream(s.stream);
    await assert.rejects(s.aliceSync.getStream(s.stream), problem(404, 'stream-unknown'));
  });
});
