import { describe, expect, it } from 'vitest';
import { keyIsPerRecord } from '../../src/pipeline/stream-mappers.js';

describe('keyIsPerRecord', () => {
  it.each([
    ['auto', 'create', false, false],
    ['auto', 'upsert_create', false, false],
    ['auto', 'update', false, true],
    ['auto', 'upsert', false, true],
    ['auto', 'delete', false, true],
    ['auto', 'POST', false, false],
    ['auto', 'POST', true, true],
    ['primary_key', 'update', false, false],
    ['field', 'update', true, false],
    ['off', 'update', false, false],
    ['content', 'update', false, false],
  ] as const)('source %s, operation %s, manual path names an object: %s → %s', (source, operation, manual, expected) => {
    expect(keyIsPerRecord(source, operation, manual)).toBe(expected);
  });
});
