import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateModel, type ProxyModel } from '../../src/model/index.js';
import { runCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'apx-to-json-'));
const site = join(dir, 'site.conf');
writeFileSync(site, '<VirtualHost *:80>\n\tProxyPreserveHost On\n\tProxyPass / http://admin:s3cret@127.0.0.1:8080/\n</VirtualHost>\n');

describe('apx to-json (the proxy model)', () => {
  it('prints a schema-valid model on one line and exits 0', async () => {
    const r = await runCli(['to-json', '--no-tree', '--modules', 'proxy,proxy_http', site]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const m = JSON.parse(r.stdout) as ProxyModel;
    expect(validateModel(m).valid).toBe(true);
    expect(m.source.mode).toBe('lone-file');
    expect(m.source.modules).toEqual(expect.arrayContaining(['proxy', 'proxy_http']));
    expect(m.source.modules).not.toContain('proxy_balancer');
    expect(m.virtualHosts[0]!.headers.preserveHost).toBe(true);
  });

  it('--pretty indents; two runs give the same bytes', async () => {
    const a = await runCli(['to-json', '--pretty', '--no-tree', site]);
    const b = await runCli(['to-json', '--pretty', '--no-tree', site]);
    expect(a.stdout).toContain('\n  "format": "apx-model",\n');
    expect(a.stdout).toBe(b.stdout);
  });

  it('redacts passwords in URLs unless --show-secrets', async () => {
    const hidden = await runCli(['to-json', '--no-tree', site]);
    expect(hidden.stdout).toContain('http://admin:REDACTED@127.0.0.1:8080/');
    expect(hidden.stdout).not.toContain('s3cret');
    const shown = await runCli(['to-json', '--no-tree', '--show-secrets', site]);
    expect(shown.stdout).toContain('http://admin:s3cret@127.0.0.1:8080/');
  });

  it('reads standard input with -', async () => {
    const r = await runCli(['to-json', '-'], 'ProxyPass /x http://b/\n');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as ProxyModel;
    expect(m.source.entry).toBe('<stdin>');
    expect(m.mainServer.routes[0]!.span).toMatchObject({ file: '<stdin>', line: 1 });
  });

  it('prints warnings on stderr and still the model, exit 0', async () => {
    const r = await runCli(['to-json', '-'], 'ProxyPass / balancer://nobody/\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^<stdin>:1:1: warning: balancer:\/\/nobody has no BalancerMember.*\[model\/empty-balancer\]\n  hint: /);
    expect(JSON.parse(r.stdout)).toMatchObject({ balancers: [{ name: 'nobody', members: [] }] });
  });

  it.each([
    ['ProxyPass /x not-a-url\n', /<stdin>:1:1: error: ProxyPass target "not-a-url" is not an absolute URL.*\[model\/invalid-url\]/],
    ['<VirtualHost *:80>\nProxyPass / http://b/\n', /<stdin>:1:1: error: <VirtualHost> opened at <stdin>:1:1 is never closed/],
  ])('exits 1 with diagnostics when apache2 would refuse the config, and still prints the model: %j', async (text, message) => {
    const r = await runCli(['to-json', '-'], text);
    expect(r.code).toBe(1);
    expect(validateModel(JSON.parse(r.stdout)).valid).toBe(true);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('exits 1 with nothing on stdout when there is no model (the file cannot be read)', async () => {
    const r = await runCli(['to-json', '--server-root', dir, join(dir, 'missing.conf')]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/missing\.conf/);
  });

  it.each([
    [['to-json'], /^apx: to-json needs FILE: a config file, or - to read standard input\n/],
    [['to-json', '--ast'], /^apx: to-json needs FILE: a config file, or - to read standard input\n/],
    // A mistyped flag is named as such (not "Not enough non-option arguments": yargs gives it the file as value).
    [['to-json', '--prety', site], /^apx: Unknown argument: prety\n/],
    [['to-json', tmpdir()], /cannot read .*: is a directory \(give a file, or use --server-root for a whole tree\)/],
  ])('usage errors exit 2 with one line and no stack: %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat .*\.[jt]s:\d+/);
  });

  it('--help lists the context flags and examples', async () => {
    const r = await runCli(['to-json', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toMatch(/Exit codes: 0 .*1 .*2 /s);
    expect(r.stdout).toMatch(/^apx to-json <file> \[options\]\n/);
    for (const flag of ['--pretty', '--ast', '--show-secrets', '--modules', '--server-root', '--define', '--no-tree']) expect(r.stdout).toContain(flag);
  });
});
