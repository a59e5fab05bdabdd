// Runs inside the test page, at the service's own origin: the client side of the passkey flows, as an
// app would do them with the browser's WebAuthn and WebCrypto APIs only. Every step writes a line into
// the page (for the screenshots) and the outcome is returned to the Node driver as JSON.
/* eslint-disable no-undef */
window.peersE2E = async function run({ mode }) {
  const log = (text) => {
    const li = document.createElement('li');
    li.textContent = text;
    document.getElementById('log').appendChild(li);
  };
  const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const unb64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
  const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const api = async (method, path, body, token) => {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const r = await fetch(`/auth/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  // Level 3 JSON options -> WebAuthn API options (binary members decoded), PRF inputs included.
  const creationOptions = (o) => ({
    ...o,
    challenge: unb64u(o.challenge),
    user: { ...o.user, id: unb64u(o.user.id) },
    excludeCredentials: (o.excludeCredentials || []).map((d) => ({ ...d, id: unb64u(d.id) })),
    extensions: { ...o.extensions, prf: { eval: { first: unb64u(o.extensions.prf.eval.first) } } },
  });
  const requestOptions = (o) => {
    const out = { ...o, challenge: unb64u(o.challenge), allowCredentials: (o.allowCredentials || []).map((d) => ({ ...d, id: unb64u(d.id) })) };
    if (o.extensions && o.extensions.prf) {
      const byCred = {};
      for (const [id, v] of Object.entries(o.extensions.prf.evalByCredential)) byCred[id] = { first: unb64u(v.first) };
      out.extensions = { prf: { evalByCredential: byCred } };
    }
    return out;
  };
  // The PRF output stays here: toJSON() includes it, so it is removed before anything is sent.
  const strip = (json) => {
    const copy = JSON.parse(JSON.stringify(json));
    if (copy.clientExtensionResults && copy.clientExtensionResults.prf) delete copy.clientExtensionResults.prf.results;
    return copy;
  };
  const prfFirst = (cred) => {
    const prf = cred.getClientExtensionResults().prf;
    return prf && prf.results && prf.results.first ? new Uint8Array(prf.results.first) : null;
  };
  const wrappingKey = async (prf) => {
    const ikm = await crypto.subtle.importKey('raw', prf, 'HKDF', false, ['deriveKey']);
    return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode('peers-managed-keys/wrap/v1') },
      ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  };

  const result = { mode, steps: [] };
  const step = (name, data) => { result.steps.push({ name, ...data }); log(`${name}: ${JSON.stringify(data)}`); };

  // The identity: an Ed25519 key made on this device; only its public key and a wrap of it leave.
  const identity = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const identityKey = b64u(await crypto.subtle.exportKey('raw', identity.publicKey));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', identity.privateKey));
  const proof = async (challenge) => b64u(await crypto.subtle.sign({ name: 'Ed25519' }, identity.privateKey,
    new TextEncoder().encode(`peers-auth-signup/v1\n${challenge}`)));
  result.identityKey = identityKey;

  const signUp = async (signUpMode) => {
    const opts = await api('POST', '/registrations/options', { appId: 'e2e-app', userName: 'e2e user' });
    const cred = await navigator.credentials.create({ publicKey: creationOptions(opts.body.publicKey) });
    const json = cred.toJSON();
    const body = { ceremonyId: opts.body.ceremonyId, credential: strip(json), identityKey, identityProof: await proof(opts.body.publicKey.challenge), mode: signUpMode };
    const prf = prfFirst(cred);
    return { opts, cred, json, body, prf };
  };

  if (mode === 'prf') {
    const s = await signUp('prf');
    step('created', { prfEnabled: s.json.clientExtensionResults.prf && s.json.clientExtensionResults.prf.enabled, prfAtCreate: s.prf !== null });
    // The browser's own toJSON() carries the PRF output: the server must refuse it whole.
    const leaked = await api('POST', '/registrations', { ...s.body, credential: s.json });
    step('signup-with-prf-results', { status: leaked.status, type: leaked.body && leaked.body.type });
    const created = await api('POST', '/registrations', s.body);
    step('signup', { status: created.status, accountId: created.body.accountId });
    const { accountId, credentialId, prfSaltId } = created.body;
    result.accountId = accountId;

    // The wrapping key comes from the PRF output of this passkey with its salt (at creation, or from a login when absent then).
    let prf = s.prf;
    let token = created.body.session.token;
    if (!prf) {
      const o = await api('POST', '/authentications/options', { accountId });
      const c = await navigator.credentials.get({ publicKey: requestOptions(o.body.publicKey) });
      prf = prfFirst(c);
      const fin = await api('POST', '/authentications', { ceremonyId: o.body.ceremonyId, credential: strip(c.toJSON()) });
      token = fin.body.session.token;
    }
    const nonce = crypto.getRandomValues(new Uint8Array(12));
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce }, await wrappingKey(prf), pkcs8));
    const put = await api('PUT', `/account/credentials/${credentialId}/wrap`,
      { algorithm: 'A256GCM/HKDF-SHA256', ciphertext: b64u(ct), nonce: b64u(nonce), saltId: prfSaltId, identityKey }, token);
    step('wrap-stored', { status: put.status });

    // Log in again (a new device would start here): the passkey's PRF output unwraps the key.
    const o = await api('POST', '/authentications/options', { accountId });
    const c = await navigator.credentials.get({ publicKey: requestOptions(o.body.publicKey) });
    const again = prfFirst(c);
    const leakedLogin = await api('POST', '/authentications', { ceremonyId: o.body.ceremonyId, credential: c.toJSON() });
    step('login-with-prf-results', { status: leakedLogin.status, type: leakedLogin.body && leakedLogin.body.type });
    const o2 = await api('POST', '/authentications/options', { accountId });
    const c2 = await navigator.credentials.get({ publicKey: requestOptions(o2.body.publicKey) });
    const fin = await api('POST', '/authentications', { ceremonyId: o2.body.ceremonyId, credential: strip(c2.toJSON()) });
    step('login', { status: fin.status, samePrf: again !== null && eq(again, prf) && eq(prfFirst(c2), prf) });
    const w = fin.body.wrap;
    const plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64u(w.nonce) }, await wrappingKey(prfFirst(c2)), unb64u(w.ciphertext)));
    result.unwrappedEqual = eq(plain, pkcs8);
    // And the unwrapped key signs for the identity.
    const key = await crypto.subtle.importKey('pkcs8', plain, { name: 'Ed25519' }, false, ['sign']);
    const msg = new TextEncoder().encode('hello peers');
    result.unwrappedSigns = await crypto.subtle.verify({ name: 'Ed25519' }, identity.publicKey, await crypto.subtle.sign({ name: 'Ed25519' }, key, msg), msg);
    step('unwrapped', { equal: result.unwrappedEqual, signs: result.unwrappedSigns });
  } else {
    const s = await signUp('prf');
    step('created', { prfEnabled: s.json.clientExtensionResults.prf ? s.json.clientExtensionResults.prf.enabled : null });
    const refused = await api('POST', '/registrations', s.body);
    step('signup-prf-refused', { status: refused.status, type: refused.body && refused.body.type });
    const c = await signUp('custodial');
    c.body.custodialKey = b64u(pkcs8);
    const created = await api('POST', '/registrations', c.body);
    step('signup-custodial', { status: created.status, mode: created.body.mode });
    const accountId = created.body.accountId;
    result.accountId = accountId;
    const o = await api('POST', '/authentications/options', { accountId });
    const g = await navigator.credentials.get({ publicKey: requestOptions(o.body.publicKey) });
    const fin = await api('POST', '/authentications', { ceremonyId: o.body.ceremonyId, credential: strip(g.toJSON()), releaseCustodialKey: true });
    step('login-release', { status: fin.status });
    result.unwrappedEqual = eq(unb64u(fin.body.custodialKey), pkcs8);
    step('released', { equal: result.unwrappedEqual });
  }
  return result;
};
