/** The systems the emulator can run, by name. */
import { ConfigError } from '../errors.js';
import { leedDitto } from './ditto.js';
import { leed } from './leed.js';
import { naiveCacheFirst, naiveSsdFirst } from './naive.js';
import { scalioArtifact } from './scalio/artifact.js';
import { scalio, scalioNoLease } from './scalio/index.js';
import { scalioStage1, scalioStage2 } from './scalio/stages.js';
import type { SystemDefinition } from './system.js';

export const SYSTEMS: readonly SystemDefinition[] = [
  scalio, leed, leedDitto, scalioArtifact, scalioStage1, scalioStage2, scalioNoLease, naiveCacheFirst, naiveSsdFirst,
];

export function systemByName(name: string): SystemDefinition {
  const system = SYSTEMS.find((candidate) => candidate.name === name);
  if (system === undefined) {
    throw new ConfigError(`unknown system "${name}"; known systems: ${SYSTEMS.map((candidate) => candidate.name).join(', ')}`);
  }
  return system;
}
