import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Identity, verifyPeerSignature, wsAuthMessage, wsAuthFrame, webSocketUrl, roomId, isOfferer, fromBase64Url, SocketError, PeersSocket, connectDataChannel } from '../src/index.js';

test('the socket authentication signs "peers-ws-auth/v1\\n" + endpoint + "\\n" + challenge with the identity key', async () => {
  assert.equal(new TextDecoder().decode(wsAuthMessage('/signal/v1/ws', 'abc')), 'peers-ws-auth/v1\n/signal/v1/ws\nabc');
  const alice = await Identity.generate();
  const frame = await wsAuthFrame(alice, '/sync/v1/tail', 'q1o7X0Vh');
  assert.equal(frame.type, 'auth');
  assert.equal(frame.key, alice.peerKey);
  assert.ok(await verifyPeerSignature(alice.peerKey, wsAuthMessage('/sync/v1/tail', 'q1o7X0Vh'), fromBase64Url(frame.signature)));
  assert.ok(!(await verifyPeerSignature(alice.peerKey, wsAuthMessage('/signal/v1/ws', 'q1o7X0Vh'), fromBase64Url(frame.signature))),
    'a signature for one endpoint must not serve another');
});

test('socket URLs follow the base URL scheme', () => {
  assert.equal(webSocketUrl('http://localhost:8080/', '/signal/v1/ws'), 'ws://localhost:8080/signal/v1/ws');
  assert.equal(webSocketUrl('https://peers.example', '/sync/v1/tail'), 'wss://peers.example/sync/v1/tail');
});

test('room ids are base64url SHA-256 of a context and the name, valid for the server (1-128 printable, no spaces)', async () => {
  const id = await roomId('demo/chat alice bob');
  assert.equal(id, createHash('sha256').update('peers-room/v1\ndemo/chat alice bob').digest('base64url'));
  assert.match(id, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(await roomId('demo/chat alice carol'), id);
});

test('exactly one side of a pair offers', async () => {
  const [a, b] = [(await Identity.generate()).peerKey, (await Identity.generate()).peerKey];
  assert.notEqual(isOfferer(a, b), isOfferer(b, a));
});

test('without a WebSocket or RTCPeerConnection implementation the client says what is missing', async () => {
  const alice = await Identity.generate();
  await assert.rejects(PeersSocket.open('ws://127.0.0.1:1/x', '/x', alice, { WebSocket: /** @type {any} */ (null) }), /no WebSocket implementation/);
  await assert.rejects(connectDataChannel(/** @type {any} */ ({ key: alice.peerKey }), alice.peerKey, { RTCPeerConnection: /** @type {any} */ (null) }), /RTCPeerConnection/);
  assert.equal(new SocketError('peer-not-connected', 'gone', { to: 'x' }).code, 'peer-not-connected');
});

test('a socket that never answers the challenge times out, one that refuses to connect fails', async () => {
  const alice = await Identity.generate();
  await assert.rejects(PeersSocket.open('ws://127.0.0.1:9/none', '/none', alice, { timeoutMs: 5000 }), (e) => e instanceof SocketError && e.code === 'closed');
});
