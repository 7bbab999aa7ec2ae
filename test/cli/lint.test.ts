import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'apx-lint-cli-'));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const MODULES = 'proxy,proxy_http,proxy_balancer,slotmem_shm,lbmethod_byrequests';
const clean = write('clean.conf', '<VirtualHost *:80>\n  ProxyPass / http://127.0.0.1:8080/\n  ProxyPassReverse / http://127.0.0.1:8080/\n</VirtualHost>\n');
const warns = write('warns.conf', '<VirtualHost *:80>\n  ProxyPass / http://127.0.0.1:8080/\n</VirtualHost>\n');
const broken = write('broken.conf', '<VirtualHost *:80>\n  ProxyPass / http://127.0.0.1:8080/ retries=3\n  ProxyPassReverse / http://127.0.0.1:8080/\n</VirtualHost>\n');

describe('apx lint', () => {
  it('exits 0 on a clean file, prints the summary and the assumptions on stdout only', async () => {
    const r = await runCli(['lint', '--modules', MODULES, clean]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('✔ no problems');
    expect(r.stdout).toMatch(/Assumed:\n {2}- clean\.conf is read alone, as part of a default `apt install apache2` on Debian/);
  });

  it('exits 0 with warnings, 1 when --max-warnings is exceeded', async () => {
    expect((await runCli(['lint', '--modules', MODULES, warns])).code).toBe(0);
    expect((await runCli(['lint', '--modules', MODULES, '--max-warnings', '1', warns])).code).toBe(0);
    const r = await runCli(['lint', '--modules', MODULES, '--max-warnings', '0', warns]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('too many warnings (1; --max-warnings is 0)');
  });

  it('exits 1 on errors, with the code frame and the fix', async () => {
    const r = await runCli(['lint', '--modules', MODULES, broken]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('2:38  error  retries=3: Apache refuses to start ("ProxyPass unknown Worker parameter")  proxy-param-invalid');
    expect(r.stdout).toContain('fix: did you mean retry=3?');
  });

  it('in a default Debian context (no --modules) ProxyPass needs a2enmod proxy', async () => {
    const r = await runCli(['lint', '--format', 'json', clean]);
    expect(r.code).toBe(1);
    const found = JSON.parse(r.stdout) as { code: string; hint: string }[];
    expect(found.map((d) => [d.code, d.hint])).toEqual([
      ['module-not-loaded', 'a2enmod proxy'],
      ['proxy-handler-missing', 'a2enmod proxy_http'],
    ]);
  });

  it('--rule turns rules off or changes their severity, repeatable', async () => {
    expect((await runCli(['lint', '--modules', MODULES, '--rule', 'proxy-param-invalid=off', broken])).code).toBe(0);
    expect((await runCli(['lint', '--modules', MODULES, '--rule', 'proxy-param-invalid=warn', '--max-warnings', '0', broken])).code).toBe(1);
    const r = await runCli(['lint', '--modules', MODULES, '--rule', 'proxy-pass-reverse-missing=error', '--rule', 'argument-count=off', '--format', 'json', warns]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject([{ code: 'proxy-pass-reverse-missing', severity: 'error' }]);
  });

  it('reads standard input with -', async () => {
    const r = await runCli(['lint', '--modules', MODULES, '--format', 'json', '-'], 'ProxyPas / http://b/\n');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject([{ code: 'unknown-directive', file: '<stdin>', line: 1, column: 1, hint: 'did you mean ProxyPass?' }]);
  });

  it.each(['stylish', 'json', 'sarif', 'github'])('--format %s', async (format) => {
    const r = await runCli(['lint', '--modules', MODULES, '--format', format, broken]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('proxy-param-invalid');
    if (format === 'sarif') expect(JSON.parse(r.stdout)).toMatchObject({ version: '2.1.0' });
    if (format === 'github') expect(r.stdout).toMatch(/^::error file=.*broken\.conf,line=2,col=38,/m);
  });

  it('reads a directory as a server tree', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'sites-enabled'), { recursive: true });
    writeFileSync(join(tree, 'apache2.conf'), 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\nLoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\nListen 80\nIncludeOptional sites-enabled/*.conf\n');
    writeFileSync(join(tree, 'sites-enabled', 'a.conf'), '<VirtualHost *:8080>\n  ProxyPass / balancer://none/\n</VirtualHost>\n');
    const r = await runCli(['lint', '--format', 'json', tree]);
    const found = JSON.parse(r.stdout) as { code: string; file: string }[];
    expect(found.map((d) => d.code)).toEqual(expect.arrayContaining(['vhost-port-not-listened', 'balancer-no-members', 'balancer-provider-missing']));
    expect(found.filter((d) => !d.file.endsWith('a.conf'))).toEqual([]);
    expect(r.code).toBe(1);
  });

  it.each([
    [['lint', '--rule', 'no-such-rule=off', clean], /no rule named no-such-rule/],
    [['lint', '--rule', 'proxy-param-invalid=loud', clean], /off, warn or error/],
    [['lint', '--rule', 'proxy-param-invalid', clean], /RULE=off/],
    [['lint', '--format', 'xml', clean], /Invalid values|Choices/],
    [['lint', '--max-warnings', '-5', clean], /--max-warnings/],
    [['lint', join(dir, 'missing.conf')], /cannot read .*missing\.conf/],
    [['lint', dir], /no apache2\.conf/],
    [['lint'], /^apx: apx lint needs FILE: a config file, a server tree directory, or - for standard input\n/],
    [['lint', '--prety', clean], /^apx: Unknown argument: prety\n/],
    [['lint', '--prety'], /^apx: Unknown argument: prety\n/],
  ])('usage errors exit 2 with nothing on stdout: %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('--no-tree reads the file alone even inside a server tree', async () => {
    const tree = join(dir, 'tree2');
    mkdirSync(join(tree, 'sites-enabled'), { recursive: true });
    // The tree loads no mod_proxy: read in it, the site's ProxyPass is an unknown command; alone, --modules decides.
    writeFileSync(join(tree, 'apache2.conf'), 'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\nListen 80\nIncludeOptional sites-enabled/*.conf\n');
    const site = join(tree, 'sites-enabled', 'a.conf');
    writeFileSync(site, '<VirtualHost *:80>\n  ProxyPass / http://127.0.0.1:8080/\n  ProxyPassReverse / http://127.0.0.1:8080/\n</VirtualHost>\n');
    expect((await runCli(['lint', '--format', 'json', site])).code).toBe(1);
    const r = await runCli(['lint', '--no-tree', '--modules', MODULES, '--format', 'json', site]);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('--help shows the usage line, examples and the rules', async () => {
    const r = await runCli(['lint', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^apx lint <file> \[options\]\n/);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--max-warnings');
    expect(r.stdout).toContain('proxy-pass-reverse-missing');
    expect(r.stdout).toContain('apx-disable-next-line');
  });
});
