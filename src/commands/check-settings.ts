// Checks of a valid config that need code, not schema: templates compile, the operation exists for the resource.
import type { Config } from '../generated/config.js';
import { createManualMapper, manualConfigWarnings } from '../mapping/manual.js';
import { assertOperationSupported } from '../mapping/resources.js';
import { createTemplateMapper } from '../mapping/template.js';
import { checkWebhookUrl } from '../pipeline/responses.js';

/** Throws a config_error for a setting that cannot work; returns notes worth logging once. */
export function checkSettings(config: Config): string[] {
  const configuration = config.configuration;
  const notes: string[] = [];
  if (configuration.mode === 'manual') {
    createManualMapper({ configuration, apiBaseUrl: config.api_base_url, idempotencyKey: () => ({}) });
    notes.push(...manualConfigWarnings(configuration));
  } else {
    const operation = configuration.operation ?? 'create';
    assertOperationSupported(configuration.resource_type, operation, configuration.matching_key ?? 'id');
    createTemplateMapper({ resource: configuration.resource_type, operation, matchingKey: configuration.matching_key, recordPath: configuration.record_path, idempotencyKey: () => ({}) });
    if (configuration.meter_events_api === 'v2_stream' && configuration.resource_type !== 'billing_meter_events') {
      notes.push('configuration.meter_events_api applies to billing_meter_events only and is ignored here.');
    }
  }
  if (config.response_webhook) checkWebhookUrl(config.response_webhook.url);
  return notes;
}
