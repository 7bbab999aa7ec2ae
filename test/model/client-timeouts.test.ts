/**
 * RequestReadTimeout, KeepAliveTimeout (per server, inherited stage by stage) and ProxyHCExpr / ProxyHCTemplate
 * (per server, not inherited) as typed model fields: values, httpd's defaults, scoping, apache2's start-up
 * messages for values it refuses (each checked on apache2 2.4.71 with `apache2 -t`), the way back to config text,
 * and models written before the fields existed.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/build/index.js';
import { completeModel, readModelJson, validateModel, type ProxyModel, type RequestReadTimeout } from '../../src/model/index.js';
import { ACCEPTED, CLIENT_TIMEOUT_REFUSALS, HEALTH_CHECK_REFUSALS, REQTIMEOUT_MODULES } from './client-timeouts-cases.js';
import { comparable, compileText, modelOf } from './helpers.js';

const WITH_REQTIMEOUT = REQTIMEOUT_MODULES;
const compileWith = (text: string) => compileText(text, { modules: WITH_REQTIMEOUT });
const model = (text: string): ProxyModel => modelOf(text, { modules: WITH_REQTIMEOUT });
const errors = (text: string): { message: string; line: number; hint: string | undefined }[] =>
  compileWith(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => ({ message: d.message, line: d.span.line, hint: d.hint }));

const DEFAULTS: RequestReadTimeout = { handshake: null, header: { initial: 20, max: 40, minRate: 500 }, body: { initial: 20, max: null, minRate: 500 } };
const VHOST = (inner: string): string => `<VirtualHost *:80>\n${inner}ProxyPass / http://127.0.0.1:9/\n</VirtualHost>\n`;

describe('RequestReadTimeout and KeepAliveTimeout per server', () => {
  it.each<[string, string, RequestReadTimeout | null, number, RequestReadTimeout | null, number]>([
    ['nothing written: httpd defaults everywhere', VHOST(''), DEFAULTS, 5000, DEFAULTS, 5000],
    [
      'main server lines add up stage by stage; the vhost inherits',
      'RequestReadTimeout header=1 body=9\nRequestReadTimeout body=2\nKeepAliveTimeout 300ms\n' + VHOST(''),
      { handshake: null, header: { initial: 1, max: null, minRate: null }, body: { initial: 2, max: null, minRate: null } },
      300,
      { handshake: null, header: { initial: 1, max: null, minRate: null }, body: { initial: 2, max: null, minRate: null } },
      300,
    ],
    [
      'a vhost sets one stage: the others are the main server’s',
      'RequestReadTimeout body=30\nKeepAliveTimeout 2\n' + VHOST('RequestReadTimeout header=5-10,minrate=100 handshake=3\nKeepAliveTimeout 1min\n'),
      { ...DEFAULTS, body: { initial: 30, max: null, minRate: null } },
      2000,
      { handshake: { initial: 3, max: null, minRate: null }, header: { initial: 5, max: 10, minRate: 100 }, body: { initial: 30, max: null, minRate: null } },
      60_000,
    ],
    ['stage=0 turns a stage off', 'RequestReadTimeout header=0 body=0-10,MinRate=5\n' + VHOST(''), { handshake: null, header: null, body: null }, 5000, { handshake: null, header: null, body: null }, 5000],
    ['strtol-style numbers: a sign and leading blanks', 'RequestReadTimeout header=+7 "body= 8"\n' + VHOST(''), { handshake: null, header: { initial: 7, max: null, minRate: null }, body: { initial: 8, max: null, minRate: null } }, 5000, { handshake: null, header: { initial: 7, max: null, minRate: null }, body: { initial: 8, max: null, minRate: null } }, 5000],
  ])('%s', (_name, text, mainRrt, mainKa, vhostRrt, vhostKa) => {
    const r = compileWith(text);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const m = r.model!;
    expect([m.mainServer.requestReadTimeout, m.mainServer.keepAliveTimeoutMs]).toEqual([mainRrt, mainKa]);
    expect([m.virtualHosts[0]!.requestReadTimeout, m.virtualHosts[0]!.keepAliveTimeoutMs]).toEqual([vhostRrt, vhostKa]);
    // Modelled: no longer listed as unsupported.
    expect(m.unsupported.map((u) => u.directive)).not.toContain('RequestReadTimeout');
    expect(m.unsupported.map((u) => u.directive)).not.toContain('KeepAliveTimeout');
  });

  it('is null without mod_reqtimeout (no read deadlines but Timeout); KeepAliveTimeout is core', () => {
    const m = modelOf('KeepAliveTimeout 7\n' + VHOST(''));
    expect(m.mainServer.requestReadTimeout).toBeNull();
    expect(m.virtualHosts[0]!.keepAliveTimeoutMs).toBe(7000);
  });

  it('a RequestReadTimeout written without the module loaded is kept (lint reports the module)', () => {
    const m = modelOf(VHOST('RequestReadTimeout header=1\n'));
    expect(m.mainServer.requestReadTimeout).toEqual(DEFAULTS);
    expect(m.virtualHosts[0]!.requestReadTimeout).toEqual({ ...DEFAULTS, header: { initial: 1, max: null, minRate: null } });
  });

  // The messages apache2 2.4.71 prints for each (`apache2 -t`, AH00526 "Syntax error on line N"): compared with the
  // real server in client-timeouts-apache.system.test.ts.
  it.each(CLIENT_TIMEOUT_REFUSALS)('%s → %s', (directive, message) => {
    const errs = errors(`ServerName x\n${directive}\n`);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.message).toBe(message);
    expect(errs[0]!.line).toBe(2);
    expect(errs[0]!.hint).toMatch(/^(RequestReadTimeout|KeepAliveTimeout) /);
  });

  it('a refused line changes nothing: the earlier value stays', () => {
    const r = compileWith('RequestReadTimeout header=3\nRequestReadTimeout body=4 header=1-2\n');
    expect(r.model!.mainServer.requestReadTimeout).toEqual({ ...DEFAULTS, header: { initial: 3, max: null, minRate: null } });
  });
});

describe('ProxyHCExpr and ProxyHCTemplate per server', () => {
  const text =
    'ProxyHCExpr ok234 {%{REQUEST_STATUS} =~ /^[234]/}\nProxyHCTemplate probe hcmethod=GET hcuri=/hc hcInterval=200ms hcexpr=ok234\n' +
    '<VirtualHost *:80>\nProxyHCExpr gone {hc(\'body\') !~ /Under maintenance/}\nProxyHCExpr "up" "%{REQUEST_STATUS} == 200"\nProxyHCTemplate t2 hcmethod=TCP\nProxyPass / http://127.0.0.1:9/\n</VirtualHost>\n' +
    '<VirtualHost *:81>\nProxyPass / http://127.0.0.1:9/\n</VirtualHost>\n';

  it('keeps each server’s own definitions, braces dropped and keys lower-case; vhosts inherit none', () => {
    const r = compileWith(text);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const m = r.model!;
    const strip = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'span' ? undefined : v)));
    expect(strip(m.mainServer.healthChecks)).toEqual({
      expressions: [{ name: 'ok234', expr: '%{REQUEST_STATUS} =~ /^[234]/' }],
      templates: [{ name: 'probe', params: { hcmethod: 'GET', hcuri: '/hc', hcinterval: '200ms', hcexpr: 'ok234' } }],
    });
    expect(strip(m.virtualHosts[0]!.healthChecks)).toEqual({
      expressions: [
        { name: 'gone', expr: "hc('body') !~ /Under maintenance/" },
        { name: 'up', expr: '%{REQUEST_STATUS} == 200' },
      ],
      templates: [{ name: 't2', params: { hcmethod: 'TCP' } }],
    });
    expect(m.virtualHosts[1]!.healthChecks).toEqual({ expressions: [], templates: [] });
    expect(m.mainServer.healthChecks!.expressions[0]!.span).toMatchObject({ line: 1, column: 1 });
    expect(m.unsupported.map((u) => u.directive).filter((d) => /^ProxyHC/i.test(d))).toEqual([]);
  });

  it.each(HEALTH_CHECK_REFUSALS)('%s → %s', (directive, message) => {
    const errs = errors(`ServerName x\n${directive}\n`);
    expect(errs.map((e) => e.message)).toEqual([message]);
    expect(errs[0]!.line).toBe(2);
    expect(errs[0]!.hint).toBeTruthy();
  });

  it.each(ACCEPTED)('accepts what apache2 accepts: %s', (lines) => {
    expect(errors(`ServerName x\n${lines}\n`)).toEqual([]);
  });

  it('a vhost cannot name a main-server ProxyHCExpr (no inheritance), as apache2 says on line 3', () => {
    expect(errors('ProxyHCExpr ok {true}\n<VirtualHost *:80>\nProxyHCTemplate t hcexpr=ok\n</VirtualHost>\n')).toEqual([
      { message: 'ProxyHCTemplate: Unknown health check condition expr: ok hcexpr=ok; t', line: 3, hint: expect.stringContaining('ProxyHCExpr ok') },
    ]);
  });
});

describe('back to config text', () => {
  const text =
    'RequestReadTimeout header=10-20,MinRate=300 body=0\nKeepAliveTimeout 1500ms\nProxyHCExpr ok {%{REQUEST_STATUS} =~ /^[23]/}\nProxyHCTemplate p hcmethod=HEAD hcexpr=ok hcinterval=2\n' +
    '<Proxy balancer://c>\nBalancerMember http://127.0.0.1:1 hctemplate=p\n</Proxy>\n' +
    VHOST('RequestReadTimeout handshake=5 body=30\nKeepAliveTimeout 1500ms\nProxyHCExpr in {hc(\'body\') =~ /ok/}\n') +
    VHOST('KeepAliveTimeout 9\n');

  it('writes only what differs from the defaults and from the main server, and compiles back to the same model', () => {
    const m = model(text);
    const built = buildConfig(m);
    expect(built).toContain('RequestReadTimeout header=10-20,MinRate=300 body=0\nKeepAliveTimeout 1500ms\nProxyHCExpr ok {%{REQUEST_STATUS} =~ /^[23]/}\nProxyHCTemplate p hcmethod=HEAD hcexpr=ok hcinterval=2\n');
    expect(built).toContain("    RequestReadTimeout handshake=5 body=30\n    ProxyHCExpr in {hc('body') =~ /ok/}\n");
    expect(built).toContain('    KeepAliveTimeout 9\n');
    expect(built.match(/KeepAliveTimeout/g)).toHaveLength(2);
    const again = compileWith(built);
    expect(again.diagnostics.filter((d) => d.severity === 'error'), built).toEqual([]);
    expect(comparable(again.model!)).toEqual(comparable(m));
  });
});

describe('models written before these fields', () => {
  /** The model as apx wrote it before: the fields absent, the directives listed in `unsupported`. */
  function legacy(m: ProxyModel): Record<string, any> {
    const old = JSON.parse(JSON.stringify(m)) as Record<string, any>;
    for (const s of [old['mainServer'], ...old['virtualHosts']]) {
      delete s.requestReadTimeout;
      delete s.keepAliveTimeoutMs;
      delete s.healthChecks;
    }
    const span = (line: number) => ({ file: '/site.conf', line, column: 1, endLine: line, endColumn: 10 });
    old['unsupported'] = [
      { directive: 'RequestReadTimeout', args: ['header=3', 'body=4'], category: 'unsupported', reason: 'mod_reqtimeout is not modelled', span: span(1) },
      { directive: 'KeepAliveTimeout', args: ['2'], category: 'irrelevant', reason: 'client connection tuning', span: span(2) },
      { directive: 'ProxyHCExpr', args: ['ok', '{%{REQUEST_STATUS}', '=~', '/^2/}'], category: 'unsupported', reason: 'mod_proxy_hcheck is not modelled', span: span(3) },
      { directive: 'KeepAliveTimeout', args: ['7'], category: 'irrelevant', reason: 'client connection tuning', span: span(6) },
      { directive: 'ServerAdmin', args: ['x@y'], category: 'irrelevant', reason: 'identity', span: span(9) },
    ];
    return old;
  }
  // The <VirtualHost> spans lines 4–8.
  const current = model('ServerName a\nServerAdmin x@y\nTimeout 30\n<VirtualHost *:80>\nServerName v\nProxyPass / http://127.0.0.1:9/\nServerAlias w\n</VirtualHost>\n');

  it('still validate (the fields are optional in the schema)', () => {
    const v = validateModel(legacy(current));
    expect(v.valid ? [] : v.errors).toEqual([]);
  });

  it('are completed from their unsupported entries (a vhost’s by its span), which are then dropped', () => {
    const r = readModelJson(JSON.stringify(legacy(current)));
    if (!('model' in r)) throw new Error(JSON.stringify(r.errors));
    const main = r.model.mainServer;
    const v = r.model.virtualHosts[0]!;
    expect(main.requestReadTimeout).toEqual({ handshake: null, header: { initial: 3, max: null, minRate: null }, body: { initial: 4, max: null, minRate: null } });
    expect(main.keepAliveTimeoutMs).toBe(2000);
    expect(v.keepAliveTimeoutMs).toBe(7000);
    expect(v.requestReadTimeout).toEqual(main.requestReadTimeout);
    expect(main.healthChecks!.expressions.map((e) => [e.name, e.expr])).toEqual([['ok', '%{REQUEST_STATUS} =~ /^2/']]);
    expect(v.healthChecks).toEqual({ expressions: [], templates: [] });
    expect(r.model.unsupported.map((u) => u.directive)).toEqual(['ServerAdmin']);
  });

  it('a complete model is returned as it is', () => {
    expect(completeModel(current)).toBe(current);
  });
});
