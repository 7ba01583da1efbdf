// Validates a config against spec/spec.json (defaults applied) plus the rules a schema cannot say.
import { Ajv, type ErrorObject } from 'ajv';
import type { Config } from '../generated/config.js';
import { configError, type ConnectorError } from '../protocol/errors.js';
import { connectionSpecification, type JsonSchema } from './spec.js';
import { isLoopbackHost } from './loopback.js';
import { closestName } from './suggest.js';
import { streamSettingsProblems } from './stream-settings.js';

const UI_KEYWORDS = ['airbyte_secret', 'order', 'group', 'groups', 'pattern_descriptor', 'multiline', 'always_show', 'airbyte_hidden', 'display_type'];

const ajv = new Ajv({ allErrors: true, verbose: true, useDefaults: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
ajv.addVocabulary(UI_KEYWORDS);
const validateSchema = ajv.compile<Config>(connectionSpecification);

export interface ConfigProblem {
  /** Dotted path of the field, e.g. `configuration.resource_type`. */
  field: string;
  /** The rule it breaks, never the value it holds. */
  rule: string;
}

/** Validates and fills defaults in place; returns the typed config or the problems found. */
export function validateConfig(raw: unknown): { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, problems: [{ field: '(root)', rule: 'the config must be a JSON object' }] };
  const apiKey = (raw as Record<string, unknown>).api_key;
  if (typeof apiKey === 'string' && apiKey.startsWith('pk_')) {
    problems.push({ field: 'api_key', rule: 'this is a publishable key (pk_...), which can only read public data and cannot write to Stripe; use a secret key (sk_...) or a restricted key (rk_...) with write permissions' });
  }
  if (!validateSchema(raw)) {
    for (const error of dedupe(validateSchema.errors ?? [])) {
      if (problems.some((p) => p.field === 'api_key') && fieldOf(error).startsWith('api_key')) continue;
      problems.push({ field: fieldOf(error), rule: describe(error) });
    }
  }
  if (problems.length === 0) problems.push(...semanticProblems(raw as Config));
  return problems.length ? { ok: false, problems } : { ok: true, config: raw as Config };
}

/** The same, as a config_error naming every field and rule. */
export function configErrorFor(problems: ConfigProblem[]): ConnectorError {
  const text = problems.map((p) => `${p.field}: ${p.rule}`).join('; ');
  return configError(`Invalid configuration: ${text}`);
}

function semanticProblems(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const urlRule = (field: string, value: string | undefined, needsPathless: boolean): void => {
    if (value === undefined) return;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      problems.push({ field, rule: 'must be an absolute URL' });
      return;
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      problems.push({ field, rule: 'must use https (plain http is allowed only for localhost / 127.0.0.1 / ::1)' });
    }
    if (url.username || url.password) problems.push({ field, rule: 'must not carry a user name or password' });
    if (needsPathless && url.pathname !== '/') problems.push({ field, rule: 'must be a base URL without a path' });
  };
  urlRule('api_base_url', config.api_base_url, true);
  urlRule('response_webhook.url', config.response_webhook?.url, false);
  const key = config.idempotency_key;
  if (key?.source === 'field' && !key.field) problems.push({ field: 'idempotency_key.field', rule: 'is required when idempotency_key.source is "field"' });
  problems.push(...streamSettingsProblems(config.stream_settings));
  return problems;
}

function fieldOf(error: ErrorObject): string {
  const base = error.instancePath.split('/').filter(Boolean).join('.');
  const child = (error.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ?? (error.params as { additionalProperty?: string }).additionalProperty;
  const field = child ? (base ? `${base}.${child}` : child) : base;
  return field || '(root)';
}

function describe(error: ErrorObject): string {
  const schema = error.parentSchema as JsonSchema | undefined;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties': {
      // Every object of the spec refuses unknown keys, so a typo (`dryrun`) cannot pass as a default.
      const known = Object.keys((schema?.properties ?? {}) as Record<string, unknown>);
      const guess = closestName(String(error.params.additionalProperty), known);
      return `is not a known setting${guess === undefined ? '' : ` (did you mean "${guess}"?)`}`;
    }
    case 'pattern':
      return `must look like ${String(schema?.pattern_descriptor ?? error.params.pattern)}`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'discriminator':
      return 'mode must be "template" or "manual"';
    case 'type':
      return `must be of type ${String(error.params.type)}`;
    default:
      return error.message ?? error.keyword;
  }
}

/** ajv reports each failing keyword; keep one message per field and rule. */
function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${fieldOf(e)}|${e.keyword}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
