// Tests the response webhook's URL rule: https anywhere, plain http only to this machine.
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/protocol/errors.js';
import { checkWebhookUrl } from '../../src/pipeline/webhook-url.js';

describe('checkWebhookUrl', () => {
  it.each(['https://hooks.example.com/x', 'http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]:9/x'])('accepts %s', (value) => {
    expect(checkWebhookUrl(value).href).toBeTruthy();
  });
  it.each(['http://hooks.example.com/x', 'ftp://127.0.0.1/x', 'not a url', 'http://127.0.0.1.evil.com/x'])('refuses %s', (value) => {
    expect(() => checkWebhookUrl(value)).toThrow(ConnectorError);
  });
});
