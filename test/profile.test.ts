import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TIMING_PARAMETERS, dpuThreadPools, loadProfile, profilesDirectory } from '../src/hw/profile.js';
import { scalio } from './cli-runner.js';

const directory = mkdtempSync(join(tmpdir(), 'scalio-profile-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const paperJson = () => JSON.parse(readFileSync(join(profilesDirectory(), 'paper.json'), 'utf8')) as { parameters: Record<string, unknown> } & Record<string, unknown>;

function writeProfile(name: string, change: (json: ReturnType<typeof paperJson>) => void): string {
  const json = paperJson();
  change(json);
  const path = join(directory, `${name}.json`);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

describe('hardware profiles', () => {
  it('ship the paper profile with every parameter and a source for each', () => {
    const profile = loadProfile('paper');
    expect(profile.name).toBe('paper');
    for (const parameter of TIMING_PARAMETERS) {
      expect(profile[parameter]).toBeGreaterThanOrEqual(0);
      expect(profile.sources[parameter].length).toBeGreaterThan(10);
    }
    // The fitted parameters say which anchor they were fitted to.
    expect(profile.sources.coreNvmeSubmitNs).toMatch(/calibrated to anchor leed-c-plateau-7-ssds/);
    expect(profile.sources.dpuMemoryPathMessageNs).toMatch(/calibrated to anchor scalio-over-leed-c-7-ssds/);
  });

  it('load from a file path as well as by name', () => {
    const path = writeProfile('copy', (json) => { json.name = 'copy'; });
    expect(loadProfile(path).name).toBe('copy');
  });

  it.each([
    ['missing', (json: ReturnType<typeof paperJson>) => { delete json.parameters.ssdReadNs; }, /parameter "ssdReadNs" is missing/],
    ['negative', (json: ReturnType<typeof paperJson>) => { json.parameters.coreRpcReplyNs = { value: -1, source: 'x' }; }, /parameter "coreRpcReplyNs" is negative/],
    ['unknown-parameter', (json: ReturnType<typeof paperJson>) => { json.parameters.warpDrive = { value: 1, source: 'x' }; }, /unknown parameter "warpDrive"/],
    ['unknown-field', (json: ReturnType<typeof paperJson>) => { json.colour = 'blue'; }, /unknown field "colour"/],
    ['no-source', (json: ReturnType<typeof paperJson>) => { json.parameters.ssdReadNs = { value: 1 }; }, /parameter "ssdReadNs" needs a "source"/],
    ['share', (json: ReturnType<typeof paperJson>) => { json.parameters.rdmaThreadShare = { value: 2, source: 'x' }; }, /"rdmaThreadShare" is a share of the DPU cores, at most 1/],
  ])('refuse a %s field, naming it and the file', (name, change, message) => {
    const path = writeProfile(name, change);
    expect(() => loadProfile(path)).toThrow(message);
    expect(() => loadProfile(path)).toThrow(path);
  });

  it('refuse an unknown name and a file that is not JSON', () => {
    expect(() => loadProfile('nonesuch')).toThrow(/neither a shipped profile \(paper\) nor a file/);
    const path = join(directory, 'broken.json');
    writeFileSync(path, '{ "name": ');
    expect(() => loadProfile(path)).toThrow(/broken\.json: not valid JSON/);
  });

  it('map the artifact\'s 8-core server to 3 RDMA threads and 4 SSD workers', () => {
    const profile = loadProfile('paper');
    expect(dpuThreadPools(profile, 8)).toEqual({ rdma: [0, 1, 2], ssd: [3, 4, 5, 6] });
    expect(dpuThreadPools(profile, 16)).toEqual({ rdma: [0, 1, 2, 3, 4, 5], ssd: [6, 7, 8, 9, 10, 11, 12, 13] });
    // One core: both kinds of work share it.
    expect(dpuThreadPools(profile, 1)).toEqual({ rdma: [0], ssd: [0] });
  });

  it('are refused on the command line with exit code 2 and the field', async () => {
    const path = writeProfile('cli-negative', (json) => { json.parameters.ssdParallelUnits = { value: 0, source: 'x' }; });
    const result = await scalio('run', '--profile', path, '--records', '1000', '--ops', '100');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/parameter "ssdParallelUnits" must be above 0/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('the flags the figures need', () => {

  it('set associativity, θ, operations in flight, client cores and the NVMe-oF target', async () => {
    const json = join(directory, 'run.json');
    const result = await scalio('run', '--records', '2000', '--ops', '2000', '--warmup', '0', '--slots-per-bucket', '16', '--theta', '0',
      '--in-flight', '24', '--client-cores', '3', '--nvmeof-target', 'standard', '--dpu-cores', '4', '--json', json);
    expect(result.code).toBe(0);
    const written = JSON.parse(readFileSync(json, 'utf8')) as { config: Record<string, number>; workloadSpec: { requestDistribution: string }; ssdReadIopsByDevice: number[]; dpuCoreUtilisationNvmeTarget: number };
    expect(written.config).toMatchObject({ slotsPerBucket: 16, clients: 24, clientCores: 3, nvmeTargetOffload: 0, dpuCores: 4 });
    expect(written.workloadSpec.requestDistribution).toBe('uniform');
    expect(written.ssdReadIopsByDevice).toHaveLength(4);
    expect(written.dpuCoreUtilisationNvmeTarget).toBeGreaterThan(0);
    expect(result.stdout).toMatch(/read IOPS/);
  });

  it.each([
    [['--theta', '1'], /--theta must be 0 \(uniform keys\) or a zipfian constant above 0, at most 2 and not 1/],
    [['--clients', '8', '--in-flight', '16'], /--clients 8 and --in-flight 16 disagree/],
    [['--nvmeof-target', 'magic'], /--nvmeof-target must be one of offload, standard/],
    [['--slots-per-bucket', '0'], /--slots-per-bucket must be a positive integer/],
  ])('refuse %j with exit code 2', async (flags, message) => {
    const result = await scalio('run', '--records', '1000', '--ops', '100', ...flags);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('accept θ = 1.01 as Java YCSB does (Fig. 15)', async () => {
    const result = await scalio('run', '--records', '2000', '--ops', '2000', '--warmup', '0', '--theta', '1.01');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/zipfian θ=1\.01/);
  });
});
