import type { Identity } from './identity.js';

/** affiliate-billing (`/billing/v1`), signed by one identity; every POST carries an Idempotency-Key. */
export class BillingClient {
  constructor(baseUrl: string, identity: Identity, options?: { fetch?: typeof fetch });
  plans(): Promise<Array<{ name: string; priceMinor: number; currency: string; periodMonths: number; entitlements: Record<string, number> }>>;
  registerApp(app: Record<string, unknown>, options?: { idempotencyKey?: string }): Promise<any>;
  apps(): Promise<any[]>;
  appReport(appId: string): Promise<any>;
  attribute(appId: string, options?: { idempotencyKey?: string }): Promise<{ peer: string; appId: string; source: string; attributedAt: string; created: boolean }>;
  subscription(): Promise<{ subscription: any | null; plan: string; creditMinor: number }>;
  subscribe(plan: string, options?: { provider?: string; idempotencyKey?: string }): Promise<any>;
  changePlan(plan: string, options?: { idempotencyKey?: string }): Promise<any>;
  cancel(): Promise<any>;
  resume(): Promise<any>;
  invoices(): Promise<any[]>;
  entitlements(): Promise<{ peer: string; plan: string; entitlements: Record<string, number>; validUntil: string | null; subscriptionStatus: string | null }>;
  usage(): Promise<any>;
}
