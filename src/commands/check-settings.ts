// Checks of a valid config that need code, not schema: templates compile, the operation exists for the resource.
import type { Config } from '../generated/config.js';
import { createManualMapper, manualConfigWarnings } from '../mapping/manual.js';
import { assertOperationSupported } from '../mapping/resources.js';
import { linkSettingsProblems } from '../mapping/link-settings.js';
import { createTemplateMapper } from '../mapping/template.js';
import { resolveStreamSettings } from '../config/stream-settings.js';
import { checkWebhookUrl } from '../pipeline/webhook-url.js';
import { configError } from '../protocol/errors.js';
import { storeSettings } from '../rejected/settings.js';
import { FIRST_V2_API_VERSION, effectiveApiVersion, predatesV2 } from '../stripe/version.js';

/** Throws a config_error for a setting that cannot work; returns notes worth logging once. */
export function checkSettings(config: Config): string[] {
  const configuration = config.configuration;
  const notes: string[] = [];
  if (configuration.mode === 'manual') {
    if ((config.stream_settings ?? []).length > 0) notes.push('stream_settings applies to template mode only and is ignored in manual mode (the body template places each field).');
    createManualMapper({ configuration, apiBaseUrl: config.api_base_url, idempotencyKey: () => ({}) });
    notes.push(...manualConfigWarnings(configuration));
  } else {
    const operation = configuration.operation ?? 'create';
    assertOperationSupported(configuration.resource_type, operation, configuration.matching_key ?? 'id');
    const base = { resource: configuration.resource_type, operation, matchingKey: configuration.matching_key, recordPath: configuration.record_path, idempotencyKey: () => ({}) };
    createTemplateMapper(base);
    // Each entry's `fields` targets against the configured resource (streams that name another destination object are checked by write, before it reads a line).
    for (const entry of config.stream_settings ?? []) createTemplateMapper({ ...base, settings: resolveStreamSettings([entry], entry.stream, entry.namespace), stream: entry.stream });
    if (configuration.meter_events_api === 'v2_stream' && configuration.resource_type !== 'billing_meter_events') {
      notes.push('configuration.meter_events_api applies to billing_meter_events only and is ignored here.');
    }
  }
  const links = linkSettingsProblems(config.stream_settings);
  if (links.length > 0) throw configError(`The config has ${links.length === 1 ? 'a problem' : `${links.length} problems`}: ${links.map((p) => `${p.field} ${p.rule}`).join('; ')}.`);
  if (config.response_webhook) checkWebhookUrl(config.response_webhook.url);
  storeSettings(config);
  const version = effectiveApiVersion(config);
  if (predatesV2(version) && callsV2(config)) {
    throw configError(`api_version ${version} predates Stripe's /v2 endpoints, which this configuration calls: pin ${FIRST_V2_API_VERSION} or newer, or leave api_version empty.`);
  }
  return notes;
}

/** The configuration sends /v2 requests: the v2 meter event stream, meter event adjustments, or a manual /v2 URL. */
function callsV2(config: Config): boolean {
  const configuration = config.configuration;
  if (configuration.mode === 'manual') return /^(https?:\/\/[^/]+)?\/v2\//.test(configuration.url.trim());
  if (configuration.resource_type === 'billing_meter_event_adjustments') return true;
  return configuration.resource_type === 'billing_meter_events' && configuration.meter_events_api === 'v2_stream';
}
