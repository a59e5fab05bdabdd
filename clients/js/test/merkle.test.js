import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leafHash, nodeHash, verifyConsistency, verifyInclusion } from '../src/merkle.js';
import { fromBase64 } from '../src/base64.js';

const VECTORS = fileURLToPath(new URL('./vectors/merkle/', import.meta.url));

/** Every JSON case under a folder, recursively. */
function cases(folder) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json')) out.push({ name: path.slice(VECTORS.length), ...JSON.parse(readFileSync(path, 'utf8')) });
    }
  };
  walk(join(VECTORS, folder));
  return out;
}

const bytes = (b64) => (b64 === null || b64 === undefined ? null : fromBase64(b64));
const list = (proof) => (proof ?? []).map(fromBase64);

const inclusion = cases('inclusion');
const consistency = cases('consistency');

test('there are vectors of both kinds, with happy paths and errors', () => {
  assert.ok(inclusion.length >= 50, `inclusion cases: ${inclusion.length}`);
  assert.ok(consistency.length >= 80, `consistency cases: ${consistency.length}`);
  assert.ok(inclusion.some((c) => !c.wantErr) && inclusion.some((c) => c.wantErr));
  assert.ok(consistency.some((c) => !c.wantErr) && consistency.some((c) => c.wantErr));
});

test('every transparency-dev inclusion vector', async (t) => {
  for (const c of inclusion) {
    await t.test(c.name, async () => {
      const ok = await verifyInclusion(c.leafIdx, c.treeSize, bytes(c.leafHash), list(c.proof), bytes(c.root));
      assert.equal(ok, !c.wantErr, c.desc);
    });
  }
});

test('every transparency-dev consistency vector', async (t) => {
  for (const c of consistency) {
    await t.test(c.name, async () => {
      const ok = await verifyConsistency(c.size1, c.size2, bytes(c.root1), bytes(c.root2), list(c.proof));
      assert.equal(ok, !c.wantErr, c.desc);
    });
  }
});

test('root of the 8 reference leaves and the empty-tree hash', async () => {
  const hex = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
  let level = await Promise.all(hex.map((h) => leafHash(Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16)))));
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(await nodeHash(level[i], level[i + 1]));
    level = next;
  }
  assert.equal(Buffer.from(level[0]).toString('hex'), '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
});

test('malformed input verifies as false, never throws', async () => {
  const h = new Uint8Array(32);
  assert.equal(await verifyInclusion(-1, 1, h, [], h), false);
  assert.equal(await verifyInclusion(0, 1.5, h, [], h), false);
  assert.equal(await verifyInclusion(0, 1, h, null, h), false);
  assert.equal(await verifyInclusion(0, 2, h, [new Uint8Array(31)], h), false);
  assert.equal(await verifyInclusion(0, 2, h, new Array(200).fill(h), h), false);
  assert.equal(await verifyConsistency(1, 2, h, h, null), false);
  assert.equal(await verifyConsistency(1, 2, null, h, [h]), false);
  assert.equal(await verifyConsistency(2 ** 53, 2 ** 53 + 2, h, h, [h]), false);
});
