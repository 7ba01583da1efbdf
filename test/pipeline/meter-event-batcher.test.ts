// Tests for the meter event batcher against the local emulator: batch sizes, linger, renewal, dedupe, rejections.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { toMeterEvent, type MeterEvent } from '../../src/mapping/meter-event.js';
import { createMeterEventBatcher, METER_STREAM_PATH } from '../../src/pipeline/meter-event-batcher.js';
import type { RecordOutcome } from '../../src/pipeline/sink.js';
import { ConnectorError, transientError } from '../../src/protocol/errors.js';
import { createStripeClient, type StripeClient } from '../../src/stripe/client.js';
import { createMeterSession, METER_SESSION_PATH, type MeterSession } from '../../src/stripe/meter-session.js';
import type { StripeOutcome, StripeRequest } from '../../src/core/stripe-request.js';

let emu: Emulator;
let client: StripeClient;

beforeAll(async () => {
  emu = await startEmulator({ rateLimit: null, meterSessionTtlSeconds: 2 });
  client = createStripeClient({ apiKey: 'sk_test_emulator', apiBaseUrl: emu.url });
});
afterAll(async () => {
  client.close();
  await emu.stop();
});
beforeEach(() => emu.reset());

/** The client's send, recording how many events each stream request carried and the peak in flight. */
function recordingSend() {
  const sizes: number[] = [];
  let inFlight = 0;
  let peak = 0;
  const send = async (request: StripeRequest): Promise<StripeOutcome> => {
    if (request.path === METER_STREAM_PATH) sizes.push((request.body as { events: unknown[] }).events.length);
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    try {
      return await client.send(request);
    } finally {
      inFlight -= 1;
    }
  };
  return { send, sizes, peak: () => peak };
}

function records(count: number, from = 0): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({ event_name: 'api_calls', stripe_customer_id: `cus_${(from + i) % 7}`, value: 1, seq: from + i }));
}

function events(data: Record<string, unknown>[]): MeterEvent[] {
  return data.map((d) => {
    const result = toMeterEvent(d, { stream: 'usage' });
    if (!result.ok) throw new Error(result.rejection.reason);
    return result.event;
  });
}

const streamLog = () => emu.requestLog().filter((r) => r.path === METER_STREAM_PATH);
const sessionCount = () => emu.requestLog().filter((r) => r.path === METER_SESSION_PATH).length;

async function submitAll(batcher: ReturnType<typeof createMeterEventBatcher>, list: MeterEvent[]): Promise<RecordOutcome[]> {
  const outcomes = Promise.all(list.map((e) => batcher.submit(e)));
  await batcher.close();
  return outcomes;
}

describe('createMeterEventBatcher', () => {
  it('sends 250 events as 100 + 100 + 50 and every event lands', async () => {
    const { send, sizes } = recordingSend();
    const batcher = createMeterEventBatcher({ send, session: createMeterSession({ send }) });
    const outcomes = await submitAll(batcher, events(records(250)));
    expect(outcomes.every((o) => o.kind === 'written')).toBe(true);
    expect(sizes).toEqual([100, 100, 50]);
    const log = streamLog();
    expect(log).toHaveLength(3);
    expect(log.every((r) => r.status === 200 && r.idempotencyKey?.startsWith('dst-stripe-mev-'))).toBe(true);
    expect(emu.meterEventCount()).toBe(250);
  });

  it('sends a partial batch after the linger time, without close', async () => {
    const { send, sizes } = recordingSend();
    const batcher = createMeterEventBatcher({ send, session: createMeterSession({ send }), lingerMs: 20 });
    const outcomes = await Promise.all(events(records(5)).map((e) => batcher.submit(e)));
    expect(outcomes.map((o) => o.kind)).toEqual(Array(5).fill('written'));
    expect(sizes).toEqual([5]);
    await batcher.close();
  });

  it('caps the batch size at 100: a batch of 101 is never sent', async () => {
    const { send, sizes } = recordingSend();
    const batcher = createMeterEventBatcher({ send, session: createMeterSession({ send }), batchSize: 101 });
    await submitAll(batcher, events(records(101)));
    expect(sizes).toEqual([100, 1]);
    expect(streamLog().every((r) => r.status === 200)).toBe(true);
    expect(emu.meterEventCount()).toBe(101);
  });

  it('keeps several batches in flight, up to the concurrency', async () => {
    const { send, peak } = recordingSend();
    const batcher = createMeterEventBatcher({ send, session: createMeterSession({ send }), batchSize: 10, concurrency: 4 });
    await submitAll(batcher, events(records(200)));
    expect(peak()).toBeGreaterThan(1);
    expect(peak()).toBeLessThanOrEqual(4);
    expect(emu.meterEventCount()).toBe(200);
  });

  it('keeps sending across session expiry (2 s sessions, events spread over 3 s)', async () => {
    const { send } = recordingSend();
    const batcher = createMeterEventBatcher({ send, session: createMeterSession({ send }), lingerMs: 10 });
    const pending: Promise<RecordOutcome>[] = [];
    for (let wave = 0; wave < 7; wave += 1) {
      pending.push(...events(records(20, wave * 20)).map((e) => batcher.submit(e)));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await batcher.close();
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((o) => o.kind === 'written')).toBe(true);
    expect(emu.meterEventCount()).toBe(140);
    expect(sessionCount()).toBeGreaterThan(1);
  });

  it('renews and resends once when the stream calls the session expired', async () => {
    const { send } = recordingSend();
    const real = createMeterSession({ send });
    const invalidated: (string | undefined)[] = [];
    let stale = true;
    const session: MeterSession = {
      token: () => (stale ? Promise.resolve('mes_auth_expired') : real.token()),
      invalidate: (token) => {
        invalidated.push(token);
        stale = false;
        real.invalidate(token);
      },
    };
    const batcher = createMeterEventBatcher({ send, session });
    const outcomes = await submitAll(batcher, events(records(30)));
    expect(outcomes.every((o) => o.kind === 'written')).toBe(true);
    expect(invalidated).toEqual(['mes_auth_expired']);
    expect(streamLog().map((r) => r.status)).toEqual([401, 200]);
    expect(emu.meterEventCount()).toBe(30);
  });

  it('ends with a config error when a freshly opened token is refused too', async () => {
    const { send } = recordingSend();
    const session: MeterSession = { token: async () => 'mes_auth_never_valid', invalidate: () => undefined };
    const batcher = createMeterEventBatcher({ send, session });
    const settled = await Promise.allSettled(events(records(3)).map((e) => batcher.submit(e)).concat([batcher.close() as never]));
    const errors = settled.slice(0, 3).map((s) => (s.status === 'rejected' ? (s.reason as ConnectorError) : undefined));
    expect(errors.every((e) => e instanceof ConnectorError && e.failureType === 'config_error')).toBe(true);
    expect(streamLog().map((r) => r.status)).toEqual([401, 401]);
  });

  it('hands each event its outcome through submitWith once and never before the call returns, errors included', async () => {
    const { send } = recordingSend();
    const session = createMeterSession({ send: (r) => client.send(r) });
    const batcher = createMeterEventBatcher({ send, session, batchSize: 2 });
    const calls: Array<{ outcome: RecordOutcome | undefined; error: unknown }> = [];
    for (const event of events(records(3))) batcher.submitWith(event, (outcome, error) => calls.push({ outcome, error }));
    expect(calls).toEqual([]);
    await batcher.close();
    expect(calls.map((c) => c.outcome?.kind)).toEqual(['written', 'written', 'written']);
    expect(emu.meterEventCount()).toBe(3);

    const refusing = createMeterEventBatcher({ send, session: { token: async () => 'mes_auth_never_valid', invalidate: () => undefined } });
    const failures: unknown[] = [];
    for (const event of events(records(2, 10))) refusing.submitWith(event, (outcome, error) => failures.push(outcome ?? error));
    await refusing.close();
    expect(failures).toHaveLength(2);
    expect(failures.every((f) => f instanceof ConnectorError && f.failureType === 'config_error')).toBe(true);
    // An event submitted after close is refused too, asynchronously.
    let late: unknown;
    refusing.submitWith(events(records(1, 20))[0]!, (_outcome, error) => (late = error));
    expect(late).toBeUndefined();
    await Promise.resolve();
    expect(late).toBeInstanceOf(ConnectorError);
  });

  it('does not double-count a re-run: the same 100 records twice count 100', async () => {
    const { send } = recordingSend();
    const data = records(100);
    const first = await submitAll(createMeterEventBatcher({ send, session: createMeterSession({ send }) }), events(data));
    const second = await submitAll(createMeterEventBatcher({ send, session: createMeterSession({ send }) }), events(data));
    expect([...first, ...second].every((o) => o.kind === 'written')).toBe(true);
    expect(second[0]).toMatchObject({ replayed: true }); // same batch, same key: Stripe replays
    // Split differently, the keys differ: Stripe's identifier dedupe drops the repeats.
    const third = await submitAll(createMeterEventBatcher({ send, session: createMeterSession({ send }), batchSize: 30 }), events(data));
    expect(third.every((o) => o.kind === 'written' && !o.replayed)).toBe(true);
    expect(emu.meterEventCount()).toBe(100);
    expect(emu.meterEvents().duplicatesIgnored).toBe(100);
  });

  it('resends under a content key when a changed record reuses its own identifier (idempotency_error)', async () => {
    const { send } = recordingSend();
    const own = (value: number) => events(records(20).map((r, i) => ({ ...r, value, identifier: `own-${i}` })));
    await submitAll(createMeterEventBatcher({ send, session: createMeterSession({ send }) }), own(1));
    const rerun = await submitAll(createMeterEventBatcher({ send, session: createMeterSession({ send }) }), own(2));
    expect(rerun.every((o) => o.kind === 'written')).toBe(true);
    const log = streamLog();
    expect(log.map((r) => r.status)).toEqual([200, 400, 200]);
    expect(log[1]!.idempotencyKey).toBe(log[0]!.idempotencyKey);
    expect(log[2]!.idempotencyKey).toMatch(/^dst-stripe-mev-c-/);
    expect(emu.meterEventCount()).toBe(20);
  });

  it('rejects a record without event_name before any request', async () => {
    const { send } = recordingSend();
    const result = toMeterEvent({ stripe_customer_id: 'cus_1', value: 1 }, { stream: 'usage' });
    expect(result).toMatchObject({ ok: false, rejection: { param: 'event_name' } });
    const batcher = createMeterEventBatcher({ send, session: createMeterSession({ send }) });
    await batcher.close();
    expect(emu.requestLog()).toHaveLength(0);
  });

  it('rejects only the event a 400 names and sends the rest', async () => {
    const { send } = recordingSend();
    const list = events(records(10));
    list[4] = { ...list[4]!, identifier: 'x'.repeat(101) };
    const batcher = createMeterEventBatcher({ send, session: createMeterSession({ send }) });
    const outcomes = await submitAll(batcher, list);
    expect(outcomes[4]).toMatchObject({ kind: 'rejected', rejection: { param: 'identifier', status: 400 } });
    expect(outcomes.filter((o) => o.kind === 'written')).toHaveLength(9);
    expect(streamLog().map((r) => r.status)).toEqual([400, 200]);
    expect(emu.meterEventCount()).toBe(9);
  });

  it('rejects every event of a batch refused as a whole', async () => {
    const whole = async (): Promise<StripeOutcome> => ({
      kind: 'rejected', status: 400, attempts: 1, rejection: { code: 'parameter_invalid', reason: 'Stripe refused the request with 400 parameter_invalid (param events)', param: 'events', status: 400 },
    });
    const session: MeterSession = { token: async () => 'tok', invalidate: () => undefined };
    const outcomes = await submitAll(createMeterEventBatcher({ send: whole, session }), events(records(5)));
    expect(outcomes.every((o) => o.kind === 'rejected' && o.rejection.code === 'parameter_invalid' && o.rejection.param === 'events')).toBe(true);
  });

  it('fails the batch and every later submit with a ConnectorError the client throws', async () => {
    const failing = async (): Promise<StripeOutcome> => {
      throw transientError('Stripe request failed after 8 attempts.');
    };
    const session: MeterSession = { token: async () => 'tok', invalidate: () => undefined };
    const batcher = createMeterEventBatcher({ send: failing, session, batchSize: 2 });
    const [a, b] = events(records(3));
    const settled = await Promise.allSettled([batcher.submit(a!), batcher.submit(b!)]);
    expect(settled.every((s) => s.status === 'rejected' && (s.reason as ConnectorError).failureType === 'transient_error')).toBe(true);
    await expect(batcher.submit(a!)).rejects.toBeInstanceOf(ConnectorError);
    await batcher.close();
    await expect(batcher.submit(a!)).rejects.toThrow(/after the batcher was closed/);
  });
});
