/**
 * Where apx's bundled `samples/` directory is: two levels above this file in the source tree (src/demo), three
 * in the build (dist/src/demo). The package ships `samples/` (package.json "files"), so both layouts have it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function samplesDir(): string {
  for (const rel of ['../../samples/', '../../../samples/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}000-default.conf`)) return dir;
  }
  throw new Error('apx samples/ directory not found next to the installed package');
}

/** Absolute path of a bundled sample, e.g. `000-default.balancer.conf`. */
export function samplePath(name: string): string {
  return `${samplesDir()}${name}`;
}
