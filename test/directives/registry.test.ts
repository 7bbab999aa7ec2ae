import { describe, expect, it } from 'vitest';
import {
  allDirectives,
  isAllowedIn,
  isAllowedInHtaccess,
  lookupDirective,
  lookupSection,
  providersOf,
  suggestDirective,
} from '../../src/directives/registry.js';
import { allModules } from '../../src/directives/modules.js';
import { APACHE_VERSION, directivesData } from '../../src/directives/data.js';
import { nameKey } from '../../src/directives/names.js';
import type { Placement } from '../../src/directives/types.js';

describe('lookupDirective', () => {
  it.each([
    ['ProxyPass', 'ProxyPass', 'proxy', 'mod_proxy.c'],
    ['proxypass', 'ProxyPass', 'proxy', 'mod_proxy.c'],
    ['PROXYPASSREVERSE', 'ProxyPassReverse', 'proxy', 'mod_proxy.c'],
    ['balancermember', 'BalancerMember', 'proxy', 'mod_proxy.c'],
    ['ServerName', 'ServerName', 'core', 'core.c'],
    ['logformat', 'LogFormat', 'log_config', 'mod_log_config.c'],
    ['rewriterule', 'RewriteRule', 'rewrite', 'mod_rewrite.c'],
    ['sslproxyengine', 'SSLProxyEngine', 'ssl', 'mod_ssl.c'],
    ['proxyhcexpr', 'ProxyHCExpr', 'proxy_hcheck', 'mod_proxy_hcheck.c'],
    ['DumpIOInput', 'DumpIOInput', 'dump_io', 'mod_dumpio.c'],
    ['LDAPTrustedGlobalCert', 'LDAPTrustedGlobalCert', 'ldap', 'util_ldap.c'],
    // prefork's own directive: the generator lists every MPM, not only the one it loaded first
    ['MaxSpareServers', 'MaxSpareServers', 'mpm_prefork', 'prefork.c'],
  ])('%s → %s from %s (%s)', (input, name, module, source) => {
    const d = lookupDirective(input);
    expect(d).toMatchObject({ name, module, source, section: false });
  });

  it('finds sections with or without the angle bracket, in any case', () => {
    for (const input of ['<VirtualHost', '<virtualhost>', 'VIRTUALHOST', '</VirtualHost>']) {
      expect(lookupDirective(input)).toMatchObject({ name: 'VirtualHost', section: true, module: 'core' });
    }
    expect(lookupDirective('<proxy')).toMatchObject({ name: 'Proxy', section: true, module: 'proxy' });
    expect(lookupSection('IfModule')).toMatchObject({ name: 'IfModule', section: true });
  });

  it('keeps a section and a directive of the same name apart (mod_lua)', () => {
    expect(lookupDirective('LuaHookFixups')).toMatchObject({ section: false });
    expect(lookupDirective('<LuaHookFixups')).toMatchObject({ section: true });
    expect(lookupSection('LuaHookFixups')).toMatchObject({ section: true });
  });

  it('does not know directives that do not exist', () => {
    expect(lookupDirective('ProxyPassReverseInterpolateEnv')).toBeUndefined();
    expect(lookupDirective('<ProxyPass')).toBeUndefined();
    expect(lookupDirective('')).toBeUndefined();
  });

  it('records every module that defines a name', () => {
    expect(providersOf(lookupDirective('ScriptLog')!)).toEqual(['cgi', 'cgid']);
    expect(providersOf(lookupDirective('MaxRequestWorkers')!)).toEqual(['mpm_event', 'mpm_prefork', 'mpm_worker']);
    expect(providersOf(lookupDirective('ProxyPass')!)).toEqual(['proxy']);
  });
});

describe('suggestDirective', () => {
  it.each([
    ['ProxyPassReverseInterpolateEnv', ['ProxyPassInterpolateEnv']],
    ['ProxyPas', ['ProxyPass']],
    ['proxypasreverse', ['ProxyPassReverse']],
    ['ProxyPassRevrese', ['ProxyPassReverse']],
    ['Lisen', ['Listen']],
    ['ServerAliass', ['ServerAlias']],
    ['<VirtualHots', ['VirtualHost']],
    ['<Locaton>', ['Location']],
    ['xyzzy', []],
    ['', []],
  ])('%s → %j', (input, expected) => {
    expect(suggestDirective(input)).toEqual(expected);
  });

  it('offers at most `limit` names and can be restricted', () => {
    expect(suggestDirective('ProxyPas', { limit: 1 })).toHaveLength(1);
    expect(suggestDirective('ProxyPas', { filter: (d) => d.module !== 'proxy' })).not.toContain('ProxyPass');
  });
});

describe('contexts', () => {
  const cases: [string, Placement, boolean][] = [
    // -L says "anywhere" but add_pass() refuses NOT_IN_DIRECTORY|NOT_IN_FILES, and <If> counts as <Files>
    ['ProxyPass', 'server', true],
    ['ProxyPass', 'VirtualHost', true],
    ['ProxyPass', 'Location', true],
    ['ProxyPass', 'Directory', false],
    ['ProxyPass', 'Files', false],
    ['ProxyPass', 'If', false],
    ['ProxyPassReverse', 'Directory', false],
    // "only outside <Directory>…" and GLOBAL_ONLY
    ['Listen', 'server', true],
    ['Listen', 'VirtualHost', false],
    ['Listen', 'Location', false],
    ['ServerTokens', 'VirtualHost', false],
    ['ProxyRequests', 'VirtualHost', true],
    ['ProxyRequests', 'Location', false],
    // core.c set_server_alias(): "ServerAlias only used in <VirtualHost>"
    ['ServerAlias', 'server', false],
    ['ServerAlias', 'VirtualHost', true],
    ['VirtualHost', 'VirtualHost', false],
    ['BalancerMember', 'Proxy', true],
    ['Header', 'Directory', true],
    ['Require', 'server', false],
  ];
  it.each(cases)('%s in %s → %s', (name, where, allowed) => {
    expect(isAllowedIn(lookupDirective(name)!, where)).toBe(allowed);
  });

  it('parses the .htaccess override categories', () => {
    const header = lookupDirective('Header')!;
    expect(header.context.htaccess).toEqual(['FileInfo']);
    expect(isAllowedInHtaccess(header, ['FileInfo'])).toBe(true);
    expect(isAllowedInHtaccess(header, ['AuthConfig'])).toBe(false);
    expect(isAllowedInHtaccess(header, 'All')).toBe(true);
    expect(isAllowedInHtaccess(header, 'None')).toBe(false);
    expect(isAllowedInHtaccess(lookupDirective('ProxyPass')!, 'All')).toBe(false);
    expect(lookupDirective('IfModule')!.context.htaccess).toEqual(['AuthConfig', 'FileInfo', 'Indexes', 'Limit', 'Options']);
  });
});

describe('the generated data', () => {
  it('names the server it came from and how to regenerate it', () => {
    expect(APACHE_VERSION).toMatch(/^Apache\/2\.4\.\d+/);
    expect(directivesData.generatedBy).toBe('scripts/gen-directives.ts');
    expect(directivesData.regenerate).toContain('gen-directives');
  });

  it('is sorted by lower-cased name, directive before section, without duplicates', () => {
    const keys = allDirectives().map((d) => `${nameKey(d.name)}\u0000${d.section ? 1 : 0}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    expect(allDirectives().length).toBeGreaterThan(700);
  });

  it('points every directive at modules the module data knows, by the right source name', () => {
    const modules = new Map(allModules().map((m) => [m.name, m]));
    for (const d of allDirectives()) {
      for (const ref of [{ module: d.module, source: d.source }, ...d.alternatives]) {
        expect(modules.get(ref.module)?.source, `${d.name}: ${ref.module}`).toBe(ref.source);
      }
    }
  });
});
