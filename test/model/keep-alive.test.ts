/**
 * `KeepAlive` and `MaxKeepAliveRequests` as typed model fields (Server.keepAlive, Server.maxKeepAliveRequests):
 * values as httpd reads them, its defaults, a vhost taking the main server's (ap_fixup_virtual_hosts), apache2's
 * start-up messages for what it refuses (keep-alive-cases.ts, checked against apache2 in
 * test/differential/keep-alive.test.ts), the way back to config text, and models written before the fields.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/build/index.js';
import { completeModel, readModelJson, validateModel, type ProxyModel } from '../../src/model/index.js';
import { KEEP_ALIVE_ACCEPTED, KEEP_ALIVE_REFUSALS } from './keep-alive-cases.js';
import { comparable, compileText, modelOf } from './helpers.js';

const VHOST = (inner: string): string => `<VirtualHost *:80>\n${inner}ProxyPass / http://127.0.0.1:9/\n</VirtualHost>\n`;
const errors = (text: string): { message: string; line: number; hint: string | undefined }[] =>
  compileText(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => ({ message: d.message, line: d.span.line, hint: d.hint }));
const pair = (s: ProxyModel['mainServer']): [boolean | undefined, number | undefined] => [s.keepAlive, s.maxKeepAliveRequests];

describe('KeepAlive and MaxKeepAliveRequests per server', () => {
  it.each<[string, string, [boolean, number], [boolean, number]]>([
    ['nothing written: httpd\'s defaults everywhere', VHOST(''), [true, 100], [true, 100]],
    ['main server values reach a vhost without its own', 'KeepAlive Off\nMaxKeepAliveRequests 7\n' + VHOST(''), [false, 7], [false, 7]],
    ['a vhost overrides each', 'MaxKeepAliveRequests 3\n' + VHOST('KeepAlive off\nMaxKeepAliveRequests 5\n'), [true, 3], [false, 5]],
    ['the last line wins', 'KeepAlive Off\nKeepAlive ON\nMaxKeepAliveRequests 9\nMaxKeepAliveRequests 0\n' + VHOST(''), [true, 0], [true, 0]],
    ['atoi: words are 0 (unlimited), a number prefix counts', 'MaxKeepAliveRequests abc\n' + VHOST('MaxKeepAliveRequests 12x\n'), [true, 0], [true, 12]],
    ['a vhost\'s -1 is httpd\'s "unset": the main server\'s value', 'MaxKeepAliveRequests 4\n' + VHOST('MaxKeepAliveRequests -1\n'), [true, 4], [true, 4]],
    ['the main server\'s -1 stays (no keep-alive), and a vhost inherits it', 'MaxKeepAliveRequests -1\n' + VHOST(''), [true, -1], [true, -1]],
    ['KeepAlive takes the first word only (FLAG)', 'KeepAlive Off On\n' + VHOST(''), [false, 100], [false, 100]],
  ])('%s', (_name, text, main, vhost) => {
    const m = modelOf(text);
    expect(pair(m.mainServer)).toEqual(main);
    expect(pair(m.virtualHosts[0]!)).toEqual(vhost);
    expect(m.unsupported.map((u) => u.directive)).toEqual([]);
  });

  it.each([
    ['in the main server: no keep-alive at all (ap_set_keepalive needs it above 0)', 'KeepAliveTimeout 0\n' + VHOST(''), 0, 0],
    ['in a vhost: httpd\'s "unset", the main server\'s (ap_fixup_virtual_hosts tests == 0)', 'KeepAliveTimeout 2\n' + VHOST('KeepAliveTimeout 0\n'), 2000, 2000],
  ])('KeepAliveTimeout 0 %s', (_name, text, main, vhost) => {
    const m = modelOf(text);
    expect([m.mainServer.keepAliveTimeoutMs, m.virtualHosts[0]!.keepAliveTimeoutMs]).toEqual([main, vhost]);
  });

  it.each(KEEP_ALIVE_REFUSALS)('%s → %s', (directive, message) => {
    const errs = errors(`ServerName x\n${directive}\n`);
    expect(errs).toEqual([{ message, line: 2, hint: expect.stringMatching(/^(KeepAlive On|MaxKeepAliveRequests 100)$/) }]);
  });

  it.each(KEEP_ALIVE_ACCEPTED)('accepts what apache2 accepts: %s', (line) => {
    expect(errors(`ServerName x\n${line}\n`)).toEqual([]);
  });

  it('a refused line changes nothing: the earlier value stays', () => {
    const m = compileText('KeepAlive Off\nKeepAlive maybe\nMaxKeepAliveRequests 5\nMaxKeepAliveRequests 6 7\n').model!;
    expect(pair(m.mainServer)).toEqual([false, 5]);
  });

  it('the model validates against the JSON schema, and a wrong type does not', () => {
    const m = JSON.parse(JSON.stringify(modelOf('KeepAlive Off\nMaxKeepAliveRequests -1\n' + VHOST('MaxKeepAliveRequests 0\n')))) as Record<string, any>;
    const v = validateModel(m);
    expect(v.valid ? [] : v.errors).toEqual([]);
    m['virtualHosts'][0]['maxKeepAliveRequests'] = 1.5;
    m['mainServer']['keepAlive'] = 'off';
    const bad = validateModel(m);
    expect(bad.valid ? [] : bad.errors.map((e) => e.path).sort()).toEqual(['/mainServer/keepAlive', '/virtualHosts/0/maxKeepAliveRequests']);
  });
});

describe('back to config text', () => {
  it('writes only what differs from the defaults and the main server, and compiles back to the same model', () => {
    const m = modelOf('KeepAlive Off\nMaxKeepAliveRequests 3\n' + VHOST('KeepAlive On\n') + VHOST('MaxKeepAliveRequests 0\n') + VHOST(''));
    const built = buildConfig(m);
    expect(built).toContain('KeepAlive Off\nMaxKeepAliveRequests 3\n');
    expect(built).toContain('    KeepAlive On\n');
    expect(built).toContain('    MaxKeepAliveRequests 0\n');
    expect(built.match(/KeepAlive (On|Off)/g)).toHaveLength(2);
    expect(built.match(/MaxKeepAliveRequests/g)).toHaveLength(2);
    const again = compileText(built);
    expect(again.diagnostics.filter((d) => d.severity === 'error'), built).toEqual([]);
    expect(comparable(again.model!)).toEqual(comparable(m));
  });

  it('writes neither for httpd\'s defaults', () => {
    expect(buildConfig(modelOf(VHOST('')))).not.toMatch(/KeepAlive|MaxKeepAliveRequests/);
  });
});

describe('models written before these fields', () => {
  // The <VirtualHost> spans lines 4–8 of /site.conf (the span the legacy entries are matched against).
  const current = modelOf('ServerName a\nServerAdmin x@y\nTimeout 30\n<VirtualHost *:80>\nServerName v\nProxyPass / http://127.0.0.1:9/\nServerAlias w\n</VirtualHost>\n', { file: '/site.conf' });
  /** As apx wrote it before: no fields, the directives listed in `unsupported` as "client connection tuning". */
  function legacy(entries: [directive: string, args: string[], line: number][]): Record<string, any> {
    const old = JSON.parse(JSON.stringify(current)) as Record<string, any>;
    for (const s of [old['mainServer'], ...old['virtualHosts']]) {
      delete s.keepAlive;
      delete s.maxKeepAliveRequests;
    }
    const span = (line: number) => ({ file: '/site.conf', line, column: 1, endLine: line, endColumn: 10 });
    old['unsupported'] = [
      ...entries.map(([directive, args, line]) => ({ directive, args, category: 'irrelevant', reason: 'client connection tuning; apx keeps its own client keep-alive', span: span(line) })),
      { directive: 'ServerAdmin', args: ['x@y'], category: 'irrelevant', reason: 'identity', span: span(2) },
    ];
    return old;
  }

  it('still validate (the fields are optional in the schema)', () => {
    const v = validateModel(legacy([['KeepAlive', ['Off'], 1]]));
    expect(v.valid ? [] : v.errors).toEqual([]);
  });

  it.each<[string, [string, string[], number][], [boolean, number], [boolean, number]]>([
    ['none listed: httpd\'s defaults', [], [true, 100], [true, 100]],
    ['main server entries reach the vhost', [['KeepAlive', ['Off'], 1], ['MaxKeepAliveRequests', ['3'], 3]], [false, 3], [false, 3]],
    ['a vhost entry (by its span) is the vhost\'s own', [['MaxKeepAliveRequests', ['3'], 1], ['MaxKeepAliveRequests', ['8'], 6], ['KeepAlive', ['off'], 7]], [true, 3], [false, 8]],
    ['a vhost\'s -1 takes the main server\'s', [['MaxKeepAliveRequests', ['3'], 1], ['MaxKeepAliveRequests', ['-1'], 6]], [true, 3], [true, 3]],
    ['refused values are skipped', [['KeepAlive', ['maybe'], 1], ['MaxKeepAliveRequests', ['1', '2'], 3]], [true, 100], [true, 100]],
  ])('are completed from their unsupported entries: %s', (_name, entries, main, vhost) => {
    const r = readModelJson(JSON.stringify(legacy(entries)));
    if (!('model' in r)) throw new Error(JSON.stringify(r.errors));
    expect(pair(r.model.mainServer)).toEqual(main);
    expect(pair(r.model.virtualHosts[0]!)).toEqual(vhost);
    expect(r.model.unsupported.map((u) => u.directive)).toEqual(['ServerAdmin']);
  });

  it('a complete model is returned as it is', () => {
    expect(completeModel(current)).toBe(current);
  });
});
