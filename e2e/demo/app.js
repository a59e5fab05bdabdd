// The Peers demo page: plain ES modules, no framework, no build step. It uses @peers/client, which the
// devstack serves at /client/ (clients/js/src). Everything secret stays in this browser:
//   - identity (Ed25519) and encryption (X25519) keys: made here; with managed-keys on the host they are
//     kept only wrapped by your passkey (WebAuthn PRF) and held in memory while the page is open;
//     without it, in localStorage;
//   - handles: registered and looked up in key-registry, every answer's proof verified here;
//   - chat: a WebRTC data channel to the friend, set up through signaling;
//   - a friend offline: messages go into a sync-buffer stream that only the two of you can decrypt
//     (AES-256-GCM stream key, wrapped for each member's X25519 key), read when the friend comes back.
import {
  Identity, EncryptionKeyPair, RegistryClient, SignalingClient, SyncClient, StreamKey, PeersProblem, ProofError,
  ManagedKeysClient, PasskeyError, BackupClient, BackupKey, BillingClient, roomId, connectDataChannel, toBase64Url,
} from '/client/index.js';

const BASE = location.origin;
const STORE = 'peers-demo/v1';
/** The app id users are attributed to (affiliate-billing): `?app=<id>`, remembered; none by default. */
const APP_ID = new URLSearchParams(location.search).get('app') ?? localStorage.getItem('peers-demo/v1/app') ?? undefined;
if (APP_ID) localStorage.setItem('peers-demo/v1/app', APP_ID);
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

const registry = new RegistryClient(BASE);
const passkeys = new ManagedKeysClient(BASE, { appId: APP_ID });
/** Whether this host runs managed-keys (from the discovery document). */
let passkeysHere = false;
/** The services this host lists in its discovery document. */
let servicesHere = [];
/** @type {{identity: Identity, encryption: EncryptionKeyPair, handle: string, session?: {token: string}} | null} */
let me = null;
/** @type {SignalingClient | null} */
let signaling = null;
/** @type {SyncClient | null} */
let sync = null;
/** @type {{key: string, handle: string, encryptionKey: string} | null} */
let friend = null;
/** @type {RTCDataChannel | null} */
let channel = null;
let connecting = false;
let currentRoom = '';
/** Streams whose messages this page reads: stream id -> {key, friendKey}. */
const inbox = new Map();
/** Outgoing stream per friend: friend key -> {stream, key}. */
const outbox = new Map();

// ---------- storage ----------

function load(name, fallback) {
  try {
    return JSON.parse(localStorage.getItem(`${STORE}/${name}`) ?? 'null') ?? fallback;
  } catch {
    return fallback;
  }
}

function save(name, value) {
  localStorage.setItem(`${STORE}/${name}`, JSON.stringify(value));
}

/** The chat history with one friend: [{id, from, text, at, via}]. */
function history(friendKey) {
  return load(`chat/${friendKey}`, []);
}

function remember(friendKey, message) {
  const log = history(friendKey);
  if (log.some((m) => m.id === message.id)) return false;
  log.push(message);
  log.sort((a, b) => a.at - b.at);
  save(`chat/${friendKey}`, log);
  return true;
}

// ---------- UI ----------

function showError(e) {
  console.error(e);
  const text = e instanceof ProofError ? `The registry's proof did not verify: ${e.message}. The answer was not used.`
    : e instanceof PeersProblem ? `${e.title}${e.detail ? `: ${e.detail}` : ''}` : String(e?.message ?? e);
  $('error').textContent = text;
}

function clearError() {
  $('error').textContent = '';
}

function render() {
  const log = $('log');
  log.replaceChildren();
  if (!friend) return;
  for (const m of history(friend.key)) {
    const li = document.createElement('li');
    li.className = m.from === me?.identity.peerKey ? 'mine' : 'theirs';
    li.dataset.via = m.via;
    li.textContent = m.text;
    const small = document.createElement('small');
    const who = m.from === me?.identity.peerKey ? 'you' : friend.handle;
    small.textContent = `${who} · ${new Date(m.at).toLocaleTimeString()} · ${m.via === 'direct' ? 'direct (WebRTC)' : 'via the sync buffer (encrypted)'}`;
    li.append(small);
    log.append(li);
  }
}

function setLink(text, ok = false) {
  $('link').textContent = text;
  $('link').className = ok ? 'ok' : '';
  $('link').dataset.state = ok ? 'direct' : 'offline';
}

// ---------- identity ----------

/** Keys kept in this browser: only when the host has no managed-keys (otherwise the passkey holds them). */
async function restoreLocal() {
  const saved = load('me', null);
  if (!saved?.identity) return null;
  return {
    identity: await Identity.fromJwk(saved.identity),
    encryption: await EncryptionKeyPair.fromJwk(saved.encryption),
    handle: saved.handle,
  };
}

async function signUp() {
  clearError();
  const handle = /** @type {HTMLInputElement} */ ($('handle')).value.trim();
  if (!handle) return;
  $('register').setAttribute('disabled', '');
  try {
    const identity = await Identity.generate();
    const encryption = await EncryptionKeyPair.generate();
    // the handle first: a refused handle leaves no account behind
    const { identity: entry } = await registry.register(identity, { handle, encryptionKey: encryption.encryptionKey });
    if (passkeysHere) {
      const account = await passkeys.signUp(identity, encryption, { userName: entry.handle });
      save('me', { accountId: account.accountId, handle: entry.handle });
      me = { identity, encryption, handle: entry.handle, session: account.session };
    } else {
      save('me', { identity: await identity.exportJwk(), encryption: await encryption.exportJwk(), handle: entry.handle });
      me = { identity, encryption, handle: entry.handle };
    }
    await start();
  } catch (e) {
    showError(e);
  } finally {
    $('register').removeAttribute('disabled');
  }
}

/** Logs in with a passkey (the account from this browser, or any discoverable passkey) and unwraps the keys. */
async function logIn() {
  clearError();
  try {
    const known = load('me', null);
    const { identity, encryption, accountId, session } = await passkeys.logIn({ accountId: known?.accountId });
    const { identity: entry } = await registry.lookupKey(identity.peerKey);
    save('me', { accountId, handle: entry.handle });
    me = { identity, encryption, handle: entry.handle ?? identity.peerKey.slice(0, 8), session };
    await start();
  } catch (e) {
    showError(e);
  }
}

/** Opens the keys with a recovery code: no passkey, no local state needed. */
async function recover() {
  clearError();
  try {
    const code = /** @type {HTMLInputElement} */ ($('recovery-input')).value;
    const { identity, encryption, accountId } = await passkeys.recover(code);
    const { identity: entry } = await registry.lookupKey(identity.peerKey);
    save('me', { accountId, handle: entry.handle });
    me = { identity, encryption, handle: entry.handle ?? identity.peerKey.slice(0, 8) };
    await start();
  } catch (e) {
    showError(e);
  }
}

/**
 * Gives this device a passkey of its own that unlocks the same keys: after a recovery (no session) the
 * recovered identity key signs for it; when logged in, the session does. Logs in with the new passkey.
 */
async function addPasskey() {
  clearError();
  $('add-passkey').setAttribute('disabled', '');
  try {
    const known = load('me', null);
    const added = await passkeys.addPasskey(me.identity, me.encryption, { accountId: known?.accountId, session: me.session });
    me.session = added.session;
    save('me', { ...known, accountId: added.accountId });
    $('passkey-status').textContent = 'added: this passkey now unlocks your keys here';
    $('passkey-status').dataset.state = 'added';
    $('recovery-box').hidden = false;
  } catch (e) {
    showError(e);
  } finally {
    $('add-passkey').removeAttribute('disabled');
  }
}

async function makeRecoveryCode() {
  clearError();
  try {
    if (!me?.session) throw new PasskeyError('log in with your passkey first');
    const code = await passkeys.createRecoveryCode(me.session, me.identity, me.encryption);
    $('recovery-code').textContent = `${code}  (write it down: it opens your keys without a passkey; shown once)`;
    $('recovery-code').dataset.code = code;
  } catch (e) {
    showError(e);
  }
}

// ---------- services ----------

async function start() {
  if (!me) return;
  $('signup').hidden = true;
  $('login').hidden = true;
  $('me').hidden = false;
  $('recovery-box').hidden = !me.session;
  $('passkey-box').hidden = !passkeysHere;
  $('find').hidden = false;
  $('my-handle').textContent = me.handle;
  $('my-key').textContent = me.identity.peerKey;
  sync = new SyncClient(BASE, me.identity);
  signaling = await SignalingClient.connect(BASE, me.identity);
  signaling.onPeerJoined((room, peer) => {
    if (room === currentRoom && peer === friend?.key) connectDirect();
  });
  signaling.onPeerLeft((room, peer) => {
    if (room === currentRoom && peer === friend?.key) dropDirect();
  });
  // an offer from a friend whose chat is not open yet: open it
  signaling.onSignal(async (from, payload) => {
    if (payload?.rtc === 'chat' && !payload.hello && friend?.key !== from) {
      await openChatWithKey(from);
    }
  });
  $('my-status').textContent = 'online: signaling connected, reading your sync-buffer inbox';
  $('backup').hidden = !servicesHere.includes('backup');
  if (servicesHere.includes('billing')) showPlan().catch(showError);
  await checkInbox();
  setInterval(() => checkInbox().catch(showError), 3000);
  document.body.dataset.ready = 'true';
  document.body.dataset.online = 'true';
}

/** Reads, decrypts and subscribes to every stream a friend shared with this identity. */
async function checkInbox() {
  if (!sync || !me) return;
  for (const stream of await sync.listStreams({ limit: 100 })) {
    if (stream.owner === me.identity.peerKey || inbox.has(stream.id)) continue;
    const key = await sync.streamKey(stream.id, me.encryption);
    inbox.set(stream.id, { key, friendKey: stream.owner });
    await readStream(stream.id);
  }
}

async function readStream(stream) {
  const entry = inbox.get(stream);
  if (!entry || !sync) return;
  let cursor = load(`cursor/${stream}`, 0);
  for (;;) {
    const page = await sync.readDecrypted(stream, entry.key, { after: cursor, limit: 100 });
    for (const r of page.records) await receive(entry.friendKey, JSON.parse(r.text), 'sync');
    cursor = page.next;
    save(`cursor/${stream}`, cursor);
    if (!page.more) break;
  }
}

async function receive(from, message, via) {
  if (!message || typeof message.text !== 'string' || typeof message.id !== 'string') return;
  if (friend?.key !== from) await openChatWithKey(from);
  if (remember(from, { id: message.id, from, text: message.text, at: Number(message.at) || Date.now(), via })) render();
}

// ---------- friends and chat ----------

async function findFriend() {
  clearError();
  const handle = /** @type {HTMLInputElement} */ ($('friend-handle')).value.trim();
  if (!handle) return;
  $('friend-result').textContent = 'looking up…';
  try {
    const { identity, treeHead } = await registry.lookupHandle(handle);
    $('friend-result').innerHTML = '';
    const ok = document.createElement('span');
    ok.className = 'ok';
    ok.textContent = `✓ ${identity.handle} found, proof verified (log size ${treeHead.treeSize})`;
    $('friend-result').append(ok);
    $('friend-result').dataset.verified = 'true';
    await openChat({ key: identity.identityKey, handle: identity.handle, encryptionKey: identity.encryptionKey });
  } catch (e) {
    $('friend-result').textContent = '';
    showError(e);
  }
}

/** Opens the chat with a key that wrote to us: its handle and encryption key from a verified lookup. */
async function openChatWithKey(key) {
  if (friend?.key === key) return;
  const { identity } = await registry.lookupKey(key);
  await openChat({ key, handle: identity.handle ?? key.slice(0, 8), encryptionKey: identity.encryptionKey });
}

async function openChat(f) {
  if (!signaling || !me) return;
  if (currentRoom) await signaling.leave(currentRoom).catch(() => {});
  dropDirect();
  friend = f;
  $('chat').hidden = false;
  $('chat-with').textContent = f.handle;
  render();
  currentRoom = await roomId(`peers-demo/chat\n${[me.identity.peerKey, f.key].sort().join('\n')}`);
  const { members } = await signaling.join(currentRoom);
  if (members.includes(f.key)) connectDirect();
}

async function connectDirect() {
  if (!signaling || !friend || connecting || channel?.readyState === 'open') return;
  connecting = true;
  const peer = friend.key;
  setLink('connecting…');
  try {
    const { iceServers } = await signaling.iceServers();
    const { connection, channel: ch } = await connectDataChannel(signaling, peer, { label: 'chat', iceServers });
    if (friend?.key !== peer) {
      connection.close();
      return;
    }
    channel = ch;
    setLink('direct (WebRTC data channel)', true);
    ch.addEventListener('message', (e) => {
      try {
        receive(peer, JSON.parse(String(e.data)), 'direct');
      } catch {
        // not ours
      }
    });
    ch.addEventListener('close', () => {
      if (channel === ch) dropDirect();
    });
  } catch (e) {
    setLink('offline: messages go through the sync buffer');
    console.warn('no direct connection', e);
  } finally {
    connecting = false;
  }
}

function dropDirect() {
  const ch = channel;
  channel = null;
  ch?.close();
  setLink(friend ? 'offline: messages go through the sync buffer' : 'not connected');
}

/** The stream this identity writes to a friend: created once, the friend a reader with the key wrapped for them. */
async function outgoing(f) {
  if (!sync || !me) throw new Error('not signed in');
  const known = outbox.get(f.key);
  if (known) return known;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`peers-demo/dm\n${me.identity.peerKey}\n${f.key}`)));
  const stream = `dm-${toBase64Url(digest).slice(0, 40)}`;
  let key;
  try {
    key = await sync.streamKey(stream, me.encryption);
  } catch (e) {
    if (!(e instanceof PeersProblem && e.status === 404)) throw e;
    key = await StreamKey.generate();
    await sync.createStream({ id: stream, wrappedKey: await key.wrapFor(stream, me.encryption.encryptionKey) });
    await sync.addMember(stream, key, f.key, f.encryptionKey, 'read');
  }
  const out = { stream, key };
  outbox.set(f.key, out);
  return out;
}

async function send(event) {
  event.preventDefault();
  clearError();
  const input = /** @type {HTMLInputElement} */ ($('message'));
  const text = input.value.trim();
  if (!text || !friend || !me) return;
  const message = { id: crypto.randomUUID(), text, at: Date.now() };
  try {
    let via;
    if (channel?.readyState === 'open') {
      channel.send(JSON.stringify(message));
      via = 'direct';
    } else {
      const { stream, key } = await outgoing(friend);
      await sync.appendEncrypted(stream, key, [JSON.stringify(message)]);
      via = 'sync';
    }
    remember(friend.key, { ...message, from: me.identity.peerKey, via });
    input.value = '';
    render();
  } catch (e) {
    showError(e);
  }
}

// ---------- backup ----------

/** Every chat's history, as one JSON document. */
function allHistory() {
  const chats = {};
  for (let i = 0; i < localStorage.length; i++) {
    const k = /** @type {string} */ (localStorage.key(i));
    if (k.startsWith(`${STORE}/chat/`)) chats[k.slice(`${STORE}/chat/`.length)] = JSON.parse(localStorage.getItem(k) ?? '[]');
  }
  return chats;
}

async function backUp() {
  clearError();
  try {
    if (!me) return;
    const backup = new BackupClient(BASE, me.identity);
    const repo = await backup.repo('peers-demo');
    const snapshot = await backup.backUp(repo.id, await BackupKey.forIdentity(me.identity), 'chats', JSON.stringify({ v: 1, chats: allHistory() }));
    $('backup-status').textContent = `backed up: ${snapshot.bytes} encrypted bytes, snapshot ${snapshot.id}`;
    $('backup-status').dataset.state = 'backed-up';
  } catch (e) {
    showError(e);
  }
}

async function restore() {
  clearError();
  try {
    if (!me) return;
    const backup = new BackupClient(BASE, me.identity);
    const repo = await backup.repo('peers-demo');
    const restored = await backup.restoreLatest(repo.id, await BackupKey.forIdentity(me.identity), 'chats');
    if (!restored) {
      $('backup-status').textContent = 'no backup yet';
      return;
    }
    const { chats } = JSON.parse(new TextDecoder().decode(restored.plaintext));
    let count = 0;
    for (const [friendKey, messages] of Object.entries(chats)) {
      for (const m of messages) if (remember(friendKey, m)) count++;
    }
    const [first] = Object.keys(chats);
    if (first && !friend) await openChatWithKey(first);
    render();
    $('backup-status').textContent = `restored ${count} messages from the backup of ${new Date(restored.snapshot.takenAt).toLocaleString()}`;
    $('backup-status').dataset.state = 'restored';
  } catch (e) {
    showError(e);
  }
}

// ---------- plan ----------

async function showPlan() {
  if (!me) return;
  const billing = new BillingClient(BASE, me.identity);
  if (APP_ID) {
    const attribution = await billing.attribute(APP_ID);
    $('plan-app').textContent = `You came with app ${attribution.appId}: it earns a share of what you pay.`;
  }
  const [plans, mine, entitlements] = await Promise.all([billing.plans(), billing.subscription(), billing.entitlements()]);
  $('plan-name').textContent = entitlements.plan;
  const sub = mine.subscription;
  $('plan-status').textContent = sub ? `(subscribed to ${sub.plan}: ${sub.status}${sub.status === 'incomplete' ? ', waiting for the first payment' : ''})` : '';
  $('plan-status').dataset.status = sub?.status ?? 'none';
  $('plans').replaceChildren();
  for (const p of plans) {
    const li = document.createElement('li');
    const gb = (n) => `${Math.round(n / 2 ** 20)} MiB`;
    li.textContent = `${p.name}: ${(p.priceMinor / 100).toFixed(2)} ${p.currency} per ${p.periodMonths} month(s) · sync ${p.entitlements.syncRetentionDays} days, `
      + `${gb(p.entitlements.syncBytes)} · backup ${gb(p.entitlements.backupBytes)} `;
    if (p.priceMinor > 0 && !sub) {
      const b = document.createElement('button');
      b.textContent = `Subscribe to ${p.name}`;
      b.dataset.plan = p.name;
      b.addEventListener('click', async () => {
        clearError();
        try {
          await billing.subscribe(p.name);
          await showPlan();
        } catch (e) {
          showError(e);
        }
      });
      li.append(b);
    }
    $('plans').append(li);
  }
  $('plan').hidden = false;
}

// ---------- start ----------

async function showServices() {
  try {
    const doc = await (await fetch(`${BASE}/.well-known/peers-services`)).json();
    const names = Object.keys(doc.services ?? {});
    passkeysHere = names.includes('auth');
    servicesHere = names;
    $('services').textContent = `Services on this host: ${names.join(', ') || 'none listed'}`;
  } catch {
    $('services').textContent = 'Services: the discovery document is not available';
  }
}

$('register').addEventListener('click', signUp);
$('login-passkey').addEventListener('click', logIn);
$('recover').addEventListener('click', recover);
$('make-recovery').addEventListener('click', makeRecoveryCode);
$('add-passkey').addEventListener('click', addPasskey);
$('lookup').addEventListener('click', findFriend);
$('backup-now').addEventListener('click', backUp);
$('restore-now').addEventListener('click', restore);
$('send-form').addEventListener('submit', send);
(async () => {
  await showServices();
  if (passkeysHere) {
    $('register').textContent = 'Sign up with a passkey';
    $('signup-note').textContent = 'Your Ed25519 identity and X25519 encryption keys are made by this browser; '
      + 'managed-keys stores them only wrapped by your passkey (WebAuthn PRF), so only your passkey opens them.';
    $('signup').hidden = false;
    $('login').hidden = false;
    document.body.dataset.ready = 'true';
    return;
  }
  me = await restoreLocal();
  if (me) await start();
  else {
    $('signup').hidden = false;
    document.body.dataset.ready = 'true';
  }
})().catch(showError);
