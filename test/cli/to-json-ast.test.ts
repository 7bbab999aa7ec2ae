import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromAstJson, type JsonAst } from '../../src/syntax/json.js';
import { runCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'apx-cli-'));
const good = join(dir, '000-default.conf');
const text = '<VirtualHost *:80>\n\tProxyPreserveHost On\n\tProxyPass / http://127.0.0.1:8080/\n</VirtualHost>\n';
writeFileSync(good, text);

describe('apx to-json --ast', () => {
  it('prints the syntax tree and exits 0', async () => {
    const r = await runCli(['to-json', '--ast', good]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as JsonAst;
    expect(doc.children[0]).toMatchObject({ kind: 'section', name: 'VirtualHost', args: ['*:80'], span: { line: 1, column: 1 } });
    expect(fromAstJson(doc)).toBe(text);
  });

  it('reads standard input with -', async () => {
    const r = await runCli(['to-json', '--ast', '-'], 'Listen 80\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: '<stdin>', children: [{ kind: 'directive', name: 'Listen', args: ['80'] }] });
  });

  it('exits 1 with file:line:col diagnostics on stderr when the file does not parse', async () => {
    const r = await runCli(['to-json', '--ast', '-'], '<VirtualHost *:80>\n<Location />\n</Proxy>\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/<stdin>:3:1: error: <\/Proxy> closes <Location> opened at (<stdin>:)?2:1/);
    expect(r.stderr).toContain('<stdin>:1:1: error: <VirtualHost> opened at <stdin>:1:1 is never closed');
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it.each([
    [['to-json', '--ast', join(dir, 'missing.conf')], /cannot read .*missing\.conf: no such file/],
    [['to-json', '--ast', '--no-such-flag', good], /Unknown argument|Not enough/],
    [['no-such-command'], /Unknown argument|Did you mean/],
    [[], /name a command/],
  ])('usage errors exit 2: %j', async (args, msg) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
  });

  it('--help has examples and exits 0', async () => {
    const r = await runCli(['to-json', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });
});
