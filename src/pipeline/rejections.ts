// Words for a refused record: where it is and why, never its values.
import type { Rejection } from './sink.js';

/** Masks what a Stripe message may quote from the request (quoted text, text after a colon). */
export function sanitizeStripeMessage(message: string): string {
  return message
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/:\s+[^\s.,;][^.;]*$/, ': …');
}

export function describeRejection(stream: string, where: { position: number; line: number; primaryKey?: unknown[] }, rejection: Rejection): string {
  const parts = [`Rejected record #${where.position} of stream "${stream}" (line ${where.line}`];
  if (where.primaryKey?.some((v) => v !== undefined && v !== null)) parts.push(`, primary key ${JSON.stringify(where.primaryKey)}`);
  parts.push(`): ${rejection.code}`);
  if (rejection.param) parts.push(` on ${rejection.param}`);
  parts.push(` - ${rejection.status ? sanitizeStripeMessage(rejection.reason) : rejection.reason}`);
  if (rejection.status) parts.push(` (HTTP ${rejection.status}`);
  if (rejection.declineCode) parts.push(`, decline_code ${rejection.declineCode}`);
  if (rejection.requestId) parts.push(`${rejection.status ? ', ' : ' ('}Request-Id ${rejection.requestId}`);
  if (rejection.status || rejection.requestId) parts.push(')');
  return parts.join('');
}
