// The slot occupancy gauge: whole task durations, failures included, averaged.
import { describe, expect, it } from 'vitest';
import { createOccupancyGauge, OCCUPANCY_EWMA_WEIGHT } from '../../src/pipeline/occupancy.js';

describe('createOccupancyGauge', () => {
  it('averages whole task durations, counting tasks that throw', async () => {
    let clock = 0;
    const gauge = createOccupancyGauge(() => clock);
    expect(gauge.ms()).toBeUndefined();
    await gauge.track(async () => {
      clock += 100;
    });
    expect(gauge.ms()).toBe(100);
    await expect(
      gauge.track(async () => {
        clock += 1100;
        throw new Error('gave up');
      }),
    ).rejects.toThrow('gave up');
    expect(gauge.ms()).toBeCloseTo(100 + OCCUPANCY_EWMA_WEIGHT * 1000);
  });

  it('passes the task result through', async () => {
    const gauge = createOccupancyGauge();
    await expect(gauge.track(async () => 42)).resolves.toBe(42);
  });
});
