// Against a real, running signaling: PEERS_SIGNAL_URL (or PEERS_BASE_URL, a devstack router) = http://127.0.0.1:8080
// node --experimental-websocket --test test/integration/
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { Identity, SignalingClient, SocketError, PeersProblem, PeersSocket, roomId, webSocketUrl, signedFetch } from '../../src/index.js';

const BASE = process.env.PEERS_SIGNAL_URL || process.env.PEERS_BASE_URL;
const T = { timeout: 20_000 };

describe('SignalingClient against a running signaling', { skip: BASE ? false : 'PEERS_SIGNAL_URL / PEERS_BASE_URL is not set' }, () => {
  const s = {};
  const open = [];
  after(() => open.forEach((c) => c.close()));

  /** @param {Identity} id */
  const connect = async (id) => {
    const c = await SignalingClient.connect(BASE, id);
    open.push(c);
    return c;
  };

  it('authenticates Alice and Bob with their keys', T, async () => {
    s.alice = await Identity.generate();
    s.bob = await Identity.generate();
    s.a = await connect(s.alice);
    s.b = await connect(s.bob);
    assert.equal(s.a.key, s.alice.peerKey);
    assert.equal(s.b.key, s.bob.peerKey);
    await s.a.ping();
  });

  it('a wrong signature is refused (the socket authenticates only with the key it proves)', T, async () => {
    const mallory = await Identity.generate();
    const forged = { peerKey: s.alice.peerKey, sign: (data) => mallory.sign(data) };
    await assert.rejects(PeersSocket.open(webSocketUrl(BASE, '/signal/v1/ws'), '/signal/v1/ws', /** @type {any} */ (forged)),
      (e) => e instanceof SocketError && e.code === 'signature-invalid');
    // a signature for another endpoint does not authenticate here either
    await assert.rejects(PeersSocket.open(webSocketUrl(BASE, '/signal/v1/ws'), '/sync/v1/tail', mallory),
      (e) => e instanceof SocketError && e.code === 'signature-invalid');
  });

  it('joins a room by hashed id and sees members come and go', T, async () => {
    s.room = await roomId(`client-it/${Date.now()}/${Math.random()}`);
    const joinedA = await s.a.join(s.room);
    assert.deepEqual(joinedA, { room: s.room, members: [] });
    const seen = new Promise((resolve) => s.a.onPeerJoined((room, peer) => room === s.room && resolve(peer)));
    const joinedB = await s.b.join(s.room);
    assert.deepEqual(joinedB.members, [s.alice.peerKey]);
    assert.equal(await seen, s.bob.peerKey);
    assert.deepEqual(s.b.rooms, [s.room]);
  });

  it('delivers a signal with its payload exactly and its sender', T, async () => {
    const payload = { sdp: { type: 'offer', sdp: 'v=0\r\n…' }, n: [1, 2.5, null, 'ü'] };
    const got = new Promise((resolve) => s.b.onSignal((from, p) => resolve({ from, p })));
    await s.a.signal(s.bob.peerKey, payload, { quietMs: 300 });
    assert.deepEqual(await got, { from: s.alice.peerKey, p: payload });
  });

  it('a signal to a key with no connection fails with peer-not-connected', T, async () => {
    const nobody = await Identity.generate();
    await assert.rejects(s.a.signal(nobody.peerKey, { hi: 1 }), (e) => e instanceof SocketError && e.code === 'peer-not-connected' && e.frame.to === nobody.peerKey);
  });

  it('bad requests get typed errors and the socket lives on', T, async () => {
    await assert.rejects(s.a.join('has space'), (e) => e instanceof SocketError && e.code === 'invalid-field');
    await assert.rejects(s.a.join('x'.repeat(129)), (e) => e instanceof SocketError && e.code === 'invalid-field');
    await assert.rejects(s.a.leave('never-joined'), (e) => e instanceof SocketError && e.code === 'not-in-room');
    await assert.rejects(s.a.signal('not-a-key', {}), TypeError);
    await s.a.ping();
  });

  it('a large payload (60 KB, under the 64 KiB bound) arrives whole', T, async () => {
    const big = { big: 'x'.repeat(60_000) };
    const got = new Promise((resolve) => { const off = s.b.onSignal((from, p) => { off(); resolve(p); }); });
    await s.a.signal(s.bob.peerKey, big, { quietMs: 300 });
    assert.deepEqual(await got, big);
  });

  it('peer-left when Bob leaves, and after Bob closes his socket', T, async () => {
    const left = () => new Promise((resolve) => {
      const off = s.a.onPeerLeft((room, peer) => { off(); resolve({ room, peer }); });
    });
    let gone = left();
    await s.b.leave(s.room);
    assert.deepEqual(await gone, { room: s.room, peer: s.bob.peerKey });
    await s.b.join(s.room);
    gone = left();
    const closed = new Promise((resolve) => s.b.onClose(resolve));
    s.b.close();
    await closed;
    assert.ok(s.b.closed);
    assert.deepEqual(await gone, { room: s.room, peer: s.bob.peerKey });
  });

  it('ICE servers come from a signed request; an unsigned one is refused', T, async () => {
    const ice = await s.a.iceServers();
    assert.ok(Array.isArray(ice.iceServers));
    assert.ok(Number.isInteger(ice.ttl) && ice.ttl > 0);
    const unsigned = await fetch(`${BASE}/signal/v1/ice-servers`);
    assert.equal(unsigned.status, 401);
    assert.equal(unsigned.headers.get('content-type'), 'application/problem+json');
    const signed = await signedFetch(s.alice, `${BASE}/signal/v1/ice-servers`);
    assert.equal(signed.status, 200);
    assert.ok(PeersProblem);
  });
});
