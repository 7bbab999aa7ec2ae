/**
 * The tutorial's two examples, compiled, against committed JSON (test/model/golden/). A change to the model shows
 * up here as a diff to review; after an intended change, regenerate with `UPDATE_GOLDEN=1 npx vitest run test/model/golden.test.ts`.
 * The same JSON is shown in docs/model.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { load } from '../../src/config/index.js';
import { compile } from '../../src/model/index.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const GOLDEN = join(REPO, 'test/model/golden');

/** The model as `apx to-json --pretty --no-tree samples/NAME` prints it, with paths relative to the repository. */
function sampleModelJson(name: string): string {
  const path = join(REPO, 'samples', name);
  const { model } = compile(load({ file: path }, { noTreeDetection: true }));
  return JSON.stringify(model, null, 2).split(`${REPO}/`).join('') + '\n';
}

describe('golden models of the tutorial examples', () => {
  it.each(['000-default.conf', '000-default.balancer.conf'])('%s', (name) => {
    const golden = join(GOLDEN, name.replace(/\.conf$/, '.json'));
    const actual = sampleModelJson(name);
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, actual);
    expect(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });

  it.each(['000-default.json', '000-default.balancer.json'])('docs/model.md shows %s as it is', (name) => {
    const doc = readFileSync(join(REPO, 'docs/model.md'), 'utf8');
    expect(doc).toContain('```json\n' + readFileSync(join(GOLDEN, name), 'utf8') + '```');
  });
});
