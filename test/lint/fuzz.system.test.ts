/**
 * Lint never crashes and never reports an internal error on mangled configs: the proxy configs of the corpus and
 * the samples, mutated (test/fuzz/mutate.ts: dropped closers, duplicated and swapped lines, cut quotes …), linted
 * with every formatter. Deterministic: the seed is fixed unless APX_FUZZ_SEED says otherwise. (It found stylish
 * printing a 64 KB joined line under each of 16,000 problems: frames now show a window around the column.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMATTERS, INTERNAL_ERROR_CODE, lint, sourcesOf } from '../../src/lint/index.js';
import { mutate } from '../fuzz/mutate.js';
import { iterationSeed, mulberry32, seedFromEnv } from '../fuzz/prng.js';
import { loadText } from './helpers.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const FILES = join(REPO, '../shared/corpus/files');
const seeds: string[] = [
  readFileSync(join(REPO, 'samples/000-default.conf'), 'utf8'),
  readFileSync(join(REPO, 'samples/000-default.balancer.conf'), 'utf8'),
];
try {
  for (const f of readdirSync(FILES)) if (f.startsWith('gh-') || f.includes('proxy')) seeds.push(readFileSync(join(FILES, f), 'utf8'));
} catch {
  // no corpus here: the samples alone
}

const SEED = seedFromEnv(process.env['APX_FUZZ_SEED'], 0x11a7);
/** APX_FUZZ_N iterations (default 300, about 2 s). */
const ITERATIONS = Number(process.env['APX_FUZZ_N'] ?? 300);

describe('lint on mutated configs', () => {
  it(`never throws and never reports an internal error (seed ${SEED}, ${ITERATIONS} iterations)`, () => {
    for (let i = 0; i < ITERATIONS; i++) {
      const rng = mulberry32(iterationSeed(SEED, i));
      const base = rng.pick(seeds);
      const { text, applied } = mutate(base, rng, rng.pick(seeds));
      const loaded = loadText(text, rng.chance(0.5) ? {} : { modules: 'debian-default' });
      const result = lint(loaded);
      const internal = result.diagnostics.filter((d) => d.code === INTERNAL_ERROR_CODE);
      expect(internal, `iteration ${i} (${applied.join(', ')}):\n${text}`).toEqual([]);
      const sources = sourcesOf(loaded, result.diagnostics);
      for (const format of Object.values(FORMATTERS)) expect(typeof format(result, { sources, color: rng.chance(0.5) })).toBe('string');
    }
  });
});
