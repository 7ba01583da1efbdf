// Words for a refused record: where it is and why, never its values.
import { createHash } from 'node:crypto';
import type { Rejection } from '../core/rejection.js';

/** Where a refused record sits; enough to find it without echoing its values. */
export interface RejectionPlace {
  position: number;
  line: number;
  primaryKey?: unknown[];
  /** The catalog's primary key paths, dotted (`email`, `customer.id`). */
  primaryKeyFields?: string[];
}

/**
 * A short, stable hash of a record's primary key values: the first 10 hex digits of the SHA-256 of
 * their JSON array (`["ada@example.com"]`). Logs print it instead of the values (often personal data);
 * the same computation on a row of the source finds the record.
 */
export function primaryKeyHash(values: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 10);
}

/** Masks what a Stripe message may quote from the request (quoted text, text after a colon). */
export function sanitizeStripeMessage(message: string): string {
  return message
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/:\s+[^\s.,;][^.;]*$/, ': …');
}

export function describeRejection(stream: string, where: RejectionPlace, rejection: Rejection, options: { showKeyValues?: boolean } = {}): string {
  const parts = [`Rejected record #${where.position} of stream "${stream}" (line ${where.line}`];
  if (where.primaryKey?.some((v) => v !== undefined && v !== null)) {
    const fields = where.primaryKeyFields?.length ? ` ${where.primaryKeyFields.join(', ')}` : '';
    const shown = options.showKeyValues === true ? JSON.stringify(where.primaryKey) : `#${primaryKeyHash(where.primaryKey)}`;
    parts.push(`, primary key${fields} ${shown}`);
  }
  parts.push(`): ${rejection.code}`);
  if (rejection.param) parts.push(` on ${rejection.param}`);
  parts.push(` - ${rejection.status ? sanitizeStripeMessage(rejection.reason) : rejection.reason}`);
  if (rejection.status) parts.push(` (HTTP ${rejection.status}`);
  if (rejection.declineCode) parts.push(`, decline_code ${rejection.declineCode}`);
  if (rejection.requestId) parts.push(`${rejection.status ? ', ' : ' ('}Request-Id ${rejection.requestId}`);
  if (rejection.status || rejection.requestId) parts.push(')');
  return parts.join('');
}
