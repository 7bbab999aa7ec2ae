import { describe, expect, it } from 'vitest';
import { FORMATTERS, shouldColor } from '../../src/lint/formatters/index.js';
import { codeFrame } from '../../src/lint/formatters/code-frame.js';
import { paint } from '../../src/lint/formatters/color.js';
import { sourcesOf } from '../../src/lint/sources.js';
import { lint } from '../../src/lint/index.js';
import { loadText } from './helpers.js';

const FILE = '/srv/site.conf';
const TEXT = '<VirtualHost *:80>\n\tProxyPass /app/ http://b:8080 retries=3\n</VirtualHost>\n';
const loaded = loadText(TEXT, { file: FILE });
const result = lint(loaded);

describe('formatters', () => {
  it('stylish: grouped by file, code frame with a caret at the column, fix, summary and assumptions; no colour by default', () => {
    const out = FORMATTERS.stylish(result, { sources: sourcesOf(loaded), assumptions: loaded.assumptions });
    expect(out).not.toMatch(/\u001b\[/);
    expect(out.split('\n')[0]).toBe(FILE);
    expect(out).toContain('  2:32  error  retries=3: Apache refuses to start ("ProxyPass unknown Worker parameter")  proxy-param-invalid');
    // The tab before ProxyPass is shown as 4 spaces; the caret sits under `retries=3`.
    expect(out).toContain(`    > 2 |     ProxyPass /app/ http://b:8080 retries=3\n        | ${' '.repeat(4 + 'ProxyPass /app/ http://b:8080 '.length)}^~~~~~~~~\n`);
    expect(out).toContain('    fix: did you mean retry=3?');
    expect(out).toMatch(/✖ 3 problems \(2 errors, 1 warning\)/);
    expect(out).toMatch(/Assumed:\n {2}- site\.conf is read alone/);
  });

  it('stylish: colour when asked', () => {
    expect(FORMATTERS.stylish(result, { color: true })).toMatch(/\u001b\[31merror\u001b\[39m/);
  });

  it('stylish: paths relative to cwd', () => {
    expect(FORMATTERS.stylish(result, { cwd: '/srv' }).split('\n')[0]).toBe('site.conf');
  });

  it('json: a flat array with the issue\'s fields', () => {
    const out = JSON.parse(FORMATTERS.json(result, {})) as Record<string, unknown>[];
    expect(out).toHaveLength(3);
    expect(out.find((d) => d['code'] === 'proxy-param-invalid')).toEqual({
      code: 'proxy-param-invalid',
      severity: 'error',
      message: 'retries=3: Apache refuses to start ("ProxyPass unknown Worker parameter")',
      file: FILE,
      line: 2,
      column: 32,
      endLine: 2,
      endColumn: 41,
      hint: 'did you mean retry=3?',
      related: [],
    });
  });

  it('sarif: 2.1.0 with rules, levels and regions', () => {
    const log = JSON.parse(FORMATTERS.sarif(result, { version: '1.2.3' })) as {
      version: string;
      runs: { tool: { driver: { name: string; version: string; rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }[] }[];
    };
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'apx', version: '1.2.3' });
    const r = run.results.find((x) => x.ruleId === 'proxy-param-invalid')!;
    expect(r.level).toBe('error');
    expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe('proxy-param-invalid');
    expect(r.locations[0]!.physicalLocation.region).toMatchObject({ startLine: 2, startColumn: 32 });
    expect(run.results.find((x) => x.ruleId === 'proxy-pass-reverse-missing')!.level).toBe('warning');
  });

  it('github: one workflow command per problem, escaped', () => {
    const lines = FORMATTERS.github(result, {}).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines).toContain('::error file=/srv/site.conf,line=2,col=32,endLine=2,endColumn=41,title=apx proxy-param-invalid::retries=3: Apache refuses to start ("ProxyPass unknown Worker parameter")%0Afix: did you mean retry=3?');
    expect(lines.some((l) => l.startsWith('::warning file=/srv/site.conf,line=2,col=2,'))).toBe(true);
  });

  it('a clean result', () => {
    const clean = { diagnostics: [], errorCount: 0, warningCount: 0 };
    expect(FORMATTERS.stylish(clean, {})).toBe('✔ no problems\n');
    expect(FORMATTERS.json(clean, {})).toBe('[]\n');
    expect(FORMATTERS.github(clean, {})).toBe('');
  });

  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
  ])('colour: env %j, tty %s → %s', (env, tty, expected) => {
    expect(shouldColor(env, tty)).toBe(expected);
  });

  it('code frame: first and last lines, CRLF', () => {
    const lines = ['a', 'bb', 'c'];
    const span = { file: 'f', line: 1, column: 1, endLine: 1, endColumn: 2, offset: 0, endOffset: 1 };
    expect(codeFrame(lines, span, paint(false))).toBe('> 1 | a\n    | ^\n  2 | bb');
    expect(codeFrame(lines, { ...span, line: 9, endLine: 9 }, paint(false))).toBe('');
  });
});

describe('code frame on long lines', () => {
  it('shows a window around the column, with the caret under it', () => {
    const long = 'ProxyPass / http://b/ ' + 'x'.repeat(5000) + ' retries=3 ' + 'y'.repeat(5000);
    const column = long.indexOf('retries=3') + 1;
    const span = { file: 'f', line: 1, column, endLine: 1, endColumn: column + 9, offset: 0, endOffset: 0 };
    const frame = codeFrame([long], span, paint(false));
    const [line, caret] = frame.split('\n');
    expect(line!.length).toBeLessThan(200);
    expect(line).toMatch(/^> 1 \| …x+ retries=3 y+…$/);
    expect(line!.indexOf('retries=3')).toBe(caret!.indexOf('^'));
    expect(caret).toMatch(/\^~{8}$/);
  });
});
