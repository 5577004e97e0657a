import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/engine/histogram.js';

describe('latency histogram', () => {
  it('is exact below 128 ns and within 1/64 above, for any percentile', () => {
    const histogram = new LatencyHistogram();
    const values: number[] = [];
    let x = 12345;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const value = Math.floor(Math.exp((x / 0x7fffffff) * Math.log(5e9))); // 1 ns .. 5 s, log-uniform
      values.push(value);
      histogram.record(value);
    }
    values.sort((a, b) => a - b);
    for (const percent of [1, 10, 50, 90, 99, 99.9, 100]) {
      const exact = values[Math.max(0, Math.ceil((percent / 100) * values.length) - 1)];
      const estimate = histogram.percentile(percent);
      if (exact < 128) expect(estimate).toBe(exact);
      else expect(Math.abs(estimate - exact) / exact).toBeLessThan(1 / 64);
    }
    expect(histogram.count).toBe(20_000);
    expect(histogram.maxNs).toBe(values[values.length - 1]);
  });

  it('merges by adding, and survives a trip through JSON', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) (i % 2 === 0 ? a : b).record(i * 1000);
    const merged = LatencyHistogram.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    merged.mergeFrom(b);
    expect(merged.count).toBe(1000);
    expect(Math.abs(merged.percentile(50) - 500_000) / 500_000).toBeLessThan(1 / 64);
    expect(merged.meanNs()).toBeCloseTo(500_500, -1);
    expect(new LatencyHistogram().percentile(50)).toBeNaN();
  });
});
