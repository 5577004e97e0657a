/** How a figure's JSON, a shard's manifest and the report record the hardware profile a sweep ran on. */
import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import { packageRoot } from '../paths.js';
import type { HardwareProfile } from '../hw/profile.js';
import { pointProfileOf } from './point.js';
import { canonicalJson } from './sweep.js';

/**
 * The hardware profile a sweep ran on, as its figures' JSON and a shard's manifest record it:
 * the profile file's own format (every parameter's value and source), where it was read from,
 * and a hash of its content (name and values: what the points' cache keys include).
 */
export interface ProfileRecord {
  readonly name: string;
  readonly description: string;
  readonly file: string | null;
  readonly contentHash: string;
  readonly parameters: Readonly<Record<string, { readonly value: number; readonly source: string }>>;
}

/** A shipped profile's path relative to the package (the same on every machine); a user's file as given. */
function shownPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const inside = relative(packageRoot(), file);
  return inside.startsWith('..') || isAbsolute(inside) ? file : inside;
}

export function profileRecordOf(profile: HardwareProfile): ProfileRecord {
  const content = pointProfileOf(profile);
  const parameters = Object.fromEntries(Object.entries(content.parameters).map(([key, value]) => [key, { value, source: profile.sources[key as keyof typeof profile.sources] }]));
  return {
    name: profile.name, description: profile.description, file: profile.file === undefined ? null : shownPath(profile.file),
    contentHash: createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 16), parameters,
  };
}

