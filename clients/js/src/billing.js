// affiliate-billing client (/billing/v1): the plan catalog, attribution of a user to the app that
// brought it, subscriptions, invoices, entitlements and usage; and app registration for developers.
import { requestJson, trimBase } from './http.js';

const API = '/billing/v1';

/** affiliate-billing, every request signed by one identity (a user's, or an app developer's). */
export class BillingClient {
  #base;
  #identity;
  #fetch;

  /** @param {string} baseUrl @param {import('./identity.js').Identity} identity @param {{fetch?: typeof fetch}} [options] */
  constructor(baseUrl, identity, { fetch: fetchImpl } = {}) {
    this.#base = trimBase(baseUrl);
    this.#identity = identity;
    this.#fetch = fetchImpl;
  }

  /**
   * Every POST carries an Idempotency-Key (the service requires one): a fresh UUID, or the caller's
   * `idempotencyKey` to retry a request whose answer was lost without doing it twice.
   * @param {string} method @param {string} path @param {unknown} [json] @param {{signed?: boolean, idempotencyKey?: string}} [options]
   */
  #call(method, path, json, { signed = true, idempotencyKey } = {}) {
    const headers = method === 'POST' ? { 'idempotency-key': idempotencyKey ?? crypto.randomUUID() } : {};
    return requestJson(this.#base + API + path, { method, identity: signed ? this.#identity : undefined, json, headers, fetch: this.#fetch });
  }

  /** The public plan catalog, cheapest first. */
  async plans() {
    return (await this.#call('GET', '/plans', undefined, { signed: false })).plans;
  }

  /** Registers an app (the signer owns it); its `id` is the app id users are attributed to. @param {Record<string, unknown>} app e.g. {name, contact} @param {{idempotencyKey?: string}} [options] */
  registerApp(app, { idempotencyKey } = {}) {
    return this.#call('POST', '/apps', app, { idempotencyKey });
  }

  async apps() {
    return (await this.#call('GET', '/apps')).apps;
  }

  /** An app's sign-ups, subscriptions and revenue. @param {string} appId */
  appReport(appId) {
    return this.#call('GET', `/apps/${encodeURIComponent(appId)}/report`);
  }

  /** Attributes the signer to the app that brought it (the first app wins). @param {string} appId @param {{idempotencyKey?: string}} [options] */
  attribute(appId, { idempotencyKey } = {}) {
    return this.#call('POST', '/attributions', { appId }, { idempotencyKey });
  }

  /** `{subscription | null, plan, creditMinor}`. */
  subscription() {
    return this.#call('GET', '/subscription');
  }

  /** Subscribes to a paid plan (issues the first invoice). @param {string} plan @param {{provider?: string, idempotencyKey?: string}} [options] */
  subscribe(plan, { provider, idempotencyKey } = {}) {
    return this.#call('POST', '/subscription', { plan, provider }, { idempotencyKey });
  }

  /** Upgrades or downgrades now, prorated. @param {string} plan @param {{idempotencyKey?: string}} [options] */
  changePlan(plan, { idempotencyKey } = {}) {
    return this.#call('POST', '/subscription/change', { plan }, { idempotencyKey });
  }

  cancel() {
    return this.#call('POST', '/subscription/cancel', {});
  }

  resume() {
    return this.#call('POST', '/subscription/resume', {});
  }

  async invoices() {
    return (await this.#call('GET', '/invoices')).invoices;
  }

  /** What the signer may use now (as published to the other services). */
  entitlements() {
    return this.#call('GET', '/entitlements');
  }

  /** Latest usage reported by sync-buffer and backup-service against the plan's limits. */
  usage() {
    return this.#call('GET', '/usage');
  }
}
