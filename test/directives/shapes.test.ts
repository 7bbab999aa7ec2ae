import { describe, expect, it } from 'vitest';
import { checkArity, DIRECTIVE_SHAPES, directiveShape } from '../../src/directives/shapes.js';
import { lookupDirective } from '../../src/directives/registry.js';
import { apacheSays, haveApache, noApacheReason } from './apache-says.js';

describe('directive shapes', () => {
  it('describe directives the registry knows, by their canonical names', () => {
    for (const s of DIRECTIVE_SHAPES) {
      const d = lookupDirective(s.section ? `<${s.name}` : s.name);
      expect(d?.name, s.name).toBe(s.name);
      expect(d?.section ?? false, s.name).toBe(s.section ?? false);
    }
  });

  it('covers the directives apx interprets', () => {
    const wanted = [
      'ProxyPass', 'ProxyPassMatch', 'ProxyPassReverse', 'ProxyPassReverseCookieDomain', 'ProxyPassReverseCookiePath', 'ProxyPreserveHost',
      'ProxyRequests', 'ProxyVia', 'ProxyAddHeaders', 'ProxyTimeout', 'ProxySet', 'BalancerMember', 'ProxyErrorOverride', 'ProxyPassInherit',
      'ProxyHCExpr', 'ProxyHCTemplate', 'Listen', 'ServerName', 'ServerAlias', 'DocumentRoot', 'Timeout', 'KeepAlive', 'SSLEngine',
      'SSLCertificateFile', 'SSLCertificateKeyFile', 'SSLCertificateChainFile', 'SSLProxyEngine', 'SSLProxyVerify', 'SSLProxyCheckPeerName',
      'SSLProtocol', 'RequestHeader', 'Header', 'RewriteEngine', 'RewriteCond', 'RewriteRule', 'LogFormat', 'CustomLog', 'ErrorLog', 'Define',
      'Include', 'IncludeOptional', 'LoadModule', 'AllowEncodedSlashes',
    ];
    for (const name of wanted) expect(directiveShape(name), name).toBeDefined();
    for (const name of ['VirtualHost', 'Location', 'LocationMatch', 'Proxy', 'ProxyMatch']) expect(directiveShape(name, true)?.section, name).toBe(true);
    expect(directiveShape('<proxy>')?.name).toBe('Proxy');
    expect(directiveShape('proxypass')?.name).toBe('ProxyPass');
  });
});

describe('checkArity', () => {
  const shape = (name: string) => directiveShape(name)!;
  it.each([
    ['ProxyPass', 1, undefined, 'ProxyPass|ProxyPassMatch needs a path when not defined in a location'],
    ['ProxyPass', 2, undefined, null],
    ['ProxyPass', 5, undefined, null],
    ['ProxyPass', 1, 'Location', null],
    ['ProxyPass', 1, 'locationmatch', null],
    ['ProxyPassReverse', 1, undefined, 'ProxyPassReverse needs a path when not defined in a location'],
    ['ProxyPassReverse', 3, undefined, null],
    ['ProxyPassReverse', 4, undefined, 'ProxyPassReverse takes 2 to 3 arguments, got 4'],
    ['ProxyPassReverse', 3, 'Location', 'ProxyPassReverse takes 1 to 2 arguments, got 3'],
    ['ServerName', 0, undefined, 'ServerName takes one argument, The hostname and port of the server'],
    ['ServerName', 2, undefined, 'ServerName takes 1 argument, got 2'],
    // FLAG: the words after the first are dropped by invoke_cmd(), not refused
    ['ProxyPreserveHost', 3, undefined, null],
    ['ProxyPreserveHost', 0, undefined, 'ProxyPreserveHost must be On or Off'],
    ['BalancerMember', 1, undefined, 'BalancerMember must define balancer name when outside <Proxy > section'],
    ['BalancerMember', 1, 'Proxy', null],
    ['Listen', 3, undefined, 'Listen takes 1 to 2 arguments, got 3'],
    ['SSLProtocol', 0, undefined, null],
    // parseargline() reads three words and ignores the rest
    ['RewriteRule', 4, undefined, null],
    ['RewriteRule', 1, undefined, "RewriteRule: bad argument line ''"],
  ] as const)('%s with %i argument(s) in %s', (name, count, section, expected) => {
    expect(checkArity(shape(name), count, section)).toBe(expected);
  });
});

/**
 * Each shape's arity against the real server: `Name On On …` with 0–5 words at the top level. Apache either
 * refuses the count (an arity message) or gets to the values; apx must agree on which counts are refused for
 * arity. Directives whose handlers read their own words (RAW_ARGS) are checked where their messages are known.
 */
describe.skipIf(!haveApache)(`arity on real Apache${haveApache ? '' : ` (skipped: ${noApacheReason})`}`, () => {
  const ARITY = /takes (?:one|two|three|1-2|one or|two or|one, two)[^]*argument|requires (?:at least )?(?:one|two|three|1 or 2) argument|must be On or Off|requires additional arguments|needs a path|bad argument line/;
  const simple = DIRECTIVE_SHAPES.filter((s) => !s.section && ['ProxyPassReverse', 'ProxyPassReverseCookieDomain', 'ProxyPassReverseCookiePath', 'ProxyVia', 'ProxyTimeout', 'ServerName', 'Timeout', 'AllowEncodedSlashes', 'ErrorLog', 'LogFormat', 'CustomLog', 'SSLEngine', 'SSLProxyVerify', 'ProxyPreserveHost', 'RewriteEngine', 'SSLSessionTickets', 'SSLHonorCipherOrder', 'SSLProxyCheckPeerCN', 'Listen', 'RewriteRule', 'LoadModule', 'Define'].includes(s.name));
  it.each(simple.map((s) => [s.name, s] as const))('%s', async (_, s) => {
    for (let n = 0; n <= 5; n++) {
      const said = (await apacheSays([s.name, ...Array.from({ length: n }, () => 'On')].join(' '))) ?? '';
      const apacheRefusesCount = ARITY.test(said);
      expect(apacheRefusesCount, `${s.name} with ${n}: Apache said ${JSON.stringify(said)}`).toBe(checkArity(s, n) !== null);
    }
  });
});

/**
 * The words a shape checks (lint rule invalid-value) against the real server: each accepted word, in two cases, is
 * Syntax OK, and a word outside them gets exactly the refusal apx quotes.
 */
describe.skipIf(!haveApache)(`refused values on real Apache${haveApache ? '' : ` (skipped: ${noApacheReason})`}`, () => {
  const checked = DIRECTIVE_SHAPES.flatMap((s) => s.args.filter((a) => a.refusal !== undefined).map((a) => [s.name, a] as const));
  it('cover every FLAG shape and the fixed-choice keywords', () => {
    const names = checked.map(([n]) => n);
    for (const s of DIRECTIVE_SHAPES) if (s.args[0]?.kind === 'flag') expect(names).toContain(s.name);
    expect(names).toEqual(expect.arrayContaining(['ProxyVia', 'AllowEncodedSlashes', 'SSLEngine', 'SSLProxyVerify']));
  });
  it.each(checked)('%s', async (name, spec) => {
    const words = spec.kind === 'flag' ? ['On', 'Off'] : spec.values!;
    for (const w of words) {
      expect(await apacheSays(`${name} ${w.toUpperCase()}`), `${name} ${w.toUpperCase()}`).toBeNull();
      expect(await apacheSays(`${name} ${w.toLowerCase()}`), `${name} ${w.toLowerCase()}`).toBeNull();
    }
    expect(await apacheSays(`${name} bogus`)).toBe(spec.refusal!.replace('%s', 'bogus'));
  });
});
