// Against a real affiliate-billing: PEERS_BILLING_URL (or PEERS_BASE_URL, a devstack router)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Identity, BillingClient, PeersProblem } from '../../src/index.js';

const BASE = process.env.PEERS_BILLING_URL || process.env.PEERS_BASE_URL;
const T = { timeout: 30_000 };

describe('BillingClient against a running affiliate-billing', { skip: BASE ? false : 'PEERS_BILLING_URL / PEERS_BASE_URL is not set' }, () => {
  const s = {};

  it('reads the public plan catalog', T, async () => {
    s.developer = await Identity.generate();
    s.user = await Identity.generate();
    const plans = await new BillingClient(BASE, s.user).plans();
    assert.ok(plans.some((p) => p.name === 'free' && p.priceMinor === 0));
    s.paid = plans.find((p) => p.priceMinor > 0);
    assert.ok(s.paid, 'a paid plan exists');
  });

  it('a developer registers an app; a user is attributed to it, once', T, async () => {
    const dev = new BillingClient(BASE, s.developer);
    s.app = await dev.registerApp({ name: 'Client IT', contact: 'dev@example.org' });
    assert.equal(s.app.owner, s.developer.peerKey);
    assert.ok((await dev.apps()).some((a) => a.id === s.app.id));
    const user = new BillingClient(BASE, s.user);
    const first = await user.attribute(s.app.id);
    assert.equal(first.appId, s.app.id);
    assert.equal(first.peer, s.user.peerKey);
    const second = await user.attribute(s.app.id);
    assert.equal(second.created, false);
  });

  it('a user starts on the free plan, subscribes to a paid one (first invoice open) and reads entitlements', T, async () => {
    const user = new BillingClient(BASE, s.user);
    const before = await user.subscription();
    assert.equal(before.subscription, null);
    const ent = await user.entitlements();
    assert.equal(ent.peer, s.user.peerKey);
    assert.equal(ent.plan, 'free');
    assert.ok(ent.entitlements.syncRetentionDays > 0);
    const subscribed = await user.subscribe(s.paid.name);
    assert.equal(subscribed.subscription.plan, s.paid.name);
    assert.equal(subscribed.invoice.status, 'open');
    const invoices = await user.invoices();
    assert.equal(invoices.length, 1);
    await assert.rejects(user.subscribe(s.paid.name), (e) => e instanceof PeersProblem && e.status === 409);
    await assert.rejects(user.subscribe('no-such-plan'), (e) => e instanceof PeersProblem && e.status === 422);
  });

  it('a retried POST with the same Idempotency-Key is done once', T, async () => {
    const other = new BillingClient(BASE, await Identity.generate());
    const key = crypto.randomUUID();
    const a = await other.subscribe(s.paid.name, { idempotencyKey: key });
    const b = await other.subscribe(s.paid.name, { idempotencyKey: key });
    assert.equal(b.subscription.id, a.subscription.id);
    assert.equal((await other.invoices()).length, 1);
  });
});
