// The shape of schemas/index.json, shared by the generator, the registry and the emulator.

/** How a template `delete` reaches Stripe for one resource. */
export type DeleteStrategy =
  /** `DELETE <path>/{id}` (for subscriptions this cancels them; invoices: drafts only). */
  | { kind: 'delete' }
  /** `POST <path>/{id}` with `active=false`: Stripe keeps the object but stops using it. */
  | { kind: 'archive' }
  /** `POST <path>/{id}/<action>`: cancel (intents, quotes, refunds), void (credit notes, credit grants), deactivate (meters). */
  | { kind: 'action'; action: string };

/** One resource of schemas/index.json. */
export interface SchemaIndexEntry {
  /** Collection path, with `{param}` for a parent id, e.g. `/v1/customers/{customer}/tax_ids`. */
  path: string;
  /** Stripe's `object` value, e.g. `customer`. */
  object: string;
  /** Prefix of Stripe-generated ids, e.g. `cus_` (empty where ids are codes). */
  idPrefix: string;
  parent: { param: string; resource: string } | null;
  /** Body encoding: `form` for /v1, `json` for /v2. */
  format: 'form' | 'json';
  /** File name of the create request schema. */
  create: string;
  /** File name of the update request schema, or null when Stripe has no update. */
  update: string | null;
  /** `DELETE <path>/{id}` exists. */
  deletable: boolean;
  /** How the connector's `delete` ends the object, or null when Stripe offers no way. */
  delete: DeleteStrategy | null;
  /** The create schema accepts an `id` (products, plans, coupons). */
  customId: boolean;
  /** `GET <path>` lists the objects. */
  listable: boolean;
  /** The list path (`GET`, same form as `path`), or null when Stripe cannot list them. */
  listPath: string | null;
  /** The list accepts a `created` filter (`created[gte]`, ...). */
  listCreatedFilter: boolean;
  /** `GET` search path (Stripe's search API), or null. */
  searchPath: string | null;
}

export interface SchemaIndex {
  /** The package the schemas come from, e.g. `stripe 23.1.0`. */
  generatedFrom: string;
  /** The Stripe API version of the schemas (the package's pinned version). */
  apiVersion: string;
  resources: Record<string, SchemaIndexEntry>;
}
