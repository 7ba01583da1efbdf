// The shape of schemas/index.json, shared by the generator, the registry and the emulator.

/** One resource of schemas/index.json. */
export interface SchemaIndexEntry {
  /** Collection path, with `{param}` for a parent id, e.g. `/v1/customers/{customer}/tax_ids`. */
  path: string;
  /** Stripe's `object` value, e.g. `customer`. */
  object: string;
  /** Prefix of Stripe-generated ids, e.g. `cus_` (empty where ids are codes). */
  idPrefix: string;
  parent: { param: string; resource: string } | null;
  /** File name of the create request schema. */
  create: string;
  /** File name of the update request schema, or null when Stripe has no update. */
  update: string | null;
  deletable: boolean;
  /** The create schema accepts an `id` (products, plans, coupons). */
  customId: boolean;
  listable: boolean;
}

export interface SchemaIndex {
  generatedFrom: string;
  resources: Record<string, SchemaIndexEntry>;
}
