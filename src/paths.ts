import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found by walking up from this file. The same code runs from `src/`
 * (under vitest) and from `dist/src/` (built), so no fixed number of `..` is right for both.
 */
export function packageRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    if (existsSync(join(directory, 'package.json')) && existsSync(join(directory, 'asconfig.json'))) return directory;
    directory = dirname(directory);
  }
  throw new Error(`cannot find the scalio package root above ${fileURLToPath(import.meta.url)}`);
}

/**
 * The built JavaScript file for a module under `src/`, for worker threads: Node 20 cannot
 * start a worker from TypeScript, so even under vitest workers run the `npm run build` output.
 */
export function builtModulePath(pathUnderSource: string): string {
  const path = join(packageRoot(), 'dist', 'src', pathUnderSource);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`npm run build\` (worker threads run the built JavaScript)`);
  }
  return path;
}
