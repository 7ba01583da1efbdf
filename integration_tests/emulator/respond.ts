// Writes JSON answers with Stripe's headers (Request-Id on every response).
import type { ServerResponse } from 'node:http';
import { errorJson, type ApiError } from './errors.js';
import { STRIPE_API_VERSION } from '../../src/generated/stripe-api-version.js';

export function sendJson(res: ServerResponse, status: number, body: string, requestId: string, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Request-Id': requestId,
    'Stripe-Version': STRIPE_API_VERSION,
    ...headers,
  });
  res.end(body);
}

export function sendError(res: ServerResponse, error: ApiError, requestId: string): void {
  sendJson(res, error.status, errorJson(error.body, requestId), requestId, error.headers);
}
