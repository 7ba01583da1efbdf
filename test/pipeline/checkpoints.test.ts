import { describe, expect, it } from 'vitest';
import type { AirbyteStateMessage } from '../../src/generated/protocol.js';
import { Checkpointer } from '../../src/pipeline/checkpoints.js';

const streamState = (name: string, cursor: number, extra: Record<string, unknown> = {}): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: { cursor } },
  ...extra,
});
const globalState = (n: number): AirbyteStateMessage => ({ type: 'GLOBAL', global: { shared_state: { n }, stream_states: [] } });

describe('Checkpointer', () => {
  it('releases a state only after every earlier record settled, in order', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    const a = cp.addRecord('users');
    const b = cp.addRecord('users');
    cp.addState(streamState('users', 1));
    const c = cp.addRecord('users');
    cp.addState(streamState('users', 2));
    cp.settle(b, false);
    expect(out).toHaveLength(0);
    cp.settle(c, false);
    expect(out).toHaveLength(0); // still waiting for a
    cp.settle(a, false);
    expect(out.map((s) => s.stream?.stream_state)).toEqual([{ cursor: 1 }, { cursor: 2 }]);
    expect(out.map((s) => s.destinationStats)).toEqual([
      { recordCount: 2, rejectedRecordCount: 0 },
      { recordCount: 1, rejectedRecordCount: 0 },
    ]);
  });

  it('a state waits for a slow earlier record of another stream', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    const slow = cp.addRecord('orders');
    const fast = cp.addRecord('users');
    cp.addState(streamState('users', 1));
    cp.settle(fast, false);
    expect(out).toHaveLength(0);
    cp.settle(slow, false);
    expect(out).toHaveLength(1);
    expect(out[0]!.destinationStats).toEqual({ recordCount: 1, rejectedRecordCount: 0 });
  });

  it('a state with no records before it is released at once', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    cp.addState(streamState('users', 0));
    expect(out).toEqual([{ ...streamState('users', 0), destinationStats: { recordCount: 0, rejectedRecordCount: 0 } }]);
  });

  it('counts per stream for STREAM states and across streams for GLOBAL states', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    const t = [cp.addRecord('a'), cp.addRecord('b'), cp.addRecord('a')];
    cp.addState(streamState('a', 1));
    cp.addState(globalState(1));
    const u = cp.addRecord('b');
    cp.addState(globalState(2));
    t.forEach((x, i) => cp.settle(x, i === 1));
    cp.settle(u, true);
    expect(out.map((s) => s.destinationStats)).toEqual([
      { recordCount: 2, rejectedRecordCount: 0 },
      { recordCount: 3, rejectedRecordCount: 1 },
      { recordCount: 1, rejectedRecordCount: 1 },
    ]);
  });

  it('echoes every field of the state unchanged, adding destinationStats', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    const state = streamState('users', 7, { id: 42, sourceStats: { recordCount: 1 }, unknown_field: { deep: [1, 2] } });
    const r = cp.addRecord('users');
    cp.addState(state);
    cp.settle(r, false);
    expect(out[0]).toEqual({ ...state, destinationStats: { recordCount: 1, rejectedRecordCount: 0 } });
  });

  it('settling twice counts once', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    const r = cp.addRecord('users');
    cp.addState(globalState(1));
    cp.settle(r, true);
    cp.settle(r, true);
    expect(out[0]!.destinationStats).toEqual({ recordCount: 1, rejectedRecordCount: 1 });
  });

  it('keeps its bookkeeping small over many records and states', () => {
    let released = 0;
    const cp = new Checkpointer(() => released++);
    for (let i = 0; i < 200_000; i++) {
      const r = cp.addRecord('s');
      if (i % 100 === 0) cp.addState(globalState(i));
      cp.settle(r, false);
    }
    expect(released).toBe(2000);
    expect(cp.unsettled).toBe(0);
    expect(cp.heldStates).toBe(0);
    expect((cp as unknown as { inFlight: unknown[] }).inFlight.length).toBeLessThan(5000);
  });

  it('keeps its list of released states small too', () => {
    const cp = new Checkpointer(() => undefined);
    for (let i = 0; i < 5000; i++) cp.addState(globalState(i));
    expect(cp.releasedStates).toBe(5000);
    expect((cp as unknown as { states: unknown[] }).states.length).toBeLessThan(2500);
  });

  it('counts a record settled twice once', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    const a = cp.addRecord('s');
    cp.settle(a, true);
    cp.settle(a, true);
    cp.addState(streamState('s', 1));
    expect(out.map((s) => s.destinationStats)).toEqual([{ recordCount: 1, rejectedRecordCount: 1 }]);
  });

  it('a stream named "global" is a stream like any other, not the GLOBAL scope', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    cp.settle(cp.addRecord('global'), false);
    cp.settle(cp.addRecord('other'), true);
    cp.addState(streamState('global', 1));
    cp.addState(globalState(1));
    expect(out.map((s) => s.destinationStats)).toEqual([
      { recordCount: 1, rejectedRecordCount: 0 },
      { recordCount: 2, rejectedRecordCount: 1 },
    ]);
  });

  it('streams of the same name in different namespaces have their own counts', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    cp.settle(cp.addRecord('s', 'a'), false);
    cp.settle(cp.addRecord('s', 'a'), false);
    cp.settle(cp.addRecord('s'), false);
    cp.addState({ type: 'STREAM', stream: { stream_descriptor: { name: 's', namespace: 'a' } } });
    cp.addState(streamState('s', 1));
    expect(out.map((s) => s.destinationStats?.recordCount)).toEqual([2, 1]);
  });

  it('no namespace is one scope, whether it is absent or null', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    cp.settle(cp.addRecord('s'), false);
    cp.settle(cp.addRecord('s', null), false);
    cp.addState({ type: 'STREAM', stream: { stream_descriptor: { name: 's', namespace: null } } } as unknown as AirbyteStateMessage);
    expect(out.map((s) => s.destinationStats?.recordCount)).toEqual([2]);
  });

  it('a GLOBAL or LEGACY state counts every stream, even one that carries a stream field', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    cp.settle(cp.addRecord('a'), false);
    cp.settle(cp.addRecord('b'), false);
    cp.addState({ ...globalState(1), stream: { stream_descriptor: { name: 'a' } } });
    cp.settle(cp.addRecord('a'), false);
    cp.addState({ type: 'LEGACY', data: { x: 1 } } as AirbyteStateMessage);
    cp.settle(cp.addRecord('b'), false);
    cp.addState({ type: 'STREAM' } as AirbyteStateMessage);
    expect(out.map((s) => s.destinationStats?.recordCount)).toEqual([2, 1, 1]);
  });

  it('keeps fields of destinationStats it does not set', () => {
    const out: AirbyteStateMessage[] = [];
    const cp = new Checkpointer((s) => out.push(s));
    cp.addState(streamState('s', 1, { destinationStats: { recordCount: 99, note: 'kept' } }));
    expect(out[0]!.destinationStats).toEqual({ recordCount: 0, rejectedRecordCount: 0, note: 'kept' });
  });
});
