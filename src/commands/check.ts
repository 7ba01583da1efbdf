// `check`: validates the config, then proves the key can reach Stripe.
import type { Config } from '../generated/config.js';
import { readJsonFile } from '../config/load.js';
import { configErrorFor, validateConfig } from '../config/validate.js';
import { connectionStatusMessage } from '../protocol/messages.js';
import type { Emitter } from '../protocol/emitter.js';
import { ConnectorError, toConnectorError } from '../protocol/errors.js';
import { apiVersionNote } from '../stripe/version.js';
import { checkSettings } from './check-settings.js';

/** Calls Stripe with the configured key; resolves to a success message or throws a ConnectorError. */
export type CredentialCheck = (config: Config) => Promise<string>;

export async function runCheck(options: { configPath: string; emitter: Emitter; verify: CredentialCheck; onConfig?: (config: unknown) => void }): Promise<number> {
  const { emitter } = options;
  try {
    const raw = await readJsonFile(options.configPath, 'config');
    options.onConfig?.(raw);
    const result = validateConfig(raw);
    if (!result.ok) throw configErrorFor(result.problems);
    const notes = checkSettings(result.config);
    const message = await options.verify(result.config);
    emitter.emit(connectionStatusMessage('SUCCEEDED', [message, apiVersionNote(result.config).text, ...notes].join(' ')));
  } catch (error) {
    const failure = toConnectorError(error);
    const text = failure instanceof ConnectorError && failure.failureType !== 'system_error' ? failure.message : `${failure.message} (${failure.internalMessage})`;
    emitter.emit(connectionStatusMessage('FAILED', text));
  }
  return 0;
}
