// `stream_settings`: which entry applies to a (stream, namespace), the defaults, and the rules a schema cannot say.
import type { StreamSettings } from '../generated/config.js';
import { closestName } from './suggest.js';

export type { StreamSettings } from '../generated/config.js';

/** The entry whose `stream` is this applies to every stream without its own entry. */
export const EVERY_STREAM = '*';

/** One stream's settings with every default filled in (the entry's other keys, such as later additions, are kept). */
export type ResolvedStreamSettings = StreamSettings & Required<Pick<StreamSettings, 'fields' | 'unmapped_fields' | 'coerce_types' | 'naive_timestamp_zone'>>;

export const STREAM_SETTING_DEFAULTS: Readonly<Omit<ResolvedStreamSettings, 'stream'>> = Object.freeze({
  fields: Object.freeze({}) as Record<string, string>,
  unmapped_fields: 'reject',
  coerce_types: true,
  naive_timestamp_zone: 'UTC',
});

/**
 * The entry for a stream, most specific first: its name and namespace, its name in any namespace,
 * `*` in its namespace, `*` in any namespace. Undefined when nothing applies. Entries do not inherit
 * from one another: a stream with its own entry ignores the `*` entry.
 */
export function streamSettingsEntry(entries: readonly StreamSettings[] | undefined, stream: string, namespace?: string | null): StreamSettings | undefined {
  if (!entries || entries.length === 0) return undefined;
  const ns = namespace ?? undefined;
  let best: StreamSettings | undefined;
  let bestRank = 0;
  for (const entry of entries) {
    const rank = rankOf(entry, stream, ns);
    if (rank > bestRank) {
      best = entry;
      bestRank = rank;
    }
  }
  return best;
}

/** The settings a stream runs with: its entry (see `streamSettingsEntry`) with the defaults filled in; `stream` is the stream's own name. */
export function resolveStreamSettings(entries: readonly StreamSettings[] | undefined, stream: string, namespace?: string | null): ResolvedStreamSettings {
  const entry = streamSettingsEntry(entries, stream, namespace);
  return { ...STREAM_SETTING_DEFAULTS, ...stripUndefined(entry ?? {}), stream } as ResolvedStreamSettings;
}

/** 4: name and namespace; 3: name, any namespace; 2: `*` in the namespace; 1: `*`; 0: not this stream. */
function rankOf(entry: StreamSettings, stream: string, namespace: string | undefined): number {
  const named = entry.stream === stream;
  if (!named && entry.stream !== EVERY_STREAM) return 0;
  if (entry.namespace !== undefined && entry.namespace !== namespace) return 0;
  return (named ? 3 : 1) + (entry.namespace !== undefined ? 1 : 0);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface StreamSettingsProblem {
  field: string;
  rule: string;
}

/**
 * Rules of `stream_settings` a schema cannot say (checked at `check` and before `write` reads a line):
 * one entry per stream and namespace, a real IANA zone, each Stripe path the target of one record field.
 * Whether a `fields` target is a field of the stream's resource is checked where the resource is known.
 */
export function streamSettingsProblems(entries: readonly StreamSettings[] | undefined): StreamSettingsProblem[] {
  const problems: StreamSettingsProblem[] = [];
  const seen = new Map<string, number>();
  (entries ?? []).forEach((entry, i) => {
    const at = `stream_settings[${i}]`;
    const key = JSON.stringify([entry.stream, entry.namespace ?? null]);
    const first = seen.get(key);
    if (first !== undefined) {
      const what = entry.stream === EVERY_STREAM ? 'every stream ("*")' : `stream "${entry.stream}"`;
      problems.push({ field: at, rule: `is a second entry for ${what}${entry.namespace === undefined ? '' : ` in namespace "${entry.namespace}"`} (the first is stream_settings[${first}]); merge them` });
    } else {
      seen.set(key, i);
    }
    if (entry.naive_timestamp_zone !== undefined && !isTimeZone(entry.naive_timestamp_zone)) {
      problems.push({ field: `${at}.naive_timestamp_zone`, rule: 'must be an IANA time zone name such as UTC, Europe/Berlin or America/New_York' });
    }
    const targets = new Map<string, string>();
    for (const [from, to] of Object.entries(entry.fields ?? {})) {
      const other = targets.get(to);
      if (other !== undefined) problems.push({ field: `${at}.fields.${from}`, rule: `maps to the same Stripe field "${to}" as "${other}"; a field can be filled from one record field only` });
      else targets.set(to, from);
    }
  });
  return problems;
}

/** Whether the runtime knows this IANA zone (Intl refuses unknown names). */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Entries that name a stream the catalog does not hold: a note each, not an error, since one config may
 * serve catalogs that select different streams. A note with a close stream name (a likely typo) is a warning.
 */
export function unmatchedEntryWarnings(entries: readonly StreamSettings[] | undefined, streams: readonly { name: string; namespace?: string | null }[]): Array<{ text: string; likelyTypo: boolean }> {
  const warnings: Array<{ text: string; likelyTypo: boolean }> = [];
  (entries ?? []).forEach((entry, i) => {
    if (entry.stream === EVERY_STREAM) return;
    const matches = streams.some((s) => s.name === entry.stream && (entry.namespace === undefined || entry.namespace === (s.namespace ?? undefined)));
    if (matches) return;
    const where = entry.namespace === undefined ? '' : ` in namespace "${entry.namespace}"`;
    const elsewhere = [...new Set(streams.filter((s) => s.name === entry.stream).map((s) => s.namespace ?? '(none)'))];
    const guess = elsewhere.length > 0 ? undefined : closestName(entry.stream, new Set(streams.map((s) => s.name)));
    const hint = elsewhere.length > 0 ? ` (the catalog holds it in namespace ${elsewhere.map((n) => `"${n}"`).join(', ')})` : guess === undefined ? '' : ` (did you mean "${guess}"?)`;
    warnings.push({ text: `stream_settings[${i}] names stream "${entry.stream}"${where}, which this sync's catalog does not hold; the entry is not used${hint}.`, likelyTypo: hint !== '' });
  });
  return warnings;
}
