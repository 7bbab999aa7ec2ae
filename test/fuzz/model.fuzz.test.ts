/**
 * The back half of the pipeline on mangled configs: the proxy configs of the corpus and the samples, mutated
 * (test/fuzz/mutate.ts), then compiled. compile() never throws; every model it returns is schema-valid and
 * survives `to-json | from-json` (the JSON reads back to an equal model; the config text buildConfig writes
 * compiles again without an error); and a model that lint finds no error in either starts (bound to port 0, then
 * closed) or is refused with a StartupError — never another exception. The front half (parse, load) has its own
 * fuzz in parse.fuzz.test.ts, lint in test/lint/fuzz.system.test.ts.
 *
 * Deterministic: APX_FUZZ_SEED picks the run, APX_FUZZ_MODELS its length; both are printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/build/index.js';
import { lint } from '../../src/lint/index.js';
import { compile, readModelJson, validateModel } from '../../src/model/index.js';
import { startProxy, StartupError } from '../../src/runtime/index.js';
import { stringifyJson } from '../../src/syntax/json.js';
import { loadText } from '../lint/helpers.js';
import { mutate } from './mutate.js';
import { iterationSeed, mulberry32, seedFromEnv } from './prng.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const FILES = join(REPO, '../shared/corpus/files');
const seeds: string[] = readdirSync(join(REPO, 'samples'))
  .filter((f) => f.endsWith('.conf'))
  .map((f) => readFileSync(join(REPO, 'samples', f), 'utf8'));
try {
  for (const f of readdirSync(FILES)) if (f.startsWith('gh-') || f.includes('proxy')) seeds.push(readFileSync(join(FILES, f), 'utf8'));
} catch {
  // no corpus here: the samples alone
}

const SEED = seedFromEnv(process.env['APX_FUZZ_SEED'], 0x30de1);
const ITERATIONS = Number(process.env['APX_FUZZ_MODELS'] ?? 600);
console.log(`model fuzz: APX_FUZZ_SEED=0x${SEED.toString(16)} APX_FUZZ_MODELS=${ITERATIONS}`);

describe('compile, to-json/from-json and start-up on mutated configs', () => {
  it(`never throw outside their contracts (${ITERATIONS} iterations)`, async () => {
    let models = 0;
    let started = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const rng = mulberry32(iterationSeed(SEED, i));
      const { text, applied } = mutate(rng.pick(seeds), rng, rng.pick(seeds));
      const where = `iteration ${i} (${applied.join(', ')}); replay with APX_FUZZ_SEED=0x${SEED.toString(16)}`;
      const loaded = loadText(text);
      let compiled: ReturnType<typeof compile>;
      try {
        compiled = compile(loaded);
      } catch (e) {
        throw new Error(`compile threw at ${where}: ${String(e)}\n${text}`);
      }
      const model = compiled.model;
      if (!model) continue;
      models++;
      const valid = validateModel(model);
      expect(valid.valid ? [] : valid.errors.slice(0, 3), where).toEqual([]);
      const back = readModelJson(stringifyJson(model));
      expect('errors' in back ? back.errors.slice(0, 3) : [], where).toEqual([]);
      if (!('errors' in back)) expect(back.model, where).toEqual(model);
      // buildConfig's text brings no error the original did not have (a model compiled despite errors keeps them).
      const errorsOf = (r: ReturnType<typeof compile>): string[] => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
      const before = new Set(errorsOf(compiled));
      const rebuilt = compile(loadText(buildConfig(model)));
      expect(errorsOf(rebuilt).filter((e) => !before.has(e)), `${where}: from-json output brings new errors`).toEqual([]);
      // Start the lint-clean ones, a few: the runtime must accept what lint passes, or refuse it with a reason.
      if (started < 40 && lint(loaded).errorCount === 0) {
        started++;
        try {
          const p = await startProxy(model, { listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }], accessLog: null, errorLog: { write: () => true } as unknown as NodeJS.WritableStream });
          await p.close();
        } catch (e) {
          if (!(e instanceof StartupError)) throw new Error(`startProxy threw ${String(e)} at ${where}\n${text}`);
        }
      }
    }
    console.log(`model fuzz: ${models} models compiled, ${started} started`);
    expect(models).toBeGreaterThan(ITERATIONS / 4);
  }, 120_000);
});
