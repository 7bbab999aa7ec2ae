import { describe, expect, it } from 'vitest';
import { checkListenOverrides, describeAddress, listenFailure, parseListen, workerCount } from '../../src/cli/serve.js';
import { modulesTheFileNeeds } from '../../src/config/assume.js';
import { load } from '../../src/config/index.js';
import { ListenError } from '../../src/runtime/index.js';
import { UsageError } from '../../src/cli/io.js';
import { runCli } from './harness.js';
import { balancerModel, vhost } from './serve-model-fixture.js';

describe('--listen [PORT=]HOST:PORT', () => {
  it.each([
    ['127.0.0.1:8000', { port: null, host: '127.0.0.1', listenPort: 8000 }],
    ['80=127.0.0.1:8000', { port: 80, host: '127.0.0.1', listenPort: 8000 }],
    ['443=localhost:0', { port: 443, host: 'localhost', listenPort: 0 }],
    ['[::1]:8080', { port: null, host: '::1', listenPort: 8080 }],
    ['80=[::1]:8080', { port: 80, host: '::1', listenPort: 8080 }],
    ['8000', { port: null, host: '0.0.0.0', listenPort: 8000 }],
    [':8000', { port: null, host: '0.0.0.0', listenPort: 8000 }],
    ['*:8000', { port: null, host: '0.0.0.0', listenPort: 8000 }],
  ])('%s', (spec, want) => {
    expect(parseListen(spec)).toEqual(want);
  });

  it.each([
    ['127.0.0.1', /no port/],
    ['127.0.0.1:', /is not a port number/],
    ['127.0.0.1:70000', /is not a port number/],
    ['x=127.0.0.1:80', /not a port the config could listen on/],
    ['0=127.0.0.1:80', /not a port the config could listen on/],
    ['::1:8000', /IPv6 address in brackets/],
    ['bad host:80', /not a host name/],
    ['', /no port/],
  ])('%j is a usage error', (spec, msg) => {
    expect(() => parseListen(spec)).toThrow(UsageError);
    expect(() => parseListen(spec)).toThrow(msg);
  });
});

describe('--listen against the model', () => {
  const model = balancerModel();
  it('accepts a mapping of a port the config listens on, or one address for all', () => {
    expect(() => checkListenOverrides([parseListen('80=127.0.0.1:8000')], model)).not.toThrow();
    expect(() => checkListenOverrides([parseListen('127.0.0.1:8000')], model)).not.toThrow();
  });
  it.each([
    [['81=127.0.0.1:8000'], /no listener on port 81 \(it listens on 80\)/],
    [['80=127.0.0.1:8000', '80=127.0.0.1:8001'], /given twice/],
    [['127.0.0.1:8000', '80=127.0.0.1:8001'], /cannot be combined/],
  ])('%j is refused', (specs, msg) => {
    expect(() => checkListenOverrides(specs.map(parseListen), model)).toThrow(msg);
  });
});

describe('start-up lines', () => {
  it('names the vhost an address serves', () => {
    const model = balancerModel();
    expect(describeAddress(model, { host: '127.0.0.1', port: 8000, servesPort: 80, url: 'http://127.0.0.1:8000/' })).toBe('(vhost *:80)');
    expect(describeAddress(model, { host: '127.0.0.1', port: 8000, servesPort: 8080, url: 'http://127.0.0.1:8000/' })).toBe('(main server)');
  });
  it('lists name-based vhosts with their ServerName', () => {
    const model = balancerModel();
    model.virtualHosts = [vhost(0, '*:80', { serverName: 'a.example' }, true), vhost(1, '*:80', { serverName: 'b.example' }, true)];
    model.listeners[0]!.virtualHosts = [0, 1];
    expect(describeAddress(model, { host: '0.0.0.0', port: 80, servesPort: 80, url: 'http://0.0.0.0:80/' })).toBe('(vhosts *:80 a.example, *:80 b.example)');
  });
  it.each([
    ['EADDRINUSE', 8000, 'apx: cannot listen on 127.0.0.1:8000: the address is already in use; HINT\n'],
    ['EACCES', 80, 'apx: cannot listen on 127.0.0.1:80: permission denied (ports below 1024 need root); HINT\n'],
  ])('%s is one line with the hint', (code, port, line) => {
    expect(listenFailure(new ListenError('x', code, '127.0.0.1', port), 'HINT')).toBe(line);
  });
});

describe('--workers', () => {
  it.each([
    [undefined, 2, false, 2],
    [undefined, 1, false, 1],
    [undefined, 8, true, 1],
    [1, 8, false, 1],
    [4, 2, true, 4],
  ])('--workers %s on %i cores (embedded: %s) → %i processes', (flag, cores, embedded, want) => {
    expect(workerCount(flag, cores, embedded)).toBe(want);
  });
  it.each([0, -1, 1.5, 1000])('--workers %s is a usage error', (n) => {
    expect(() => workerCount(n, 2)).toThrow(/whole number from 1 to 256/);
  });
});

describe('apx serve usage errors (exit 2, one line, no stack)', () => {
  it.each([
    [['serve', '/nonexistent/site.conf'], /cannot read \/nonexistent\/site\.conf: no such file/],
    [['serve', '-', '--listen', 'nonsense'], /--listen "nonsense": no port/],
    [['serve'], /Not enough non-option arguments/],
  ])('%j', async (args, msg) => {
    const r = await runCli(args, 'Listen 80\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/\bat .*\.[jt]s:\d+/);
  });

  it('--help shows the flags and examples', async () => {
    const r = await runCli(['serve', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--listen');
    expect(r.stdout).toContain('--access-log');
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--listen 127.0.0.1:8000');
  });
});

describe('a lone vhost file is served with the modules it needs (the a2enmod its comment asks for)', () => {
  it.each([
    ['ProxyPass / http://127.0.0.1:8080/\n', ['proxy', 'proxy_http']],
    ['<Proxy balancer://c>\n  BalancerMember http://127.0.0.1:8080/\n</Proxy>\nProxyPass / balancer://c/\n', ['lbmethod_byrequests', 'proxy', 'proxy_balancer', 'proxy_http', 'slotmem_shm']],
    // byrequests too: proxy_util.c ap_proxy_define_balancer() looks up the default method before ProxySet changes it.
    ['<Proxy balancer://c>\n  BalancerMember http://b:1\n  ProxySet lbmethod=bybusyness\n</Proxy>\n', ['lbmethod_bybusyness', 'lbmethod_byrequests', 'proxy', 'proxy_balancer', 'proxy_http', 'slotmem_shm']],
    ['ProxyPass /ws ws://127.0.0.1:8080/\nRequestHeader set X-A b\n', ['headers', 'proxy', 'proxy_http']],
    ['ServerName example.com\n', []],
  ])('%j needs %j', (text, want) => {
    const loaded = load({ file: 'site.conf', text: `<VirtualHost *:80>\n${text}</VirtualHost>\n` }, { noTreeDetection: true });
    expect(loaded.modules.source).toBe('debian-default');
    expect(modulesTheFileNeeds(loaded)).toEqual(want);
  });

  it('assumes nothing when --modules says what is loaded', async () => {
    const r = await runCli(['serve', '-', '--workers', '1', '--modules', 'proxy', '--listen', '127.0.0.1:0'], '<VirtualHost *:80>\nProxyPass / http://127.0.0.1:9/\n</VirtualHost>\n');
    expect(r.stderr).not.toMatch(/serving it as if/);
    // With mod_proxy but not mod_proxy_http, lint explains why nothing would be proxied, and serve refuses.
    expect(r.stderr).toMatch(/proxy_http/);
    expect(r.code).toBe(1);
  });
});
