// The response webhook's URL rule, on its own so that `check` and `write` can apply it without loading the webhook's HTTP client.
import { isLoopbackHost } from '../config/loopback.js';
import { configError } from '../protocol/errors.js';

/** Checks the webhook URL: https anywhere, plain http only to this machine. */
export function checkWebhookUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw configError('response_webhook.url is not a valid URL.');
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return parsed;
  throw configError('response_webhook.url must use https (plain http is allowed only for localhost or 127.0.0.1).');
}
