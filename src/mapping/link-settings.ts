// `stream_settings` entries' `references` and `stripe_account_field`: the rules a schema cannot say, checked at `check` and before `write` reads a line.
import type { StreamSettings } from '../generated/config.js';
import { findResource, listResources } from './resources.js';
import { referencePathProblem } from './reference-paths.js';
import { listPlanFor } from '../resync/list-params.js';
import { closestName } from '../config/suggest.js';

export interface LinkSettingsProblem {
  field: string;
  rule: string;
}

const MATCHING_KEY = /^[A-Za-z0-9_\-.]{1,40}$/;

/** Each reference's path, resource (known, listable in one go) and matching key; the account field's name. */
export function linkSettingsProblems(entries: readonly StreamSettings[] | undefined): LinkSettingsProblem[] {
  const problems: LinkSettingsProblem[] = [];
  (entries ?? []).forEach((entry, i) => {
    const at = `stream_settings[${i}]`;
    if (entry.stripe_account_field !== undefined && /\s/.test(entry.stripe_account_field)) {
      problems.push({ field: `${at}.stripe_account_field`, rule: 'must be a record field name (no spaces)' });
    }
    for (const [path, target] of Object.entries(entry.references ?? {})) {
      const field = `${at}.references.${path}`;
      const pathProblem = referencePathProblem(path);
      if (pathProblem) problems.push({ field, rule: pathProblem });
      const definition = findResource(target.resource);
      if (!definition) {
        const guess = closestName(target.resource, listResources().map((r) => r.name));
        problems.push({ field: `${field}.resource`, rule: `names "${target.resource}", which is not a Stripe resource this connector knows${guess ? ` (did you mean "${guess}"?)` : ''}` });
      } else if (!listPlanFor(definition)) {
        problems.push({ field: `${field}.resource`, rule: `${definition.name} cannot be listed in one go, so its objects cannot be found by a key` });
      }
      if (!MATCHING_KEY.test(target.matching_key)) problems.push({ field: `${field}.matching_key`, rule: 'must be 1 to 40 letters, digits, "_", "-" or "." (a metadata key)' });
    }
  });
  return problems;
}
