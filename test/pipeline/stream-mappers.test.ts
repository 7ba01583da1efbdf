import { describe, expect, it } from 'vitest';
import { keySourceFor } from '../../src/pipeline/stream-mappers.js';

describe('keySourceFor', () => {
  it.each([
    ['auto', 'create', false, 'auto'],
    ['auto', 'upsert_create', false, 'auto'],
    ['auto', 'update', false, 'content'],
    ['auto', 'upsert', false, 'content'],
    ['auto', 'delete', false, 'content'],
    ['auto', 'POST', false, 'auto'],
    ['auto', 'POST', true, 'content'],
    ['primary_key', 'update', false, 'primary_key'],
    ['field', 'update', true, 'field'],
    ['off', 'update', false, 'off'],
    ['content', 'create', false, 'content'],
  ] as const)('source %s, operation %s, manual path names an object: %s → %s', (source, operation, manual, expected) => {
    expect(keySourceFor(source, operation, manual)).toBe(expected);
  });
});
