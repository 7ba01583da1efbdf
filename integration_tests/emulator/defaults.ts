// A few default fields per object type so created objects look roughly like Stripe's.
import { randomChars } from './ids.js';

type Body = Record<string, unknown>;

const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Fields every new object of `object` starts with, before the sent fields are applied. */
export function defaultsFor(object: string, body: Body): Body {
  switch (object) {
    case 'customer':
      return { balance: 0, currency: null, delinquent: false, description: null, email: null, name: null, phone: null, invoice_prefix: randomChars(8, upper) };
    case 'product':
      return { active: true, description: null, images: [], url: null };
    case 'price':
      return { active: true, billing_scheme: 'per_unit', recurring: null, type: body['recurring'] ? 'recurring' : 'one_time', unit_amount: null };
    case 'plan':
      return { active: true, amount: null, billing_scheme: 'per_unit', interval_count: 1 };
    case 'coupon':
      return { duration: 'once', times_redeemed: 0, valid: true };
    case 'promotion_code':
      return { active: true, code: randomChars(10, upper), times_redeemed: 0 };
    case 'tax_rate':
    case 'shipping_rate':
      return { active: true };
    case 'invoice':
      return { status: 'draft', amount_due: 0, currency: 'usd' };
    case 'invoiceitem':
      return { quantity: 1, amount: Number(body['amount'] ?? 0) || Number(body['unit_amount'] ?? 0) * Number(body['quantity'] ?? 1) };
    case 'subscription':
      return { status: 'active', cancel_at_period_end: false };
    case 'subscription_item':
      return { quantity: 1 };
    case 'payment_intent':
      return { status: body['confirm'] === true ? 'succeeded' : 'requires_payment_method', amount_received: 0 };
    case 'setup_intent':
      return { status: 'requires_payment_method' };
    case 'charge':
      return { status: 'succeeded', paid: true, captured: body['capture'] !== false, refunded: false, amount_refunded: 0 };
    case 'refund':
      // Refunds to payment methods without native refunds wait for the customer (instructions by email).
      return { status: body['instructions_email'] ? 'requires_action' : 'succeeded' };
    case 'credit_note':
      return { status: 'issued' };
    case 'quote':
      return { status: 'draft' };
    case 'payment_link':
      return { active: true, url: `https://buy.stripe.com/test_${randomChars(14)}` };
    case 'customer_balance_transaction':
      return { type: 'adjustment' };
    case 'tax_id':
      return { verification: { status: 'pending', verified_address: null, verified_name: null } };
    case 'billing.meter':
      return { status: 'active', status_transitions: { deactivated_at: null }, event_time_window: null };
    case 'billing.credit_grant':
      return { category: 'paid', effective_at: null, expires_at: null, voided_at: null, priority: 50 };
    case 'entitlements.feature':
      return { active: true };
    default:
      return {};
  }
}

/** Top-level body fields that name another object, and where that object may live. */
export const references: Record<string, string[]> = {
  customer: ['customers'],
  product: ['products'],
  price: ['prices', 'plans'],
  plan: ['plans', 'prices'],
  coupon: ['coupons'],
  promotion_code: ['promotion_codes'],
  invoice: ['invoices'],
  subscription: ['subscriptions'],
  charge: ['charges'],
  payment_intent: ['payment_intents'],
  entitlement_feature: ['entitlement_features'],
};

/** Arrays of objects whose elements name other objects (`items[0][price]`), by array and element field. */
export const elementReferences: Record<string, Record<string, string[]>> = {
  items: { price: ['prices', 'plans'], plan: ['plans', 'prices'] },
  discounts: { coupon: ['coupons'], promotion_code: ['promotion_codes'] },
};
