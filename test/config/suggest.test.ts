import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../src/config/suggest.js';

const top = ['api_key', 'configuration', 'stripe_account', 'api_version', 'requests_per_second', 'max_concurrency', 'max_attempts', 'request_timeout_seconds', 'on_record_error', 'idempotency_key', 'response_webhook', 'dry_run', 'api_base_url'];

describe('closestName', () => {
  it.each([
    ['dryrun', 'dry_run'],
    ['dryRun', 'dry_run'],
    ['dry-run', 'dry_run'],
    ['apikey', 'api_key'],
    ['api_ky', 'api_key'],
    ['on_recrod_error', 'on_record_error'],
    ['max_atempts', 'max_attempts'],
    ['request_timeout', 'request_timeout_seconds'],
    ['webhook', undefined],
    ['zzzzzz', undefined],
    ['x', undefined],
  ])('%s → %s', (unknown, expected) => {
    expect(closestName(unknown, top)).toBe(expected);
  });

  it('suggests nothing from an empty list', () => {
    expect(closestName('dryrun', [])).toBeUndefined();
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'ab', 1],
    ['abc', 'acb', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s ↔ %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});
