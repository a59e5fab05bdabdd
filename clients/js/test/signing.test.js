import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Identity } from '../src/identity.js';
import { signMessage, signRequest, signatureBase, signatureParams, contentDigest, componentValue } from '../src/signing.js';
import { fromBase64 } from '../src/base64.js';

// RFC 9421 Appendix B.2.6 (test-key-ed25519), with the request of B.2.
const RFC_PKCS8 = 'MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF';
const RFC_SPKI = 'MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=';
const RFC_REQUEST = {
  method: 'POST',
  url: 'https://example.com/foo?param=Value&Pet=dog',
  headers: {
    Host: 'example.com',
    Date: 'Tue, 20 Apr 2021 02:07:55 GMT',
    'Content-Type': 'application/json',
    'Content-Length': '18',
  },
};
const RFC_COMPONENTS = ['date', '@method', '@path', '@authority', 'content-type', 'content-length'];
const RFC_BASE = [
  '"date": Tue, 20 Apr 2021 02:07:55 GMT',
  '"@method": POST',
  '"@path": /foo',
  '"@authority": example.com',
  '"content-type": application/json',
  '"content-length": 18',
  '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
].join('\n');
const RFC_SIGNATURE = 'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==';

test('RFC 9421 B.2.6: signature base and ed25519 signature byte for byte', async () => {
  const identity = await Identity.fromPkcs8(fromBase64(RFC_PKCS8));
  // The key is the RFC's: its SPKI ends with our raw public key.
  assert.deepEqual(identity.publicKey, fromBase64(RFC_SPKI).slice(-32));
  const signed = await signMessage(identity, RFC_REQUEST, {
    components: RFC_COMPONENTS,
    params: { created: 1618884473, keyid: 'test-key-ed25519' },
    label: 'sig-b26',
  });
  assert.equal(new TextDecoder().decode(signed.base), RFC_BASE);
  assert.equal(signed['signature-input'], 'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"');
  assert.equal(signed.signature, `sig-b26=:${RFC_SIGNATURE}:`);
});

test('Peers profile: components, params, content-digest and a verifiable signature', async () => {
  const identity = await Identity.generate();
  const body = '{"handle":"alice"}';
  const headers = await signRequest(identity, {
    method: 'post', url: 'https://peers.example/registry/v1/identities', body, created: 1795246064, nonce: 'n-1',
  });
  assert.equal(headers.get('content-digest'), 'sha-256=:8gGw+ktkxphX3dXWo86jxjy2SZjbMhw862OxXCkjhv8=:');
  const input = `("@method" "@authority" "@path" "@query" "content-digest");created=1795246064;nonce="n-1";keyid="${identity.peerKey}";alg="ed25519"`;
  assert.equal(headers.get('signature-input'), `sig=${input}`);
  const base = [
    '"@method": POST',
    '"@authority": peers.example',
    '"@path": /registry/v1/identities',
    '"@query": ?',
    '"content-digest": sha-256=:8gGw+ktkxphX3dXWo86jxjy2SZjbMhw862OxXCkjhv8=:',
    `"@signature-params": ${input}`,
  ].join('\n');
  const sig = fromBase64(headers.get('signature').slice('sig=:'.length, -1));
  const pub = await crypto.subtle.importKey('raw', identity.publicKey, { name: 'Ed25519' }, false, ['verify']);
  assert.ok(await crypto.subtle.verify({ name: 'Ed25519' }, pub, sig, new TextEncoder().encode(base)));
});

test('without a body there is no content-digest; a query is covered as sent', async () => {
  const identity = await Identity.generate();
  const headers = await signRequest(identity, { method: 'GET', url: 'http://127.0.0.1:8080/registry/v1/handles?prefix=al&limit=5' });
  assert.equal(headers.get('content-digest'), null);
  assert.match(headers.get('signature-input'), /^sig=\("@method" "@authority" "@path" "@query"\);created=\d+;nonce="[A-Za-z0-9_-]{22}";keyid="[A-Za-z0-9_-]{43}";alg="ed25519"$/);
  const req = { method: 'GET', url: 'http://127.0.0.1:8080/registry/v1/handles?prefix=al&limit=5' };
  assert.equal(componentValue(req, '@authority'), '127.0.0.1:8080');
  assert.equal(componentValue(req, '@query'), '?prefix=al&limit=5');
  assert.equal(componentValue({ method: 'GET', url: 'HTTPS://Peers.Example:443/a%20b' }, '@authority'), 'peers.example');
  assert.equal(componentValue({ method: 'GET', url: 'https://peers.example/a%20b' }, '@path'), '/a%20b');
  assert.equal(componentValue({ method: 'GET', url: 'https://peers.example' }, '@path'), '/');
});

test('signature params: ordering, escaping, refusals', () => {
  assert.equal(signatureParams(['@method'], [['nonce', 'a"b\\c'], ['created', 1]]), '("@method");nonce="a\\"b\\\\c";created=1');
  assert.throws(() => signatureParams(['@method'], { created: 1.5 }));
  assert.throws(() => signatureParams(['@method'], { nonce: 'é' }));
  assert.throws(() => signatureBase({ method: 'GET', url: 'https://x.example/' }, ['x-missing'], '()'));
  assert.throws(() => signatureBase({ method: 'GET', url: 'https://x.example/' }, ['@status'], '()'));
});

test('content digest of bytes and of text agree', async () => {
  assert.equal(await contentDigest(new TextEncoder().encode('{"hello": "world"}\n')), await contentDigest('{"hello": "world"}\n'));
  // RFC 9530 Appendix B example 2 (POST body {"hello": "world"}).
  assert.equal(await contentDigest('{"hello": "world"}'), 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
});
