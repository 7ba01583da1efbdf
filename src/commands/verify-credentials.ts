// The credential call of `check`: GET /v1/balance (works for restricted keys), then the account when the key may read it.
import type { Config } from '../generated/config.js';
import { ConnectorError, configError } from '../protocol/errors.js';
import { createStripeClient } from '../stripe/client.js';
import { keyMode } from '../stripe/mode.js';
import { resolveBaseUrl } from '../stripe/hosts.js';

export async function verifyCredentials(config: Config): Promise<string> {
  const client = createStripeClient({
    apiKey: config.api_key,
    apiBaseUrl: config.api_base_url,
    stripeAccount: config.stripe_account,
    apiVersion: config.api_version,
    maxAttempts: 2,
    timeoutMs: 15_000,
  });
  const base = resolveBaseUrl(config, 'api').origin;
  try {
    const balance = await client.send({ method: 'GET', path: '/v1/balance', format: 'form' }).catch((error: unknown) => {
      throw explain(error, base);
    });
    if (balance.kind !== 'success') {
      throw configError(`Stripe refused GET /v1/balance (HTTP ${balance.status ?? '?'} ${balance.rejection.code}${balance.rejection.requestId ? `, Request-Id ${balance.rejection.requestId}` : ''}). Is ${base} a Stripe API?`);
    }
    const mode = keyMode(config.api_key);
    const livemode = (balance.body as { livemode?: unknown } | undefined)?.livemode;
    const account = await accountId(client.send).catch(() => undefined);
    const parts = [`Connected to Stripe in ${mode} mode${mode === 'test' ? ' (sandbox)' : ' (live data)'}`];
    if (account) parts.push(` as account ${account}`);
    if (config.stripe_account) parts.push(`, acting on connected account ${config.stripe_account}`);
    if (typeof livemode === 'boolean' && livemode !== (mode === 'live')) parts.push(`; note: Stripe answered livemode=${livemode}`);
    if (config.api_base_url) parts.push(` through ${base}`);
    return parts.join('') + '.';
  } finally {
    client.close();
  }
}

async function accountId(send: ReturnType<typeof createStripeClient>['send']): Promise<string | undefined> {
  const outcome = await send({ method: 'GET', path: '/v1/account', format: 'form' });
  const id = outcome.kind === 'success' ? (outcome.body as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

function explain(error: unknown, base: string): unknown {
  if (!(error instanceof ConnectorError) || error.failureType !== 'transient_error') return error;
  return new ConnectorError({
    failureType: 'config_error',
    message: `Cannot reach Stripe at ${base}: ${error.message} Check the network, a proxy, or api_base_url if you set one.`,
    internalMessage: error.internalMessage,
  });
}
