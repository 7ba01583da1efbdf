// The stored line's rules: what is retryable, what a later sync does with each kind, and the object layout.
import { describe, expect, it } from 'vitest';
import { isRetryable, parseStoredLine, retryClassOf, storedLine } from '../../src/rejected/line.js';
import { parseStoredKey, partKey, streamFolder, syncFolderName } from '../../src/rejected/layout.js';
import { Checkpointer } from '../../src/pipeline/checkpoints.js';

describe('retryable refusals', () => {
  it.each([
    [{ code: 'stripe_unavailable', reason: 'r', status: 503 }, true],
    [{ code: 'rate_limited', reason: 'r', status: 429 }, true],
    [{ code: 'network_error', reason: 'r' }, true],
    [{ code: 'reference_unresolved', reason: 'r', param: 'product' }, true],
    [{ code: 'resource_missing', reason: 'r', status: 400, param: 'product' }, true],
    [{ code: 'resource_missing', reason: 'r', status: 404 }, false],
    [{ code: 'resource_missing', reason: 'r', status: 400 }, false],
    [{ code: 'card_declined', reason: 'r', status: 402 }, false],
    [{ code: 'api_error', reason: 'replayed 500', status: 500 }, false],
    [{ code: 'validation_failed', reason: 'r', param: 'email' }, false],
  ])('%j → %s', (rejection, expected) => {
    expect(isRetryable(rejection)).toBe(expected);
  });

  it('sorts stored lines into retry, recheck (refused before any request) and refused (a 4xx from Stripe)', () => {
    expect(retryClassOf({ retryable: true, http_status: 500 })).toBe('retry');
    expect(retryClassOf({ retryable: false, http_status: null })).toBe('recheck');
    expect(retryClassOf({ retryable: false, http_status: 404 })).toBe('refused');
  });

  it('keeps Stripe\'s error code apart from the connector\'s own codes for giving up', () => {
    const base = { recordId: 's:1', stream: 'c', line: 1, syncStartedAt: 't', storedAt: 't', attempt: 1, data: { a: 1 } };
    expect(storedLine({ ...base, rejection: { code: 'card_declined', reason: 'r', status: 402, requestId: 'req_1' } })).toMatchObject({ stripe_code: 'card_declined', http_status: 402, request_id: 'req_1', retryable: false });
    expect(storedLine({ ...base, rejection: { code: 'stripe_unavailable', reason: 'r', status: 503, requestId: 'req_2' } })).toMatchObject({ stripe_code: null, http_status: 503, retryable: true });
    const line = storedLine({ ...base, rejection: { code: 'validation_failed', reason: 'r', param: 'email' } });
    expect(parseStoredLine(JSON.stringify(line))).toEqual(line);
    expect(parseStoredLine('{"v":2}')).toBeUndefined();
    expect(parseStoredLine('not json')).toBeUndefined();
  });
});

describe('object layout', () => {
  it('names folders so that a stream never lists another stream\'s objects', () => {
    expect(streamFolder('p/', 'crm')).toBe('p/stream=crm/');
    expect(streamFolder('p/', 'a/b', 'ns')).toBe('p/namespace=ns/stream=a%2Fb/');
    const sync = { startedAt: '2026-12-05T08:06:53.123Z', id: 'ab12cd34' };
    expect(syncFolderName(sync)).toBe('sync=2026-12-05T08-06-53.123Z_ab12cd34');
    const key = partKey('p/stream=crm/', sync, 2);
    expect(key).toBe('p/stream=crm/sync=2026-12-05T08-06-53.123Z_ab12cd34/part-00002.jsonl.gz');
    expect(parseStoredKey('p/stream=crm/', key)).toEqual({ kind: 'part', sync: 'sync=2026-12-05T08-06-53.123Z_ab12cd34' });
    expect(parseStoredKey('p/stream=crm/', 'p/stream=crm/sync=x/claim.json')).toEqual({ kind: 'claim', sync: 'sync=x' });
    expect(parseStoredKey('p/stream=crm/', 'p/stream=crm/other.txt')).toBeUndefined();
  });
});

describe('states wait for stored refusals', () => {
  it('releases no state past the lowest record whose refusal is not stored, and releases it on recheck', () => {
    const released: unknown[] = [];
    let heldFrom = Infinity;
    const checkpointer = new Checkpointer((state) => released.push((state.stream?.stream_state as { n: number } | undefined)?.n), () => heldFrom);
    const a = checkpointer.addRecord('s');
    checkpointer.addState({ type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: { n: 1 } } });
    const b = checkpointer.addRecord('s');
    checkpointer.addState({ type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: { n: 2 } } });
    checkpointer.settle(a, false);
    expect(released).toEqual([1]);
    heldFrom = b.seq; // b was refused, and its object is still open
    checkpointer.settle(b, true);
    expect(released).toEqual([1]);
    heldFrom = Infinity; // the object is complete in S3
    checkpointer.recheck();
    expect(released).toEqual([1, 2]);
  });
});
