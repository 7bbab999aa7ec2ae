/**
 * Every file of the shared corpus of real configs (../shared/corpus, or $APX_CORPUS), read alone, and every server
 * tree in it, read from its root file with its ServerRoot:
 *   - compile() gives a model (a syntax error never makes one impossible) that the JSON Schema accepts;
 *   - the output is stable: two compiles, the same bytes;
 *   - `to-json --ast | from-json` gives back the file byte for byte;
 *   - `to-json | from-json` gives a config that compiles back to an equal model (spans, the source block and
 *     `unsupported` aside: from-json writes only what the model represents).
 * Rows come from walking what is present, never from a list of names.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/build/index.js';
import { load, type LoadResult } from '../../src/config/index.js';
import { compile, validateModel, type ProxyModel } from '../../src/model/index.js';
import { fromAstJson, toAstJson, type JsonAst } from '../../src/syntax/json.js';
import { parse } from '../../src/syntax/parse.js';
import { comparable } from './helpers.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CORPUS = resolve(process.env['APX_CORPUS'] ?? join(REPO, '../shared/corpus'));

function* walk(dir: string): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

interface Row {
  readonly rel: string;
  readonly path: string;
  readonly text: string;
}

const present = existsSync(CORPUS);
const files: Row[] = [];
const trees: { rel: string; rootFile: string; serverRoot: string }[] = [];
if (present) {
  for (const path of walk(CORPUS)) {
    const bytes = readFileSync(path);
    if (bytes.includes(0)) continue; // binary (Debian's mime magic database): not configuration text
    const rel = relative(CORPUS, path);
    files.push({ rel, path, text: bytes.toString('utf8') });
    const name = basename(path);
    if (name === 'apache2.conf' || name === 'httpd.conf') {
      // Red Hat layout: …/httpd/conf/httpd.conf has its ServerRoot one level up.
      const serverRoot = basename(dirname(path)) === 'conf' && name === 'httpd.conf' ? dirname(dirname(path)) : dirname(path);
      trees.push({ rel, rootFile: path, serverRoot });
    }
  }
}
const samples = readdirSync(join(REPO, 'samples'))
  .filter((f) => f.endsWith('.conf'))
  .sort()
  .map((f) => ({ rel: `samples/${f}`, path: join(REPO, 'samples', f), text: readFileSync(join(REPO, 'samples', f), 'utf8') }));

function modelOf(loaded: LoadResult): ProxyModel {
  const { model } = compile(loaded);
  expect(model, 'compile() gave no model').not.toBeNull();
  const v = validateModel(JSON.parse(JSON.stringify(model)));
  expect(v.valid ? [] : v.errors).toEqual([]);
  return model!;
}

/** `to-json | from-json`, then compile the text as a lone file with the same modules. */
function roundTrip(model: ProxyModel): void {
  const text = buildConfig(model);
  const again = compile(load({ file: '/rebuilt.conf', text }, { noTreeDetection: true, modules: model.source.modules }));
  expect(again.model, text).not.toBeNull();
  const before = comparable(model) as { listeners: unknown };
  const after = comparable(again.model!) as { listeners: unknown };
  // A tree with no Listen at all (apache2 would not start) has no text that says so in a lone file, where apx
  // derives listeners from the vhosts instead.
  if (model.listeners.length === 0) after.listeners = [];
  expect(after, text).toEqual(before);
}

describe.skipIf(!present)(`model of every corpus file read alone (${files.length} files, ${CORPUS})`, () => {
  it.each(files)('$rel', ({ path, text }) => {
    const loaded = load({ file: path, text }, { noTreeDetection: true });
    const model = modelOf(loaded);
    expect(JSON.stringify(compile(loaded).model)).toBe(JSON.stringify(model));
    roundTrip(model);

    const ast = JSON.parse(JSON.stringify(toAstJson(parse(text, path).ast))) as JsonAst;
    expect(fromAstJson(ast)).toBe(text);
  });
});

describe.skipIf(!present)(`model of every server tree in the corpus (${trees.length} trees)`, () => {
  it.each(trees)('$rel', ({ rootFile, serverRoot }) => {
    const loaded = load({ file: rootFile }, { serverRoot });
    expect(loaded.mode).toBe('tree');
    const model = modelOf(loaded);
    expect(JSON.stringify(compile(load({ file: rootFile }, { serverRoot })).model)).toBe(JSON.stringify(model));
    roundTrip(model);
  });
});

describe('model of every sample', () => {
  it.each(samples)('$rel', ({ path, text }) => {
    const model = modelOf(load({ file: path, text }, { noTreeDetection: true }));
    expect(model.virtualHosts.length + model.mainServer.routes.length).toBeGreaterThan(0);
    roundTrip(model);
  });
});
