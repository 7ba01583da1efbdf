// Whether a sync that ran to its end failed anyway: too many refused records, or records of streams the catalog lacks.
import { configError, type ConnectorError } from '../protocol/errors.js';
import { groupThousands, type TallySnapshot } from './tally.js';

export interface VerdictPolicy {
  /**
   * The sync fails when more than this percentage of the records that arrived was refused. Undefined
   * (the default): it fails only when records arrived and every one of them was refused. 100: never.
   */
  maxRejectedPercent?: number;
  /** `fail` (default): records of streams missing from the catalog fail the sync; `skip`: they are only counted. */
  unknownStreams: 'fail' | 'skip';
}

/** How many of the most frequent rejection reasons a failure names. */
const REASONS_SHOWN = 3;

/** The failure a finished sync ends with, or undefined when it succeeded. Pure: reads the tally only. */
export function judgeSync(tally: TallySnapshot, policy: VerdictPolicy): ConnectorError | undefined {
  const problems: string[] = [];
  const advice: string[] = [];
  const rejected = tally.totals.rejected;
  const records = tally.records;
  if (records > 0 && rejected > 0) {
    const percent = (rejected / records) * 100;
    const limit = policy.maxRejectedPercent;
    if (limit === undefined ? rejected === records : percent > limit) {
      const share = `${groupThousands(rejected)} of ${groupThousands(records)} record${records === 1 ? '' : 's'} (${formatPercent(percent)}) ${rejected === 1 ? 'was' : 'were'} rejected`;
      const rule = limit === undefined ? 'and none was written' : `, more than max_rejected_percent (${formatPercent(limit)})`;
      problems.push(`${share}${limit === undefined ? ' ' : ''}${rule} (most frequent reasons: ${reasonsOf(tally)})`);
      advice.push('each refused record has a WARN line with its reason; max_rejected_percent sets how many refusals fail a sync (100: never)');
    }
  }
  const unknown = Object.entries(tally.unknownStreams);
  if (policy.unknownStreams === 'fail' && unknown.length > 0) {
    const list = unknown.map(([stream, n]) => `"${stream}" (${groupThousands(n)})`).join(', ');
    problems.push(`records of streams that are not in the configured catalog were not written: ${list}`);
    advice.push('add the streams to the catalog, or set unknown_streams to "skip" to only count them');
  }
  if (problems.length === 0) return undefined;
  return configError(`The sync failed: ${problems.join('; ')}. ${capitalize(advice.join('; '))}.`);
}

function reasonsOf(tally: TallySnapshot): string {
  const shown = tally.reasons.slice(0, REASONS_SHOWN).map((r) => `${r.reason} (${groupThousands(r.count)})`);
  const more = tally.reasons.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} other${more === 1 ? '' : 's'}` : '');
}

/** `100 %`, `57.5 %`, `0.01 %`: at most two decimals, no trailing zeros. */
export function formatPercent(value: number): string {
  return `${Number(value.toFixed(2))} %`;
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
