// Real-browser passkey test: Debian's Chromium, driven by playwright-core, with a CDP virtual
// authenticator (CTAP2, internal transport, resident keys, user verification; PRF on or off).
//
//   node passkeys.mjs <baseUrl> <prf|custodial> <screenshot dir>
//
// baseUrl is the running managed-keys service, e.g. http://localhost:8080 (the RP ID is the host, so
// the service must allow that origin). The test page is served at <baseUrl>/e2e-passkeys.html by
// Playwright's routing (the service has no test endpoint); every other request reaches the service.
// Prints one JSON line: the page's result, or {"error": ...}. Exit code 0 unless the run broke.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [baseUrl, mode = 'prf', shots = 'target/e2e'] = process.argv.slice(2);
if (!baseUrl || !['prf', 'custodial'].includes(mode)) {
  console.error('usage: node passkeys.mjs <baseUrl> <prf|custodial> [screenshot dir]');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const here = dirname(fileURLToPath(import.meta.url));
const pageJs = readFileSync(join(here, 'page.js'), 'utf8');
const html = `<!doctype html><html><head><meta charset="utf-8"><title>Peers passkeys e2e</title>
<style>body{font:14px system-ui;margin:2em} li{margin:.3em 0;font-family:monospace}</style></head>
<body><h1>Peers passkeys (${mode})</h1><ol id="log"></ol><script>${pageJs}</script></body></html>`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let exit = 0;
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageUrl = new URL('/e2e-passkeys.html', baseUrl).toString();
  await page.route(pageUrl, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true, hasPrf: mode === 'prf',
    },
  });
  await page.goto(pageUrl);
  await page.screenshot({ path: join(shots, `${mode}-0-start.png`) });
  let result;
  try {
    result = await page.evaluate((m) => window.peersE2E({ mode: m }), mode);
  } catch (e) {
    result = { error: String(e.message || e) };
  }
  await page.screenshot({ path: join(shots, `${mode}-1-done.png`), fullPage: true });
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  result.authenticatorCredentials = credentials.length;
  result.residentKeys = credentials.filter((c) => c.isResidentCredential).length;
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e.stack || e) }) + '\n');
  exit = 1;
} finally {
  await browser.close();
}
process.exit(exit);
