// Tests for keyed ordering, bounded concurrency, key cleanup and abort in the keyed scheduler.
import { describe, expect, it } from 'vitest';
import { createKeyedScheduler, SchedulerAbortedError } from '../../src/pipeline/keyed-scheduler.js';
import { prng } from '../../integration_tests/emulator/random.js';

/** Small deterministic PRNG (mulberry32, shared with the emulator's fault draws) so random durations are repeatable. */
const seeded = prng;

/** Yields to the event loop `turns` times: a task duration without wall-clock assertions. */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createKeyedScheduler', () => {
  it('runs same-key tasks strictly in submission order under high concurrency', async () => {
    const random = seeded(42);
    const scheduler = createKeyedScheduler({ concurrency: () => 32, maxConcurrency: 64 });
    const keys = ['cus_a', 'cus_b', 'cus_c', 'cus_d', 'cus_e'];
    const started = new Map<string, number[]>();
    const running = new Set<string>();
    let overlapSameKey = false;
    const runs: Array<Promise<number>> = [];
    for (let i = 0; i < 500; i += 1) {
      const key = keys[Math.floor(random() * keys.length)]!;
      const duration = Math.floor(random() * 4);
      runs.push(
        scheduler.run(key, async () => {
          if (running.has(key)) overlapSameKey = true;
          running.add(key);
          started.set(key, [...(started.get(key) ?? []), i]);
          await turns(duration);
          running.delete(key);
          return i;
        }),
      );
    }
    expect(await Promise.all(runs)).toEqual(runs.map((_, i) => i));
    expect(overlapSameKey).toBe(false);
    for (const order of started.values()) expect(order).toEqual([...order].sort((a, b) => a - b));
    await scheduler.idle();
    expect(scheduler.keyCount).toBe(0);
  });

  it('keeps order within a key when earlier tasks fail', async () => {
    const scheduler = createKeyedScheduler({ concurrency: () => 8, maxConcurrency: 8 });
    const seen: string[] = [];
    const first = scheduler.run('k', async () => {
      await turns(3);
      seen.push('first');
      throw new Error('declined');
    });
    const second = scheduler.run('k', async () => {
      seen.push('second');
      return 'ok';
    });
    await expect(first).rejects.toThrow('declined');
    await expect(second).resolves.toBe('ok');
    expect(seen).toEqual(['first', 'second']);
  });

  it('overlaps different and undefined keys up to the limit, never beyond', async () => {
    const random = seeded(7);
    const scheduler = createKeyedScheduler({ concurrency: () => 6, maxConcurrency: 100 });
    let active = 0;
    let maxActive = 0;
    const runs = Array.from({ length: 200 }, (_, i) =>
      scheduler.run(i % 3 === 0 ? undefined : `key-${i}`, async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        await turns(1 + Math.floor(random() * 3));
        active -= 1;
      }),
    );
    await Promise.all(runs);
    expect(maxActive).toBeGreaterThan(1);
    expect(maxActive).toBeLessThanOrEqual(6);
  });

  it('reads the concurrency limit each time and clamps it to maxConcurrency', async () => {
    let limit = 2;
    const scheduler = createKeyedScheduler({ concurrency: () => limit, maxConcurrency: 5 });
    let active = 0;
    const peaks: number[] = [];
    const task = async () => {
      active += 1;
      peaks.push(active);
      await turns(2);
      active -= 1;
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => scheduler.run(`a${i}`, task)));
    expect(Math.max(...peaks)).toBe(2);
    peaks.length = 0;
    limit = 50;
    await Promise.all(Array.from({ length: 20 }, (_, i) => scheduler.run(`b${i}`, task)));
    expect(Math.max(...peaks)).toBe(5);
  });

  it('forgets keys once they settle: 100k distinct keys leave the map empty', async () => {
    const scheduler = createKeyedScheduler({ concurrency: () => 64, maxConcurrency: 64 });
    const runs: Array<Promise<number>> = [];
    for (let i = 0; i < 100_000; i += 1) runs.push(scheduler.run(`obj_${i}`, async () => i));
    expect(scheduler.keyCount).toBe(100_000);
    await Promise.all(runs);
    await scheduler.idle();
    expect(scheduler.keyCount).toBe(0);
    expect(scheduler.size).toBe(0);
    expect(scheduler.pending).toBe(0);
  }, 30_000);

  it('reports size (not started) and pending (running)', async () => {
    const scheduler = createKeyedScheduler({ concurrency: () => 1, maxConcurrency: 1 });
    const gate = deferred();
    const first = scheduler.run('a', () => gate.promise);
    const second = scheduler.run('b', async () => undefined);
    const third = scheduler.run('a', async () => undefined);
    await turns(1);
    expect(scheduler.pending).toBe(1);
    expect(scheduler.size).toBe(2);
    gate.resolve();
    await Promise.all([first, second, third]);
    expect(scheduler.pending).toBe(0);
    expect(scheduler.size).toBe(0);
  });

  it('idle waits for chained same-key tasks, not just the running one', async () => {
    const scheduler = createKeyedScheduler({ concurrency: () => 4, maxConcurrency: 4 });
    const done: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      void scheduler.run('same', async () => {
        await turns(1);
        done.push(i);
      });
    }
    await scheduler.idle();
    expect(done).toEqual([0, 1, 2, 3, 4]);
  });

  it('pause stops new starts; resume continues', async () => {
    const scheduler = createKeyedScheduler({ concurrency: () => 2, maxConcurrency: 2 });
    scheduler.pause();
    let ran = false;
    const run = scheduler.run('a', async () => {
      ran = true;
    });
    await turns(3);
    expect(ran).toBe(false);
    expect(scheduler.size).toBe(1);
    scheduler.resume();
    await run;
    expect(ran).toBe(true);
  });

  it('abort lets running tasks finish, rejects queued ones and refuses new ones', async () => {
    const scheduler = createKeyedScheduler({ concurrency: () => 1, maxConcurrency: 1 });
    const gate = deferred<string>();
    const running = scheduler.run('a', () => gate.promise);
    const queuedOther = scheduler.run('b', async () => 'never');
    const queuedSameKey = scheduler.run('a', async () => 'never');
    let startedAfterAbort = false;
    queuedOther.catch(() => undefined);
    queuedSameKey.catch(() => undefined);
    await turns(1);
    scheduler.abort();
    expect(scheduler.aborted).toBe(true);
    await expect(queuedOther).rejects.toBeInstanceOf(SchedulerAbortedError);
    await expect(queuedSameKey).rejects.toMatchObject({ name: 'AbortError', code: 'scheduler_aborted' });
    await expect(
      scheduler.run('c', async () => {
        startedAfterAbort = true;
      }),
    ).rejects.toBeInstanceOf(SchedulerAbortedError);
    const idle = scheduler.idle();
    expect(scheduler.pending).toBe(1);
    gate.resolve('finished');
    await expect(running).resolves.toBe('finished');
    await idle;
    expect(startedAfterAbort).toBe(false);
    expect(scheduler.keyCount).toBe(0);
  });

  it('abort while paused settles everything queued', async () => {
    const scheduler = createKeyedScheduler({ concurrency: () => 2, maxConcurrency: 2 });
    scheduler.pause();
    const runs = Array.from({ length: 5 }, (_, i) => scheduler.run(`k${i % 2}`, async () => i));
    scheduler.abort();
    const results = await Promise.allSettled(runs);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    await scheduler.idle();
  });
});
