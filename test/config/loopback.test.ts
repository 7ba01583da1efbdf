import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../src/config/loopback.js';

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['[::1]', true],
    ['::1', true],
    ['127.0.0.1.evil.com', false],
    ['10.0.0.1', false],
    ['api.stripe.com', false],
    ['127.0.0.256', false],
    ['localhost.evil.com', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
