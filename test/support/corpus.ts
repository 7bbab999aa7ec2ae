/**
 * The shared corpus of real configs (../shared/corpus beside the checkout, or $APX_CORPUS), read-only, and the one
 * walk every corpus test uses, so they all see the same files in the same order.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const CORPUS = resolve(process.env['APX_CORPUS'] ?? join(REPO, '../shared/corpus'));

/** Every file below `dir`, depth first, entries in code-unit order of their names. */
export function* walkFiles(dir: string): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walkFiles(p);
    else if (e.isFile()) yield p;
  }
}
