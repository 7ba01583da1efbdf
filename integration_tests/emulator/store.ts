// In-memory objects, kept per account (the Stripe-Account header; absent = the platform) and resource.
import type { StripeObject } from './types.js';

export const platform = 'platform';

export class ObjectStore {
  private readonly accounts = new Map<string, Map<string, Map<string, StripeObject>>>();

  private table(account: string, resource: string): Map<string, StripeObject> {
    let resources = this.accounts.get(account);
    if (!resources) this.accounts.set(account, (resources = new Map()));
    let table = resources.get(resource);
    if (!table) resources.set(resource, (table = new Map()));
    return table;
  }

  get(account: string, resource: string, id: string): StripeObject | undefined {
    return this.accounts.get(account)?.get(resource)?.get(id);
  }

  put(account: string, resource: string, object: StripeObject): void {
    this.table(account, resource).set(object.id, object);
  }

  delete(account: string, resource: string, id: string): boolean {
    return this.accounts.get(account)?.get(resource)?.delete(id) ?? false;
  }

  /** Objects in creation order (oldest first). */
  list(account: string, resource: string): StripeObject[] {
    return [...(this.accounts.get(account)?.get(resource)?.values() ?? [])];
  }

  count(account: string, resource: string): number {
    return this.accounts.get(account)?.get(resource)?.size ?? 0;
  }

  counts(account: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [resource, table] of this.accounts.get(account) ?? []) out[resource] = table.size;
    return out;
  }

  clear(): void {
    this.accounts.clear();
  }
}
