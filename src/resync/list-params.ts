// Which resources the bulk read can list, with what extra parameters, and which accept `created` ranges.
// List paths and `created` support come from the registry (schemas/index.json, generated from the pinned
// stripe package); the default filters below from Stripe's list endpoint descriptions.

/** Lists that hide some objects by default: subscriptions leave out canceled ones unless `status=all`. */
const FILTERS: Readonly<Record<string, Record<string, string>>> = {
  subscriptions: { status: 'all' },
};

/** Lists that need a parent parameter (a subscription's items) cannot list the account's objects at once. */
const NEEDS_PARENT: ReadonlySet<string> = new Set(['subscription_items']);

/** What the registry (mapping/resources.ts) says about a resource's list endpoint. */
export interface ListableResource {
  name: string;
  listPath?: string;
  listCreatedFilter: boolean;
  parent?: { param: string; resource: string };
}

export interface ListPlan {
  path: string;
  filters: Record<string, string>;
  createdRanges: boolean;
}

/** How to list every object of a resource, or undefined when one list cannot (nested or parent-scoped resources). */
export function listPlanFor(definition: ListableResource): ListPlan | undefined {
  const path = definition.listPath;
  if (!path || definition.parent || NEEDS_PARENT.has(definition.name) || path.includes('{') || !path.startsWith('/v1/')) return undefined;
  return { path, filters: { ...(FILTERS[definition.name] ?? {}) }, createdRanges: definition.listCreatedFilter };
}
