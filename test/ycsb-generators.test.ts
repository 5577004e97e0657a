import { describe, expect, it } from 'vitest';
import { scrambleRank, scrambledRanks, zeta, ZipfianReference, SCRAMBLED_ZETAN } from '../src/ycsb/reference.js';
import { configureWorkloadKernels, WORKLOADS } from '../src/ycsb/workloads.js';
import { scratch } from './helpers.js';

describe('zipfian generator (Gray et al., as Java YCSB computes it)', () => {
  it('sums ζ(1000, 0.99) to the value Java YCSB gives', () => {
    expect(zeta(1000, 0.99)).toBeCloseTo(7.728953217284729, 12);
  });

  it('maps uniform draws to ranks exactly as the reference formula, in WebAssembly', () => {
    const { kernels } = scratch();
    const reference = new ZipfianReference(1000, 0, 0.99, zeta(1000, 0.99));
    kernels.configureZipfian(1000, 0, 0.99, zeta(1000, 0.99));
    let differences = 0;
    let largest = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = (i + 0.5) / 100_000;
      const difference = Math.abs(kernels.zipfianFromUniform(u) - reference.fromUniform(u));
      if (difference !== 0) differences++;
      largest = Math.max(largest, difference);
    }
    // pow() of two math libraries may differ in the last bit; a floor can then move by one.
    expect(largest).toBeLessThanOrEqual(1);
    expect(differences).toBeLessThan(10);
  });

  it('gives the top ranks their zipfian probabilities: P(0) = 1/ζn, P(1) = 0.5^θ/ζn', () => {
    const { kernels, base } = scratch();
    const zetan = zeta(1000, 0.99);
    kernels.configureZipfian(1000, 0, 0.99, zetan);
    kernels.randomSeed(base, 1, 0);
    const draws = 400_000;
    const counts = [0, 0, 0];
    for (let i = 0; i < draws; i++) {
      const rank = kernels.zipfianFromUniform(kernels.randomDouble(base));
      if (rank < 3) counts[rank]++;
    }
    const expected0 = 1 / zetan;
    const expected1 = Math.pow(0.5, 0.99) / zetan;
    // Binomial standard deviation at this sample size is ~0.0005.
    expect(Math.abs(counts[0] / draws - expected0)).toBeLessThan(0.003);
    expect(Math.abs(counts[1] / draws - expected1)).toBeLessThan(0.003);
  });

  it('uses YCSB\'s scrambled-zipfian constants: ranks over 10^10 + 1 items with ζ = 26.469…', () => {
    const ranks = scrambledRanks();
    expect(ranks.items).toBe(10_000_000_001);
    expect(ranks.zetan).toBe(SCRAMBLED_ZETAN);
    expect(scrambleRank(0, 0, 1000)).toBe(Number(6284781860667377211n % 1000n));
  });
});

describe('workload key choosers', () => {
  for (const [name, rankSpace] of [['java', 'java'], ['records', 'records']] as const) {
    it(`draws only loaded records in the ${name} rank space, skewed toward a few`, () => {
      const { kernels, base } = scratch();
      const records = 1000;
      configureWorkloadKernels(kernels, { ...WORKLOADS.C, rankSpace }, records);
      kernels.randomSeed(base, 3, 0);
      const counts = new Map<number, number>();
      let outOfRange = 0;
      let notReads = 0;
      for (let i = 0; i < 50_000; i++) {
        if (kernels.ycsbNextOperation(base, base + 64, base + 128, 64) !== 0) notReads++;
        const record = kernels.ycsbLastRecord();
        if (!(Number.isInteger(record) && record >= 0 && record < records)) outOfRange++;
        counts.set(record, (counts.get(record) ?? 0) + 1);
      }
      expect(outOfRange).toBe(0);
      expect(notReads).toBe(0);
      const sorted = [...counts.values()].sort((a, b) => b - a);
      // The hottest record gets far more than a uniform share (50 draws of 50,000).
      expect(sorted[0]).toBeGreaterThan(1000);
    });
  }

  it('puts the hottest keys of the records rank space where scrambling says: fnvhash64(rank) mod n', () => {
    const { kernels, base } = scratch();
    const records = 1000;
    configureWorkloadKernels(kernels, WORKLOADS.C, records);
    kernels.randomSeed(base, 5, 0);
    const counts = new Map<number, number>();
    for (let i = 0; i < 100_000; i++) {
      kernels.ycsbNextOperation(base, base + 64, base + 128, 64);
      const record = kernels.ycsbLastRecord();
      counts.set(record, (counts.get(record) ?? 0) + 1);
    }
    const hottest = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    expect(hottest).toBe(scrambleRank(0, 0, records));
  });

  it('draws reads and updates in the workload\'s proportions', () => {
    const { kernels, base } = scratch();
    configureWorkloadKernels(kernels, WORKLOADS.A, 1000);
    kernels.randomSeed(base, 9, 0);
    let updates = 0;
    for (let i = 0; i < 20_000; i++) updates += kernels.ycsbNextOperation(base, base + 64, base + 128, 64);
    expect(updates / 20_000).toBeGreaterThan(0.48);
    expect(updates / 20_000).toBeLessThan(0.52);
  });
});
