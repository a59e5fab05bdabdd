import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as api from '../src/index.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const sources = readdirSync(SRC).filter((f) => f.endsWith('.js'));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

test('src/ uses only web platform APIs (runs in browsers): no node: imports, Buffer or process', () => {
  for (const f of sources) {
    const text = readFileSync(SRC + f, 'utf8').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(text, /from\s+['"](node:|fs|path|crypto|buffer|url)['"]/, f);
    assert.doesNotMatch(text, /\b(Buffer|process|require)\b/, f);
    for (const [, spec] of text.matchAll(/from\s+['"]([^'"]+)['"]/g)) assert.match(spec, /^\.\/[a-z0-9-]+\.js$/, `${f} imports ${spec}`);
  }
});

test('zero dependencies, ESM, and every export has a declaration file', () => {
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.devDependencies, undefined);
  for (const [sub, target] of Object.entries(pkg.exports)) {
    assert.ok(readFileSync(new URL(`../${target.default}`, import.meta.url)), sub);
    assert.ok(readFileSync(new URL(`../${target.types}`, import.meta.url)), sub);
  }
});

test('the declarations name exactly what the modules export', async () => {
  for (const f of sources.filter((s) => s !== 'index.js')) {
    const mod = await import(new URL(`../src/${f}`, import.meta.url));
    const dts = readFileSync(SRC + f.replace(/\.js$/, '.d.ts'), 'utf8');
    const declared = [...dts.matchAll(/^export (?:declare )?(?:async )?(?:function|class|const) ([A-Za-z0-9_]+)/gm)].map((m) => m[1]);
    assert.deepEqual([...new Set(declared)].sort(), Object.keys(mod).sort(), f);
  }
  const indexDts = readFileSync(`${SRC}index.d.ts`, 'utf8');
  for (const name of Object.keys(api)) {
    const inBase64 = ['toBase64Url', 'fromBase64Url'].includes(name);
    assert.ok(inBase64 ? indexDts.includes(name) : true, name);
  }
  // index.js re-exports everything index.d.ts re-exports (export * from the same modules).
  for (const m of ['identity', 'signing', 'merkle', 'registry', 'errors', 'http', 'socket', 'signaling', 'sync', 'passkeys', 'backup', 'billing']) {
    const mod = await import(new URL(`../src/${m}.js`, import.meta.url));
    for (const name of Object.keys(mod)) assert.ok(name in api, `${m}.${name} is not exported by index.js`);
  }
});

test('runs on Node >= 20 (WebCrypto Ed25519/X25519 and a global crypto)', () => {
  const major = Number(process.versions.node.split('.')[0]);
  assert.ok(major >= 20, `Node ${process.versions.node} is too old for @peers/client: use Node 20 or newer`);
  assert.equal(typeof globalThis.crypto?.subtle?.sign, 'function');
});
