/**
 * SSLSessionTickets, SSLSessionCache, SSLSessionCacheTimeout in the model: parsed as apache2 2.4.71 reads them
 * (what `apache2 -t` refuses is an error here too), merged from the main server field by field (SSLSessionCache
 * is main-server only: apache2 refuses it in <VirtualHost>), valid against the schema, optional in older models,
 * and written back by `from-json`.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/build/index.js';
import { completeModel, readModelJson, validateModel, type ProxyModel, type Tls } from '../../src/model/index.js';
import { parseSessionCache, parseSessionCacheTimeout, parseSessionTickets } from '../../src/model/ssl-session.js';
import { comparable, compileText, modelOf } from './helpers.js';

const vhost = (body: string, name = 's.example'): string => `<VirtualHost *:443>\nServerName ${name}\nSSLEngine on\nSSLCertificateFile /c.pem\nSSLCertificateKeyFile /k.pem\n${body}\n</VirtualHost>\n`;
const tlsOf = (text: string, i = 0): Tls => modelOf(text).virtualHosts[i]!.tls!;
const errors = (text: string): string[] => compileText(text).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

describe('SSLSessionCache argument (ssl_cmd_SSLSessionCache, mod_socache_shmcb)', () => {
  it.each([
    ['none', { kind: 'none' }],
    ['NONE', { kind: 'none' }],
    ['nonenotnull', { kind: 'nonenotnull' }],
    ['NoneNotNull', { kind: 'nonenotnull' }],
    ['shmcb:/run/apache2/ssl_scache(512000)', { kind: 'socache', provider: 'shmcb', argument: '/run/apache2/ssl_scache(512000)', sizeBytes: 512000 }],
    ['shmcb', { kind: 'socache', provider: 'shmcb', argument: null, sizeBytes: 524288 }],
    ['shmcb:/run/c', { kind: 'socache', provider: 'shmcb', argument: '/run/c', sizeBytes: 524288 }],
    ['shmcb:/run/c(8192)', { kind: 'socache', provider: 'shmcb', argument: '/run/c(8192)', sizeBytes: 8192 }],
    ['default', { kind: 'socache', provider: 'default', argument: null, sizeBytes: 524288 }],
    ['dbm:/run/ssl_scache', { kind: 'socache', provider: 'dbm', argument: '/run/ssl_scache', sizeBytes: null }],
    ['memcache:host1:11211,host2:11211', { kind: 'socache', provider: 'memcache', argument: 'host1:11211,host2:11211', sizeBytes: null }],
  ])('%s', (arg, value) => {
    expect(parseSessionCache(arg)).toEqual({ ok: true, value });
  });

  // apache2 -t's words for each.
  it.each([
    ['SHMCB:/run/c', /'SHMCB' session cache not supported .*mod_socache_SHMCB\?/],
    ['bogus', /'bogus' session cache not supported/],
    ['shmcb:/run/c(100)', /^SSLSessionCache: Invalid argument: size has to be >= 8192 bytes$/],
    ['shmcb:/run/c(12k)', /cache size not numerical/],
    ['shmcb:/run/c(512000', /no closing parenthesis/],
    ['shmcb:/run/c512000)', /no opening parenthesis/],
  ])('refuses %s', (arg, message) => {
    const r = parseSessionCache(arg);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('SSLSessionCacheTimeout: atoi, negative refused', () => {
    expect(['300', '0', 'abc', '10s', '-1'].map((a) => parseSessionCacheTimeout(a))).toEqual([
      { ok: true, value: 300 },
      { ok: true, value: 0 },
      { ok: true, value: 0 },
      { ok: true, value: 10 },
      { ok: false, message: 'SSLSessionCacheTimeout: Invalid argument', hint: 'SSLSessionCacheTimeout 300' },
    ]);
  });

  it('SSLSessionTickets: a FLAG — the first word On or Off, the rest ignored as httpd does (`on extra` is Syntax OK)', () => {
    expect([['on'], ['OFF'], ['maybe'], [], ['on', 'off'], ['off', 'on'], ['maybe', 'on']].map((a) => parseSessionTickets(a))).toMatchObject([
      { ok: true, value: true },
      { ok: true, value: false },
      { ok: false, message: 'SSLSessionTickets must be On or Off' },
      { ok: false },
      { ok: true, value: true },
      { ok: true, value: false },
      { ok: false },
    ]);
  });
});

describe('compile: session fields', () => {
  it('defaults: all null (mod_ssl: tickets On, cache none, timeout 300)', () => {
    expect(tlsOf(vhost(''))).toMatchObject({ sessionTickets: null, sessionCache: null, sessionCacheTimeout: null });
  });

  it("Debian's ssl.conf in the main server reaches every vhost; a vhost's own tickets/timeout win", () => {
    const main = 'SSLSessionCache shmcb:/run/apache2/ssl_scache(512000)\nSSLSessionCacheTimeout 300\nSSLSessionTickets off\n';
    const m = modelOf(main + vhost('') + vhost('SSLSessionTickets on\nSSLSessionCacheTimeout 60', 't.example'));
    const cache = { kind: 'socache', provider: 'shmcb', argument: '/run/apache2/ssl_scache(512000)', sizeBytes: 512000 };
    expect(m.virtualHosts[0]!.tls).toMatchObject({ sessionTickets: false, sessionCache: cache, sessionCacheTimeout: 300 });
    expect(m.virtualHosts[1]!.tls).toMatchObject({ sessionTickets: true, sessionCache: cache, sessionCacheTimeout: 60 });
  });

  it('SSLSessionCache in a <VirtualHost> is not taken (apache2: "cannot occur within <VirtualHost> section")', () => {
    const r = compileText('SSLSessionCache none\n' + vhost('SSLSessionCache nonenotnull'));
    expect(r.model!.virtualHosts[0]!.tls!.sessionCache).toEqual({ kind: 'none' });
  });

  it.each([
    ['SSLSessionTickets maybe', /SSLSessionTickets must be On or Off/],
    ['SSLSessionCacheTimeout -5', /SSLSessionCacheTimeout: Invalid argument/],
  ])('refuses %s (apache2 -t does)', (line, message) => {
    expect(errors(vhost(line))).toEqual([expect.stringMatching(message)]);
  });

  it('refuses an SSLSessionCache apache2 -t refuses', () => {
    expect(errors('SSLSessionCache shmcb:/run/c(100)\n' + vhost(''))).toEqual([expect.stringMatching(/size has to be >= 8192 bytes/)]);
  });

  it('the directives are no longer listed as irrelevant', () => {
    const m = modelOf('SSLSessionCache none\nSSLSessionCacheTimeout 30\n' + vhost('SSLSessionTickets off'));
    expect(m.unsupported.map((u) => u.directive)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^SSLSession/)]));
  });
});

describe('schema, older models, from-json', () => {
  const text = 'SSLSessionCache shmcb:/run/c(512000)\nSSLSessionCacheTimeout 120\n' + vhost('SSLSessionTickets off') + vhost('SSLSessionCacheTimeout 5', 't.example');
  const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

  it('a compiled model with the fields is valid', () => {
    const v = validateModel(clone(modelOf(text)));
    expect(v.valid ? [] : v.errors).toEqual([]);
  });

  it.each<[string, (t: Record<string, unknown>) => void]>([
    ['a cache kind apx does not know', (t) => (t['sessionCache'] = { kind: 'files' })],
    ['an shmcb size below 8192', (t) => (t['sessionCache'] = { kind: 'socache', provider: 'shmcb', argument: null, sizeBytes: 100 })],
    ['a negative timeout', (t) => (t['sessionCacheTimeout'] = -1)],
    ['tickets as a string', (t) => (t['sessionTickets'] = 'off')],
  ])('rejects %s', (_what, mutate) => {
    const m = clone(modelOf(text)) as unknown as { virtualHosts: { tls: Record<string, unknown> }[] };
    mutate(m.virtualHosts[0]!.tls);
    expect(validateModel(m).valid).toBe(false);
  });

  it('a model written before the fields existed is valid, and builds without them', () => {
    const m = clone(modelOf(vhost('SSLProtocol TLSv1.2'))) as ProxyModel;
    for (const s of [m.mainServer, ...m.virtualHosts]) {
      if (s.tls) for (const k of ['sessionTickets', 'sessionCache', 'sessionCacheTimeout'] as const) delete s.tls[k];
    }
    const v = validateModel(m);
    expect(v.valid ? [] : v.errors).toEqual([]);
    expect(buildConfig(m)).not.toMatch(/SSLSession|undefined/);
  });

  it('round-trips through config text, SSLSessionCache written once, in the main server', () => {
    const r = compileText(text);
    const built = buildConfig(r.model!);
    expect(built.match(/SSLSessionCache /g)).toHaveLength(1);
    expect(built).toMatch(/^SSLSessionCache shmcb:\/run\/c\(512000\)$/m);
    const again = compileText(built);
    expect(again.diagnostics.filter((d) => d.severity === 'error'), built).toEqual([]);
    expect(comparable(again.model!), built).toEqual(comparable(r.model!));
    // A model read back from JSON shares no objects: the vhosts still inherit SSLSessionCache, not repeat it.
    expect(buildConfig(clone(r.model!)).match(/SSLSessionCache /g)).toHaveLength(1);
  });

  // Before the fields, apx listed SSLSessionTickets as unsupported and SSLSessionCache(Timeout) as irrelevant.
  const older = (): ProxyModel => {
    const m = clone(modelOf(text));
    const span = (s: ProxyModel['virtualHosts'][number] | ProxyModel['mainServer'], line: number) => ({ ...(s.span ?? m.virtualHosts[0]!.span!), line, endLine: line });
    for (const s of [m.mainServer, ...m.virtualHosts]) {
      if (s.tls) for (const k of ['sessionTickets', 'sessionCache', 'sessionCacheTimeout'] as const) delete s.tls[k];
    }
    const v0 = m.virtualHosts[0]!;
    m.unsupported.push(
      { directive: 'SSLSessionCache', args: ['shmcb:/run/c(512000)'], category: 'irrelevant', reason: 'process and start-up settings', span: span(v0, 1) },
      { directive: 'SSLSessionCacheTimeout', args: ['120'], category: 'irrelevant', reason: 'process and start-up settings', span: span(v0, 2) },
      { directive: 'SSLSessionTickets', args: ['off'], category: 'unsupported', reason: 'mod_ssl is not modelled', span: span(v0, v0.span!.line + 5) },
      { directive: 'SSLSessionCacheTimeout', args: ['5'], category: 'irrelevant', reason: 'process and start-up settings', span: span(m.virtualHosts[1]!, m.virtualHosts[1]!.span!.line + 5) },
    );
    return m;
  };

  it('completeModel takes an older model\'s settings from `unsupported`, per server, as compile does', () => {
    const before = older();
    expect(before.unsupported.some((u) => u.directive === 'SSLSessionTickets')).toBe(true);
    const after = completeModel(before);
    const now = modelOf(text);
    expect(after.virtualHosts.map((v) => v.tls)).toEqual(now.virtualHosts.map((v) => v.tls));
    expect(after.virtualHosts[0]!.tls).toMatchObject({ sessionTickets: false, sessionCacheTimeout: 120, sessionCache: { provider: 'shmcb', sizeBytes: 512000 } });
    expect(after.unsupported.filter((u) => u.directive.startsWith('SSLSession'))).toEqual([]);
    // What `apx serve model.json` reads goes through it too.
    const read = readModelJson(JSON.stringify(before));
    expect('model' in read && read.model.virtualHosts[1]!.tls).toMatchObject({ sessionTickets: null, sessionCacheTimeout: 5 });
  });

  it('completeModel leaves a current model alone', () => {
    const m = modelOf(text);
    expect(completeModel(m)).toBe(m);
  });
});
