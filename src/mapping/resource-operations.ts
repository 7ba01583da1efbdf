// What Stripe allows per resource beyond the generated index: how "delete" is done and which resources search.

/** How a template `delete` reaches Stripe for one resource. */
export type DeleteStrategy =
  /** `DELETE <path>/{id}` (for subscriptions this cancels them; invoices: drafts only). */
  | { kind: 'delete' }
  /** `POST <path>/{id}` with `active=false`: Stripe keeps the object but stops using it. */
  | { kind: 'archive' }
  /** `POST <path>/{id}/<action>`: cancel (intents, quotes, refunds) or void (credit notes). */
  | { kind: 'action'; action: 'cancel' | 'void' };

/** Resources Stripe cannot delete but can archive by setting `active=false`. */
export const ARCHIVED_ON_DELETE: ReadonlySet<string> = new Set(['prices', 'promotion_codes', 'tax_rates', 'shipping_rates', 'payment_links']);

/** Resources Stripe cannot delete but can end with an action endpoint. */
export const ACTION_ON_DELETE: Readonly<Record<string, 'cancel' | 'void'>> = {
  payment_intents: 'cancel',
  setup_intents: 'cancel',
  quotes: 'cancel',
  refunds: 'cancel',
  credit_notes: 'void',
};

/** Resources with `GET <path>/search` (Stripe's search API, eventually consistent). */
export const SEARCHABLE: ReadonlySet<string> = new Set([
  'customers',
  'products',
  'prices',
  'invoices',
  'subscriptions',
  'payment_intents',
  'charges',
]);

/** Resources that only accept creates whatever the index says (meter events are immutable). */
export const CREATE_ONLY: ReadonlySet<string> = new Set(['billing_meter_events']);

/** The delete strategy for a resource, or undefined when Stripe offers no way to remove or end it. */
export function deleteStrategyFor(name: string, deletable: boolean): DeleteStrategy | undefined {
  if (CREATE_ONLY.has(name)) return undefined;
  if (deletable) return { kind: 'delete' };
  if (ARCHIVED_ON_DELETE.has(name)) return { kind: 'archive' };
  const action = ACTION_ON_DELETE[name];
  return action ? { kind: 'action', action } : undefined;
}
