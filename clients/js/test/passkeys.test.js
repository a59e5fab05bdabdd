import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv, hkdfSync } from 'node:crypto';
import {
  Identity, EncryptionKeyPair, PasskeyError, WRAP_ALGORITHM, stripPrfResults, creationOptions, requestOptions, prfOutput, prfWrappingKey,
  sealKeys, openKeys, newRecoveryCode, recoveryKeys, ManagedKeysClient, toBase64Url, fromBase64Url,
} from '../src/index.js';

const b64u = (bytes) => toBase64Url(new Uint8Array(bytes));

test('the PRF output is stripped before anything is sent, and nothing else is', () => {
  const json = { id: 'x', response: { clientDataJSON: 'abc' }, clientExtensionResults: { prf: { enabled: true, results: { first: 'c2VjcmV0' } }, credProps: { rk: true } } };
  const stripped = stripPrfResults(json);
  assert.deepEqual(stripped, { id: 'x', response: { clientDataJSON: 'abc' }, clientExtensionResults: { prf: { enabled: true }, credProps: { rk: true } } });
  assert.ok(json.clientExtensionResults.prf.results, 'the original is left alone');
  assert.doesNotMatch(JSON.stringify(stripped), /c2VjcmV0/);
  assert.deepEqual(stripPrfResults({ id: 'y' }), { id: 'y' });
});

test('options JSON becomes WebAuthn options: challenge, user id, credential ids and PRF salts decoded', () => {
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const c = creationOptions({ challenge: b64u([1, 2, 3]), rp: { id: 'localhost' }, user: { id: b64u([9]), name: 'u' },
    excludeCredentials: [{ type: 'public-key', id: b64u([7, 7]) }], extensions: { prf: { eval: { first: b64u(salt) } } } });
  assert.deepEqual(c.challenge, new Uint8Array([1, 2, 3]));
  assert.deepEqual(c.user.id, new Uint8Array([9]));
  assert.deepEqual(c.excludeCredentials[0].id, new Uint8Array([7, 7]));
  assert.deepEqual(c.extensions.prf.eval.first, salt);
  const r = requestOptions({ challenge: b64u([4]), allowCredentials: [{ type: 'public-key', id: b64u([5]) }],
    extensions: { prf: { evalByCredential: { [b64u([5])]: { first: b64u(salt) } } } } });
  assert.deepEqual(r.allowCredentials[0].id, new Uint8Array([5]));
  assert.deepEqual(r.extensions.prf.evalByCredential[b64u([5])].first, salt);
  assert.deepEqual(requestOptions({ challenge: b64u([4]) }).allowCredentials, []);
});

test('prfOutput reads results.first and is null without it', () => {
  const first = crypto.getRandomValues(new Uint8Array(32));
  assert.deepEqual(prfOutput({ getClientExtensionResults: () => ({ prf: { results: { first: first.buffer } } }) }), first);
  assert.equal(prfOutput({ getClientExtensionResults: () => ({ prf: { enabled: false } }) }), null);
});

test('keys sealed with a PRF-derived key open with the same PRF output only', async () => {
  const identity = await Identity.generate();
  const encryption = await EncryptionKeyPair.generate();
  const prf = crypto.getRandomValues(new Uint8Array(32));
  const wrap = await sealKeys(await prfWrappingKey(prf), identity, encryption);
  assert.equal(wrap.algorithm, WRAP_ALGORITHM);
  assert.equal(wrap.identityKey, identity.peerKey);
  const opened = await openKeys(await prfWrappingKey(prf), wrap);
  assert.equal(opened.identity.peerKey, identity.peerKey);
  assert.equal(opened.encryption.encryptionKey, encryption.encryptionKey);
  assert.deepEqual(await opened.identity.sign(new Uint8Array([1])), await identity.sign(new Uint8Array([1])));
  await assert.rejects(openKeys(await prfWrappingKey(crypto.getRandomValues(new Uint8Array(32))), wrap), PasskeyError);
  await assert.rejects(openKeys(await prfWrappingKey(prf), { ...wrap, identityKey: (await Identity.generate()).peerKey }), PasskeyError);
  await assert.rejects(openKeys(await prfWrappingKey(prf), { ...wrap, algorithm: 'A256GCM/HKDF-SHA256' }), PasskeyError);
  assert.throws(() => prfWrappingKey(new Uint8Array(16)), PasskeyError);
  // independent check: HKDF-SHA-256(prf, empty salt, info) then AES-256-GCM with both public keys as additional data
  const kek = Buffer.from(hkdfSync('sha256', prf, new Uint8Array(0), 'peers-managed-keys/wrap/v1', 32));
  const ct = fromBase64Url(wrap.ciphertext);
  const d = createDecipheriv('aes-256-gcm', kek, fromBase64Url(wrap.nonce));
  d.setAAD(Buffer.from(`${identity.peerKey}\n${encryption.encryptionKey}`));
  d.setAuthTag(ct.subarray(ct.length - 16));
  const secret = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
  assert.equal(secret.length, 64);
  assert.equal(toBase64Url(secret.subarray(0, 32)), (await identity.exportJwk()).d);
});

test('recovery codes carry 160 bits, forgive case and confusables, and give a lookup independent of the wrapping key', async () => {
  const code = newRecoveryCode();
  assert.match(code, /^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
  assert.notEqual(newRecoveryCode(), code);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const a = await recoveryKeys(code, salt);
  const b = await recoveryKeys(code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l'), salt);
  assert.equal(a.lookup, b.lookup);
  assert.equal(fromBase64Url(a.lookup).length, 32);
  const identity = await Identity.generate();
  const encryption = await EncryptionKeyPair.generate();
  const wrap = await sealKeys(a.wrappingKey, identity, encryption);
  assert.equal((await openKeys(b.wrappingKey, wrap)).identity.peerKey, identity.peerKey);
  await assert.rejects(openKeys((await recoveryKeys(code, crypto.getRandomValues(new Uint8Array(16)))).wrappingKey, wrap), PasskeyError);
  assert.equal((await recoveryKeys(code)).wrappingKey, null);
  await assert.rejects(recoveryKeys('not a code'), PasskeyError);
  await assert.rejects(recoveryKeys(`${code}X`), PasskeyError);
});

test('without WebAuthn the client says a browser is needed, before asking the server anything', async () => {
  // port 9 (discard) is closed: had the client called the server first, the error would be a network one
  const client = new ManagedKeysClient('http://127.0.0.1:9', { credentials: /** @type {any} */ (false) });
  await assert.rejects(client.signUp(await Identity.generate(), await EncryptionKeyPair.generate()), /a browser is needed/);
  await assert.rejects(client.logIn(), /a browser is needed/);
  await assert.rejects(client.addPasskey(await Identity.generate(), await EncryptionKeyPair.generate(), { accountId: 'a' }), /a browser is needed/);
  await assert.rejects(client.addPasskey(await Identity.generate(), await EncryptionKeyPair.generate(), /** @type {any} */ ({})), /needs the accountId/);
});
