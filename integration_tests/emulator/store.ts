// In-memory objects, kept per account (the Stripe-Account header; absent = the platform) and resource.
import type { StripeObject } from './types.js';

export const platform = 'platform';

/** A table in creation order (oldest first) and each id's index in it. */
export interface Ordered {
  objects: StripeObject[];
  position: Map<string, number>;
}

export class ObjectStore {
  private readonly accounts = new Map<string, Map<string, Map<string, StripeObject>>>();
  private readonly order = new WeakMap<Map<string, StripeObject>, Ordered>();
  /** When each object was first stored (ms), for search's lag; kept off the object so answers do not show it. */
  private readonly born = new WeakMap<StripeObject, number>();

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

  put(account: string, resource: string, object: StripeObject, nowMs: number = Date.now()): void {
    if (!this.born.has(object)) this.born.set(object, nowMs);
    this.table(account, resource).set(object.id, object);
  }

  /** Unix ms when the object was first stored. */
  bornAt(object: StripeObject): number {
    return this.born.get(object) ?? 0;
  }

  delete(account: string, resource: string, id: string): boolean {
    const table = this.accounts.get(account)?.get(resource);
    if (table) this.order.delete(table);
    return table?.delete(id) ?? false;
  }

  /** Objects in creation order (oldest first). */
  list(account: string, resource: string): StripeObject[] {
    return [...(this.accounts.get(account)?.get(resource)?.values() ?? [])];
  }

  /**
   * Objects in creation order with each id's position, cached until the table gains or loses an object,
   * so paging through 100,000 objects costs each page its own length rather than the table's.
   */
  ordered(account: string, resource: string): Ordered {
    const table = this.accounts.get(account)?.get(resource);
    if (!table) return { objects: [], position: new Map() };
    let cached = this.order.get(table);
    if (!cached || cached.objects.length !== table.size) {
      const objects = [...table.values()];
      cached = { objects, position: new Map(objects.map((o, i) => [o.id, i])) };
      this.order.set(table, cached);
    }
    return cached;
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
