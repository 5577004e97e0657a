/** The systems the emulator can run, by name. */
import { ConfigError } from '../errors.js';
import { scalio } from './scalio/index.js';
import type { SystemDefinition } from './system.js';

export const SYSTEMS: readonly SystemDefinition[] = [scalio];

export function systemByName(name: string): SystemDefinition {
  const system = SYSTEMS.find((candidate) => candidate.name === name);
  if (system === undefined) {
    throw new ConfigError(`unknown system "${name}"; known systems: ${SYSTEMS.map((candidate) => candidate.name).join(', ')}`);
  }
  return system;
}
