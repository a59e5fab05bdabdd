// The unchanged npm clients, in a real browser, through the signaling service's compatibility endpoints.
//
//   node browser.mjs <service base URL, e.g. http://127.0.0.1:8080> <screenshot directory>
//
// Debian's Chromium (driven by playwright-core) opens two isolated browser contexts per check, each with a
// page bundled by esbuild from the npm packages as they are published:
//   1. peerjs 1.5.5: `new Peer(id, {host, port, path: '/signal/v1/peerjs', secure: false})` in both pages; page B
//      connects to page A, a WebRTC data channel opens, and a message goes each way.
//   2. y-webrtc 10.3.0 + yjs: a WebrtcProvider on `ws://host:port/signal/v1/y-webrtc` in both pages, one room;
//      each page writes to a shared Y.Map and sees the other's write, over a WebRTC connection (two contexts
//      share no BroadcastChannel, so the only way between them is signaling + WebRTC).
// Pages are served with page.route() (the service has no test endpoints).
// Prints one JSON line per check and exits 0 only when every check passed.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [base, shots = 'target/e2e'] = process.argv.slice(2);
if (!base) {
  console.error('usage: node browser.mjs <service base URL> [screenshot directory]');
  process.exit(2);
}
const service = new URL(base);
const e2eDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// Pages are fulfilled by page.route() on the service's own origin (a path the service does not serve): a page
// from another origin would be stopped by Chromium's local-network-access checks when it opens ws://127.0.0.1.
const ORIGIN = service.origin;
const PAGES = '/e2e-pages';
const TIMEOUT = 30_000;
// The endpoints' paths; other values let the same checks run against peerjs-server ('/') or y-webrtc's server ('/').
const PEERJS_PATH = process.env.PEERJS_PATH ?? '/signal/v1/peerjs';
const Y_PATH = process.env.Y_PATH ?? '/signal/v1/y-webrtc';
mkdirSync(shots, { recursive: true });

async function bundle(contents) {
  const r = await build({
    stdin: { contents, resolveDir: e2eDir, loader: 'js' },
    bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2020', logLevel: 'silent',
    define: { global: 'globalThis' },
  });
  return r.outputFiles[0].text;
}

const PEERJS_PAGE = `
import { Peer } from 'peerjs';
const q = new URLSearchParams(location.search);
const log = (t) => { document.body.insertAdjacentHTML('beforeend', '<div>' + t + '</div>'); };
window.result = { events: [] };
const ev = (e) => { window.result.events.push(e); log(e); };
const peer = new Peer(q.get('me'), { host: q.get('host'), port: Number(q.get('port')), path: q.get('path'),
  secure: false, debug: 1, config: { iceServers: [] } });
peer.on('error', (e) => ev('error ' + e.type + ' ' + e.message));
peer.on('open', (id) => {
  ev('open ' + id);
  if (q.get('call')) {
    const c = peer.connect(q.get('call'), { reliable: true });
    c.on('open', () => { ev('channel open'); c.send('hello from ' + id); });
    c.on('data', (d) => { ev('got ' + d); window.result.received = d; });
  }
});
peer.on('connection', (c) => {
  c.on('data', (d) => { ev('got ' + d); window.result.received = d; c.send('hello back from ' + peer.id); });
});
`;

const YWEBRTC_PAGE = `
import * as Y from 'yjs';
import { WebrtcProvider } from 'y-webrtc';
const q = new URLSearchParams(location.search);
const log = (t) => { document.body.insertAdjacentHTML('beforeend', '<div>' + t + '</div>'); };
const doc = new Y.Doc();
const provider = new WebrtcProvider(q.get('room'), doc, { signaling: [q.get('signaling')], peerOpts: { config: { iceServers: [] } } });
const map = doc.getMap('shared');
map.set(q.get('me'), 'written by ' + q.get('me'));
window.result = () => ({ entries: map.toJSON(), webrtcPeers: provider.room ? provider.room.webrtcConns.size : 0,
  connectedPeers: provider.room ? [...provider.room.webrtcConns.values()].filter((c) => c.connected).length : 0 });
map.observe(() => log(JSON.stringify(map.toJSON())));
provider.on('peers', (e) => log('peers ' + JSON.stringify({ webrtc: e.webrtcPeers.length, bc: e.bcPeers.length })));
`;

function html(script) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>signaling e2e</title></head>`
    + `<body style="font: 14px monospace"><script>${script.replace(/<\/script/gi, '<\\/script')}</script></body></html>`;
}

async function openPage(browser, path, body, name) {
  const context = await browser.newContext({ permissions: ['microphone', 'camera'] });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (process.env.DEBUG) console.error(name, m.type(), m.text()); });
  await page.route(`${ORIGIN}${PAGES}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body }));
  await page.goto(`${ORIGIN}${PAGES}${path}`);
  return { context, page, errors, name };
}

async function shoot(p) {
  await p.page.screenshot({ path: join(shots, `${p.name}.png`) });
}

async function peerjsCheck(browser) {
  const body = html(await bundle(PEERJS_PAGE));
  const tag = Math.random().toString(36).slice(2, 8);
  const common = `host=${service.hostname}&port=${service.port}&path=${encodeURIComponent(PEERJS_PATH)}`;
  const a = await openPage(browser, `/peerjs.html?me=alice-${tag}&${common}`, body, 'peerjs-a');
  try {
    await a.page.waitForFunction(() => window.result.events.some((e) => e.startsWith('open')), null, { timeout: TIMEOUT });
  } catch (e) {
    await shoot(a);
    throw new Error(`page A never opened: ${JSON.stringify(await a.page.evaluate(() => window.result))} ${a.errors} ${a.console}`);
  }
  const b = await openPage(browser, `/peerjs.html?me=bob-${tag}&call=alice-${tag}&${common}`, body, 'peerjs-b');
  try {
    await b.page.waitForFunction(() => typeof window.result.received === 'string', null, { timeout: TIMEOUT });
    await a.page.waitForFunction(() => typeof window.result.received === 'string', null, { timeout: TIMEOUT });
    const ra = await a.page.evaluate(() => window.result);
    const rb = await b.page.evaluate(() => window.result);
    const ok = ra.received === `hello from bob-${tag}` && rb.received === `hello back from alice-${tag}`
      && rb.events.includes('channel open');
    return { check: 'peerjs', ok, a: ra, b: rb, errors: [...a.errors, ...b.errors] };
  } finally {
    await shoot(a);
    await shoot(b);
    await a.context.close();
    await b.context.close();
  }
}

async function ywebrtcCheck(browser) {
  const body = html(await bundle(YWEBRTC_PAGE));
  const room = `peers-e2e-${Math.random().toString(36).slice(2)}`;
  const signaling = `ws://${service.host}${Y_PATH}`;
  const q = (me) => `/y.html?me=${me}&room=${room}&signaling=${encodeURIComponent(signaling)}`;
  const a = await openPage(browser, q('alice'), body, 'y-webrtc-a');
  const b = await openPage(browser, q('bob'), body, 'y-webrtc-b');
  try {
    for (const p of [a, b]) {
      await p.page.waitForFunction(() => {
        const r = window.result();
        return r.entries.alice && r.entries.bob && r.connectedPeers > 0;
      }, null, { timeout: TIMEOUT });
    }
    const ra = await a.page.evaluate(() => window.result());
    const rb = await b.page.evaluate(() => window.result());
    const ok = ra.entries.bob === 'written by bob' && rb.entries.alice === 'written by alice' && ra.connectedPeers > 0 && rb.connectedPeers > 0;
    return { check: 'y-webrtc', ok, a: ra, b: rb, errors: [...a.errors, ...b.errors] };
  } finally {
    await shoot(a);
    await shoot(b);
    await a.context.close();
    await b.context.close();
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--allow-loopback-in-peer-connection',
    // a page fulfilled by page.route() has no server address, so Chromium counts it as public and would block
    // its sockets to 127.0.0.1 (local network access); in production the page and the service are both public
    '--disable-features=LocalNetworkAccessChecks,LocalNetworkAccessChecksWebSockets,LocalNetworkAccessChecksWebRTC'],
});
let failed = false;
try {
  for (const check of [peerjsCheck, ywebrtcCheck]) {
    let r;
    try {
      r = await check(browser);
    } catch (e) {
      r = { check: check.name, ok: false, error: String(e?.stack ?? e) };
    }
    failed ||= !r.ok;
    console.log(JSON.stringify(r));
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
