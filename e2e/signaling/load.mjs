// Closed-loop load generator for signaling servers: one Node process, the `ws` client.
//
//   node load.mjs proto=<native|peerjs|ywebrtc> url=<ws base URL> sockets=1000 [payload=350 warmup=5 duration=10 window=1
//                 warmupMessages=0 maxWarmup=120 connectParallel=200 stage=0 samplesFile=<path>]
//
// Opens `sockets` WebSockets (pairs 2i, 2i+1; with stage=S the first S, then on a line "more" the rest), makes each pair ready (native: Ed25519 challenge answer;
// peerjs: OPEN; ywebrtc: subscribe to the pair's own topic), prints {"event":"connected"} and waits for a
// line "go" on stdin (the caller measures idle memory meanwhile). Then each pair bounces `window` messages
// back and forth: a side that receives the other side's message answers it at once. One relayed message is
// one message delivered to the other side of its pair (y-webrtc's server also echoes each publish to its
// sender: those echoes are not counted). Latency is one-way, send to receipt, in this one process. Prints
// {"event":"measure-start"} after `warmup` s and at least `warmupMessages` relayed messages (so that a JIT-compiled
// server is measured compiled even when a busy machine relays slowly; at most `maxWarmup` s), {"event":"measure-end"}
// after `duration` s more, then the
// result as one JSON line, closes every socket and exits.
//
// Messages are built once per pair and direction, and received frames are matched by substring, so the
// generator spends as little CPU per message as it can on every protocol alike.
import { createInterface } from 'node:readline';
import { generateKeyPairSync, sign, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const i = a.indexOf('=');
  return [a.slice(0, i), a.slice(i + 1)];
}));
const proto = args.proto ?? 'native';
const url = args.url;
const sockets = Number(args.sockets ?? 1000) & ~1;
const payloadBytes = Number(args.payload ?? 350);
const warmup = Number(args.warmup ?? 5) * 1000;
const warmupMessages = Number(args.warmupMessages ?? 0);
const maxWarmup = Number(args.maxWarmup ?? 120) * 1000;
const duration = Number(args.duration ?? 10) * 1000;
const window = Number(args.window ?? 1);
const connectParallel = Number(args.connectParallel ?? 200);
const stage = Number(args.stage ?? 0) & ~1; // connect this many first, print {"event":"staged"}, wait for "more"

const samplesFile = args.samplesFile; // optional: every measured latency (ms) as float64 little-endian
const NATIVE_PATH = '/signal/v1/ws';

if (!url || !['native', 'peerjs', 'ywebrtc'].includes(proto)) {
  console.error('usage: node load.mjs proto=<native|peerjs|ywebrtc> url=<ws://host:port/path> sockets=N');
  process.exit(2);
}

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const filler = 'x'.repeat(Math.max(0, payloadBytes - 60));

// --- phase state ---------------------------------------------------------------------------------
let phase = 'connect'; // connect → warmup → measure → done
const MAX_SAMPLES = 8_000_000;
const samples = new Float64Array(MAX_SAMPLES);
let count = 0;
let warmCount = 0;
const errors = {};
const errorSamples = [];
const error = (kind, text) => {
  errors[kind] = (errors[kind] ?? 0) + 1;
  if (errorSamples.length < 5) errorSamples.push(String(text).slice(0, 200));
};

// --- one socket per side; a pair is two sides -----------------------------------------------------
class Side {
  constructor(index) {
    this.index = index;
    this.name = (index % 2 === 0 ? 'a' : 'b') + (index >> 1);
    this.sentAt = []; // send times of this side's messages in flight (FIFO)
  }
}

function nativeKey() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { id: publicKey.export({ format: 'jwk' }).x, privateKey };
}

function message(from, to, pairIndex) {
  const body = `"f":"${from.name}","sdp":"${filler}"`;
  switch (proto) {
    case 'native': return `{"type":"signal","to":"${to.id}","payload":{${body}}}`;
    case 'peerjs': return `{"type":"OFFER","dst":"${to.id}","payload":{${body}}}`;
    default: return `{"type":"publish","topic":"bench-${pairIndex}","data":{${body}}}`;
  }
}

function open(side) {
  return new Promise((resolve, reject) => {
    let target = url;
    if (proto === 'native') {
      const k = nativeKey();
      side.id = k.id;
      side.privateKey = k.privateKey;
    } else if (proto === 'peerjs') {
      side.id = `bench-${side.name}-${randomUUID().slice(0, 8)}`;
      target = `${url}${url.endsWith('/') ? '' : '/'}peerjs?key=peerjs&id=${side.id}&token=t${side.index}&version=1.5.5`;
    }
    const ws = new WebSocket(target, { perMessageDeflate: false });
    side.ws = ws;
    const timer = setTimeout(() => reject(new Error(`socket ${side.index}: not ready within 60 s`)), 60_000);
    const ready = () => { clearTimeout(timer); ws.removeAllListeners('message'); resolve(); };
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
    ws.on('open', () => {
      if (proto === 'ywebrtc') {
        ws.send(JSON.stringify({ type: 'subscribe', topics: [`bench-${side.index >> 1}`] }));
        // y-webrtc's server does not answer a subscribe: a ping's pong says it was handled
        ws.send('{"type":"ping"}');
      }
    });
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (proto === 'native' && m.type === 'challenge') {
        const sig = sign(null, Buffer.from(`peers-ws-auth/v1\n${NATIVE_PATH}\n${m.challenge}`), side.privateKey);
        ws.send(JSON.stringify({ type: 'auth', key: side.id, signature: sig.toString('base64url') }));
      } else if ((proto === 'native' && m.type === 'authenticated') || (proto === 'peerjs' && m.type === 'OPEN')
          || (proto === 'ywebrtc' && m.type === 'pong')) {
        ready();
      } else {
        clearTimeout(timer);
        reject(new Error(`socket ${side.index}: ${data.toString().slice(0, 200)}`));
      }
    });
  });
}

function wire(a, b, pairIndex) {
  const toB = message(a, b, pairIndex);
  const toA = message(b, a, pairIndex);
  const markA = `"f":"${a.name}"`;
  const markB = `"f":"${b.name}"`;
  const expected = proto === 'native' ? '{"type":"signal"' : proto === 'peerjs' ? '{"type":"OFFER"' : '{"type":"publish"';
  const receive = (me, other, otherMark, myMark, reply) => (data) => {
    const text = data.toString();
    if (!text.startsWith(expected)) {
      error(text.slice(0, 40).replace(/[^A-Za-z"{}:,-]/g, ''), text);
      return;
    }
    if (!text.includes(otherMark)) {
      if (!text.includes(myMark)) error('foreign', text);
      return; // y-webrtc: the echo of this side's own publish
    }
    const sentAt = other.sentAt.shift();
    if (sentAt === undefined) {
      error('unexpected', text);
      return;
    }
    const now = performance.now();
    if (phase === 'measure') {
      if (count < MAX_SAMPLES) samples[count] = now - sentAt;
      count++;
    } else if (phase === 'warmup') {
      warmCount++;
    }
    if (phase !== 'done') {
      me.sentAt.push(now);
      me.ws.send(reply);
    }
  };
  a.ws.on('message', receive(a, b, markB, markA, toB));
  b.ws.on('message', receive(b, a, markA, markB, toA));
  a.start = () => {
    for (let i = 0; i < window; i++) {
      a.sentAt.push(performance.now());
      a.ws.send(toB);
    }
  };
}

const sides = Array.from({ length: sockets }, (_, i) => new Side(i));
const closed = { n: 0 };

async function connectAll(from, to) {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const s = sides[next++];
      await open(s);
      s.ws.on('close', () => {
        closed.n++;
        if (phase !== 'done') error('closed', `socket ${s.index} closed during the run`);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(connectParallel, to - from) }, worker));
}

function percentile(sorted, n, q) {
  if (n === 0) return null;
  const rank = Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  return Math.round(sorted[rank] * 1000) / 1000;
}

async function main() {
  const rl = createInterface({ input: process.stdin });
  const commands = [];
  let waiting = null;
  rl.on('line', (l) => { commands.push(l.trim()); if (waiting) waiting(); });
  const command = async (name) => {
    while (!commands.includes(name)) await new Promise((r) => { waiting = r; });
    waiting = null;
  };
  const t0 = performance.now();
  if (stage > 0 && stage < sockets) {
    // a first few sockets, so the caller can read memory once the server's connect path is loaded and warm
    await connectAll(0, stage);
    out({ event: 'staged', sockets: stage });
    await command('more');
  }
  await connectAll(stage > 0 && stage < sockets ? stage : 0, sockets);
  for (let i = 0; i < sides.length; i += 2) wire(sides[i], sides[i + 1], i >> 1);
  out({ event: 'connected', sockets, millis: Math.round(performance.now() - t0) });
  await command('go');

  phase = 'warmup';
  for (let i = 0; i < sides.length; i += 2) sides[i].start();
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, warmup));
  while (warmCount < warmupMessages && performance.now() - w0 < maxWarmup) await new Promise((r) => setTimeout(r, 100));
  const warmupSeconds = (performance.now() - w0) / 1000;
  phase = 'measure';
  const cpu0 = process.cpuUsage();
  const m0 = performance.now();
  out({ event: 'measure-start' });
  await new Promise((r) => setTimeout(r, duration));
  phase = 'done';
  const seconds = (performance.now() - m0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  out({ event: 'measure-end' });

  const n = Math.min(count, MAX_SAMPLES);
  const sorted = samples.subarray(0, n).sort();
  if (samplesFile) writeFileSync(samplesFile, Buffer.from(sorted.buffer, sorted.byteOffset, n * 8));
  out({
    event: 'result', proto, sockets, window, payloadBytes, seconds, relayed: count, warmupRelayed: warmCount, warmupSeconds,
    perSecond: count / seconds,
    latencyMillis: { p50: percentile(sorted, n, 0.5), p90: percentile(sorted, n, 0.9), p99: percentile(sorted, n, 0.99),
      p999: percentile(sorted, n, 0.999), max: percentile(sorted, n, 1) },
    errors, errorSamples, generatorCpuSeconds: (cpu.user + cpu.system) / 1e6, closedDuringRun: closed.n,
  });
  rl.close();
  for (const s of sides) s.ws.terminate();
  setTimeout(() => process.exit(0), 200);
}

main().catch((e) => {
  out({ event: 'failed', message: String(e?.stack ?? e) });
  process.exit(1);
});
