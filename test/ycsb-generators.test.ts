/**
 * YCSB's generators in WebAssembly against Java YCSB's formulas (src/ycsb/reference.ts and
 * ../shared/design/toolchain.md): ζ, the zipfian and scrambled zipfian generators, key names,
 * and every key chooser of CoreWorkload, the insert sequence with its acknowledgements, the
 * operation mix and record sizes.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { OPERATION_INSERT, OPERATION_READ, OPERATION_READ_MODIFY_WRITE, OPERATION_UPDATE } from '../src/layout/operations.js';
import {
  SCRAMBLED_ZETAN, ZipfianReference, keyName, scrambleRank, scrambledRanks, zeta, zetaEulerMaclaurin, zetaSummed,
} from '../src/ycsb/reference.js';
import {
  WORKLOADS, type Workload, configureRecordKernels, configureWorkloadKernels, defineWorkload, planWorkload, recordSettings,
} from '../src/ycsb/workloads.js';
import { YCSB_ACK_WINDOW } from '../src/layout/ycsb.js';
import { scratch } from './helpers.js';

describe('ζ and the zipfian generator (Gray et al., as Java YCSB computes them)', () => {
  it('sums ζ(1000, 0.99) to the value Java YCSB gives', () => {
    expect(zeta(1000, 0.99)).toBeCloseTo(7.728953217284729, 12);
  });

  it('computes ζ beyond 10^7 items in closed form: Java\'s summed ζ(10^10 + 1, 0.99) to 1e-11', () => {
    expect(Math.abs(zetaEulerMaclaurin(10_000_000_001, 0.99) - SCRAMBLED_ZETAN) / SCRAMBLED_ZETAN).toBeLessThan(1e-11);
    // And the closed form agrees with summing, for any θ, where both can be computed.
    for (const theta of [0.5, 0.8, 0.99]) {
      const summed = zetaSummed(2_000_000, theta);
      expect(Math.abs(zetaEulerMaclaurin(2_000_000, theta) - summed) / summed).toBeLessThan(1e-12);
    }
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

describe('key names (Java CoreWorkload.buildKeyName)', () => {
  const nameOf = (record: number, zeroPadding: number, ordered: boolean): string => {
    const { kernels, base, bytes } = scratch();
    kernels.configureRecords(ordered ? 1 : 0, zeroPadding, 1, 64, 64, 0);
    const length = kernels.ycsbKeyName(record, base);
    return Buffer.from(bytes.slice(base, base + length)).toString('latin1');
  };

  it('hashes key numbers with fnvhash64 by default: record 0 is user6284781860667377211', () => {
    expect(nameOf(0, 1, false)).toBe('user6284781860667377211');
    for (const record of [1, 42, 999_999, 123_456_789]) expect(nameOf(record, 1, false)).toBe(keyName(record));
  });

  it('names ordered keys by their number, zero padded as asked', () => {
    expect(nameOf(5, 1, true)).toBe('user5');
    expect(nameOf(5, 8, true)).toBe('user00000005');
    expect(nameOf(123_456_789_012, 20, true)).toBe(keyName(123_456_789_012, 20, true));
    expect(nameOf(7, 20, false)).toBe(keyName(7, 20, false));
  });
});

/** Kernels set up for a workload over `records` records, as a run sets up each thread. */
function workloadKernels(workload: Workload, records = 1000, operations = 0) {
  const memory = scratch();
  const { kernels, base } = memory;
  const config = resolveConfig({ records, ...recordSettings(workload), ...(workload.insertCount !== undefined ? { loadCount: workload.insertCount } : {}) });
  configureRecordKernels(kernels, config);
  const shared = base + 8192;
  kernels.initializeSharedState(shared, records);
  configureWorkloadKernels(kernels, planWorkload(workload, config, operations), shared);
  kernels.randomSeed(base, 3, 0);
  return {
    kernels,
    config,
    shared,
    /** Draws an operation: its kind and key number. */
    draw(): { kind: number; record: number } {
      const kind = kernels.ycsbNextOperation(base, base + 64, base + 128);
      return { kind, record: kernels.ycsbLastRecord() };
    },
    /** Draws `count` operations; counts per key number. */
    counts(count: number): Map<number, number> {
      const counts = new Map<number, number>();
      for (let i = 0; i < count; i++) {
        const { record } = this.draw();
        counts.set(record, (counts.get(record) ?? 0) + 1);
      }
      return counts;
    },
  };
}

const readOnly = (requestDistribution: Workload['requestDistribution'], more: Partial<Workload> = {}) =>
  defineWorkload({ name: requestDistribution, description: '', readProportion: 1, updateProportion: 0, requestDistribution, fieldCount: 1, fieldLength: 64, ...more });

describe('key choosers', () => {
  for (const rankSpace of ['java', 'records'] as const) {
    it(`scrambled zipfian, ${rankSpace} rank space: only loaded records, skewed toward a few`, () => {
      const generator = workloadKernels({ ...WORKLOADS.C, rankSpace });
      const counts = generator.counts(50_000);
      expect([...counts.keys()].every((record) => Number.isInteger(record) && record >= 0 && record < 1000)).toBe(true);
      // The hottest record gets far more than a uniform share (50 draws of 50,000).
      expect(Math.max(...counts.values())).toBeGreaterThan(1000);
    });
  }

  it('scrambled zipfian puts the hottest key where scrambling says: fnvhash64(rank 0) mod n', () => {
    const counts = workloadKernels(WORKLOADS.C).counts(100_000);
    const hottest = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    expect(hottest).toBe(scrambleRank(0, 0, 1000));
  });

  it('scrambled zipfian with another θ: a flatter skew, ζ computed for it', () => {
    const steep = Math.max(...workloadKernels(readOnly('zipfian', { rankSpace: 'records' })).counts(100_000).values());
    const flat = Math.max(...workloadKernels(readOnly('zipfian', { rankSpace: 'records', zipfianConstant: 0.5 })).counts(100_000).values());
    // P(top) = 1/ζ(1000, θ): 0.129 at θ = 0.99, 0.0163 at θ = 0.5.
    expect(steep / 100_000).toBeCloseTo(1 / zeta(1000, 0.99), 2);
    expect(flat / 100_000).toBeCloseTo(1 / zeta(1000, 0.5), 2);
  });

  it('uniform: every loaded key about equally often, from insertstart', () => {
    const counts = workloadKernels(readOnly('uniform', { insertStart: 200, insertCount: 500 })).counts(100_000);
    expect(Math.min(...counts.keys())).toBe(200);
    expect(Math.max(...counts.keys())).toBe(699);
    expect(counts.size).toBe(500);
    // 200 expected per key; ±4.5 standard deviations.
    expect(Math.min(...counts.values())).toBeGreaterThan(200 - 64);
    expect(Math.max(...counts.values())).toBeLessThan(200 + 64);
  });

  it('hotspot: hotspotopnfraction of the operations go to the first hotspotdatafraction of the keys', () => {
    const counts = workloadKernels(readOnly('hotspot', { hotspotDataFraction: 0.1, hotspotOperationFraction: 0.9 })).counts(100_000);
    let hot = 0;
    for (const [record, count] of counts) if (record < 100) hot += count;
    expect(hot / 100_000).toBeCloseTo(0.9, 2);
    expect(Math.max(...counts.keys())).toBe(999);
  });

  it('exponential: exponential.percentile % of the operations go to the newest exponential.frac of the keys', () => {
    const counts = workloadKernels(readOnly('exponential', { exponentialPercentile: 90, exponentialFraction: 0.2 })).counts(100_000);
    let newest = 0;
    for (const [record, count] of counts) if (record > 999 - 200) newest += count;
    expect(newest / 100_000).toBeCloseTo(0.9, 2);
    expect(Math.max(...counts.keys())).toBe(999);
  });

  it('latest: the newest key is the most popular, with the zipfian top probability', () => {
    const counts = workloadKernels(readOnly('latest')).counts(100_000);
    // SkewedLatestGenerator: key = last - zipfian(last); rank 0 is the last acknowledged key.
    expect((counts.get(999) ?? 0) / 100_000).toBeCloseTo(1 / zeta(999, 0.99), 2);
    expect(Math.max(...counts.keys())).toBe(999);
  });

  it('sequential: one counter for all clients, cycling over the loaded keys', () => {
    const generator = workloadKernels(readOnly('sequential', { insertStart: 10, insertCount: 5 }), 100);
    expect(Array.from({ length: 12 }, () => generator.draw().record)).toEqual([10, 11, 12, 13, 14, 10, 11, 12, 13, 14, 10, 11]);
  });
});

describe('inserts and their acknowledgements (Java AcknowledgedCounterGenerator)', () => {
  const insertOnly = defineWorkload({ name: 'inserts', description: '', readProportion: 0, updateProportion: 0, insertProportion: 1, fieldCount: 1, fieldLength: 64 });

  it('takes key numbers from recordcount up, one each', () => {
    const generator = workloadKernels(insertOnly, 1000);
    const drawn = Array.from({ length: 5 }, () => generator.draw());
    expect(drawn.map((operation) => operation.kind)).toEqual(Array(5).fill(OPERATION_INSERT));
    expect(drawn.map((operation) => operation.record)).toEqual([1000, 1001, 1002, 1003, 1004]);
  });

  it('lets choosers draw a new key only once it and every key before it are acknowledged', () => {
    const generator = workloadKernels(insertOnly, 1000);
    for (let i = 0; i < 3; i++) generator.draw(); // 1000, 1001, 1002 under way
    const { kernels } = generator;
    expect(kernels.ycsbLastAcknowledged()).toBe(999);
    kernels.ycsbAcknowledgeInsert(1001);
    expect(kernels.ycsbLastAcknowledged()).toBe(999); // 1000 is still under way
    kernels.ycsbAcknowledgeInsert(1000);
    expect(kernels.ycsbLastAcknowledged()).toBe(1001);
    kernels.ycsbAcknowledgeInsert(1002);
    expect(kernels.ycsbLastAcknowledged()).toBe(1002);
    // A chooser now reaches the acknowledged keys, and no further.
    configureWorkloadKernels(kernels, planWorkload(readOnly('latest'), generator.config, 0), generator.shared);
    const counts = generator.counts(20_000);
    expect(Math.max(...counts.keys())).toBe(1002);
  });

  it('reports an acknowledgement beyond its window instead of passing a key still being written', () => {
    const generator = workloadKernels(insertOnly, 1000);
    const { kernels } = generator;
    // Key 1000 is under way; a key more than a window (2^20) above the limit cannot be tracked.
    expect(kernels.ycsbAcknowledgeInsert(1000 + YCSB_ACK_WINDOW)).toBe(-1);
    expect(kernels.ycsbAcknowledgeInsert(999 + YCSB_ACK_WINDOW)).toBe(0);
    expect(kernels.ycsbLastAcknowledged()).toBe(999);
  });
});

describe('the operation mix and the records', () => {
  it('draws reads and updates in workload A\'s proportions', () => {
    const generator = workloadKernels(WORKLOADS.A);
    let updates = 0;
    for (let i = 0; i < 20_000; i++) if (generator.draw().kind === OPERATION_UPDATE) updates++;
    expect(updates / 20_000).toBeCloseTo(0.5, 1);
  });

  it('draws D\'s inserts and F\'s read-modify-writes', () => {
    const d = workloadKernels(WORKLOADS.D);
    const f = workloadKernels(WORKLOADS.F);
    const kinds = (generator: ReturnType<typeof workloadKernels>) => {
      const counts = [0, 0, 0, 0, 0];
      for (let i = 0; i < 20_000; i++) counts[generator.draw().kind]++;
      return counts.map((count) => count / 20_000);
    };
    const dKinds = kinds(d);
    expect(dKinds[OPERATION_INSERT]).toBeCloseTo(0.05, 1);
    expect(dKinds[OPERATION_READ]).toBeCloseTo(0.95, 1);
    const fKinds = kinds(f);
    expect(fKinds[OPERATION_READ_MODIFY_WRITE]).toBeCloseTo(0.5, 1);
    expect(fKinds[OPERATION_READ] + fKinds[OPERATION_READ_MODIFY_WRITE]).toBe(1);
  });

  it('writes records of fieldcount × fieldlength bytes, or of uniform field lengths', () => {
    const stock = workloadKernels(defineWorkload({ name: 'stock', description: '', readProportion: 0, updateProportion: 1 }));
    stock.draw();
    expect(stock.kernels.ycsbLastValueLength()).toBe(1000);
    const uniform = workloadKernels(defineWorkload({
      name: 'uniform', description: '', readProportion: 0, updateProportion: 1, fieldCount: 4, fieldLength: 100, minFieldLength: 10, fieldLengthDistribution: 'uniform',
    }));
    let total = 0;
    let shortest = Infinity;
    let longest = 0;
    for (let i = 0; i < 10_000; i++) {
      uniform.draw();
      const length = uniform.kernels.ycsbLastValueLength();
      total += length;
      shortest = Math.min(shortest, length);
      longest = Math.max(longest, length);
    }
    expect(shortest).toBeGreaterThanOrEqual(40);
    expect(longest).toBeLessThanOrEqual(400);
    expect(total / 10_000).toBeCloseTo(220, -1); // 4 × (10 + 100) / 2
  });
});
