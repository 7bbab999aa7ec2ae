/**
 * httpd has no nesting limit (server/config.c keeps its section stack in the pool), so `apx to-json --ast` and
 * `apx from-json` may have none either: V8's recursive JSON.stringify overflows near 2,000 nested sections, which
 * is why the syntax tree is written by writeJson (an explicit stack) — byte for byte what JSON.stringify writes.
 */
import { describe, expect, it } from 'vitest';
import { checkAstJson, stringifyJson, writeJson } from '../../src/syntax/json.js';
import { runCli } from './harness.js';

const DEPTH = 20_000;

/** JSON text nesting `depth` sections, with `leaf` as the innermost child. */
function deepAstJson(depth: number, leaf: string): string {
  const open = '{"kind":"section","name":"IfModule","args":["proxy_module"],"children":[';
  return `{"format":"apx-ast","version":1,"file":"deep.conf","bom":false,"children":[${open.repeat(depth)}${leaf}${']}'.repeat(depth)}]}`;
}

describe('writeJson / stringifyJson: the bytes of JSON.stringify', () => {
  class WithToJson {
    constructor(readonly secret: string) {}
    toJSON(key: string): unknown {
      return { key, shown: this.secret.length };
    }
  }
  const values: [string, unknown][] = [
    ['null', null],
    ['a string with escapes', 'tab\t"quote" back\\slash \u0000 \u2028 \ud800 lone surrogate é'],
    ['numbers', [0, -0, 1.5, -1e21, 1e-7, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER]],
    ['booleans', [true, false]],
    ['empty containers', { a: {}, b: [], c: [[]], d: [{}] }],
    ['skipped members', { a: undefined, b: () => 1, c: Symbol('s'), d: 1 }],
    ['an object whose every member is skipped', { a: undefined, nested: { f: () => 1 } }],
    ['skipped array items become null', [undefined, () => 1, Symbol('s'), 2]],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['toJSON, with its key', { when: new Date(Date.UTC(2026, 0, 2)), inner: new WithToJson('xyz'), list: [new WithToJson('ab')] }],
    ['boxed primitives', [Object(1), Object('s'), Object(false)]],
    ['key order and odd keys', { b: 1, a: 2, 10: 'ten', 2: 'two', '': 'empty', 'a/b~c': 'pointer chars', '"q"': 'quoted' }],
    ['deep but JSON.stringify-sized', Array.from({ length: 200 }).reduce<unknown>((inner) => ({ kind: 'section', children: [inner, 1] }), { leaf: true })],
  ];
  const spaces: (number | string | undefined)[] = [undefined, 0, 2, 4, 12, '\t', '--', 'abcdefghijklmnop', ''];

  it.each(values)('%s', (_name, value) => {
    for (const space of spaces) expect([space, stringifyJson(value, space)]).toEqual([space, JSON.stringify(value, null, space)]);
  });

  it('writes in chunks whose concatenation is the whole text', () => {
    const value = { items: Array.from({ length: 20_000 }, (_, i) => ({ i, s: 'x'.repeat(i % 7) })) };
    const chunks: string[] = [];
    writeJson(value, 2, (c) => chunks.push(c));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(JSON.stringify(value, null, 2));
  });

  it.each([
    ['a cycle', (() => {
      const a: Record<string, unknown> = { x: 1 };
      a['self'] = { a };
      return a;
    })()],
    ['a BigInt', { n: 10n }],
  ])('throws TypeError on %s, as JSON.stringify does', (_name, value) => {
    expect(() => JSON.stringify(value)).toThrow(TypeError);
    expect(() => stringifyJson(value)).toThrow(TypeError);
  });

  it('the same object twice (not a cycle) is written twice', () => {
    const shared = { a: 1 };
    expect(stringifyJson({ x: shared, y: [shared, shared] })).toBe(JSON.stringify({ x: shared, y: [shared, shared] }));
  });

  it(`nests ${DEPTH} levels where JSON.stringify overflows`, () => {
    let v: unknown = 'leaf';
    for (let i = 0; i < DEPTH; i++) v = { c: [v] };
    expect(() => JSON.stringify(v)).toThrow(RangeError);
    expect(stringifyJson(v)).toBe(`${'{"c":['.repeat(DEPTH)}"leaf"${']}'.repeat(DEPTH)}`);
  });
});

describe(`apx to-json --ast | apx from-json at ${DEPTH} nested sections`, () => {
  const cases = [
    { name: '<IfModule> (an ordinary section)', text: `${'<IfModule proxy_module>\n'.repeat(DEPTH)}ProxyPass /x http://127.0.0.1:8080/\n${'</IfModule>\n'.repeat(DEPTH)}` },
    { name: 'CRLF, tabs and comments on every level', text: `${'\t<IfDefine !NOPE>  \r\n  # level\r\n'.repeat(DEPTH)}Listen 80\r\n${'</IfDefine>\r\n\r\n'.repeat(DEPTH)}` },
  ];

  it.each(cases)('$name: the file comes back byte for byte', async ({ text }) => {
    const ast = await runCli(['to-json', '--ast', '-'], text);
    expect(ast.stderr).toBe('');
    expect(ast.code).toBe(0);
    let depth = 0;
    let nodes = (JSON.parse(ast.stdout) as { children: { children?: unknown[] }[] }).children;
    for (let s = nodes.find((n) => n.children); s; s = nodes.find((n) => n.children)) {
      depth++;
      nodes = s.children as typeof nodes;
    }
    expect(depth).toBe(DEPTH);
    const back = await runCli(['from-json', '-'], ast.stdout);
    expect(back.stderr).toBe('');
    expect(back.code).toBe(0);
    expect(back.stdout === text).toBe(true); // not toBe(text): a mismatch would print megabytes
  });

  it('the proxy model of such a file (flat: it cannot nest) prints too', async () => {
    const r = await runCli(['to-json', '--no-tree', '--modules', 'proxy,proxy_http', '-'], cases[0]!.text);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as { mainServer: { routes: { match: unknown }[] } };
    expect(m.mainServer.routes.map((x) => x.match)).toEqual([{ kind: 'prefix', path: '/x' }]);
  });

  it('a problem at the bottom of a deep tree is reported with its JSON pointer, no overflow', async () => {
    const text = deepAstJson(DEPTH, '{"kind":"directive","name":"Listen","args":[80]}');
    expect(checkAstJson(JSON.parse(text))).toEqual([{ path: `${'/children/0'.repeat(DEPTH + 1)}/args/0`, message: 'must be a string' }]);
    const r = await runCli(['from-json', '-'], text);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr === `<stdin>: ${'/children/0'.repeat(DEPTH + 1)}/args/0: must be a string\n`).toBe(true);
  });

  it('a deep tree written by a tool (no source lines) converts, indented', async () => {
    // Generated lines are indented four spaces a level: 20,000 levels of that is gigabytes, so fewer here.
    const depth = 1_000;
    const r = await runCli(['from-json', '-'], deepAstJson(depth, '{"kind":"directive","name":"Listen","args":["80"]}'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[depth - 1]).toBe(`${'    '.repeat(depth - 1)}<IfModule proxy_module>`);
    expect(lines[depth]).toBe(`${'    '.repeat(depth)}Listen 80`);
    expect(lines[depth + 1]).toBe(`${'    '.repeat(depth - 1)}</IfModule>`);
    expect(lines).toHaveLength(2 * depth + 2);
  });

  it('--pretty writes what JSON.stringify would (at a depth it can still handle)', async () => {
    const text = `${'<IfModule a>\n'.repeat(300)}Listen 80\n${'</IfModule>\n'.repeat(300)}`;
    const r = await runCli(['to-json', '--ast', '--pretty', '-'], text);
    expect(r.code).toBe(0);
    expect(r.stdout === JSON.stringify(JSON.parse(r.stdout), null, 2) + '\n').toBe(true);
  });
});
