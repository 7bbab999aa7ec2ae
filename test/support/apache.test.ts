/** The harness's pure parts: placeholder rendering and module selection (no apache2 needed). */
import { describe, expect, it } from 'vitest';
import { parseLoadFile } from '../../scripts/debian-modules.js';
import { parseDumpModules, renderTemplate, selectModules } from './apache.js';

describe('renderTemplate', () => {
  const vars = { PORT: 8080, PORT1: 8081, ROOT: '/tmp/r', ECHO: 'http://127.0.0.1:9000' };
  it.each([
    ['Listen 127.0.0.1:{{PORT}}', 'Listen 127.0.0.1:8080'],
    ['<VirtualHost *:{{PORT1}}>', '<VirtualHost *:8081>'],
    ['ProxyPass / {{ECHO}}/', 'ProxyPass / http://127.0.0.1:9000/'],
    ['ErrorLog ${APACHE_LOG_DIR}/e.log', 'ErrorLog ${APACHE_LOG_DIR}/e.log'],
    ['{{ROOT}}/a {{ROOT}}/b', '/tmp/r/a /tmp/r/b'],
    ['{ {PORT}} {{ PORT }}', '{ {PORT}} {{ PORT }}'],
  ])('%s', (text, want) => expect(renderTemplate(text, vars)).toBe(want));

  it('refuses an unknown placeholder rather than passing it to Apache', () => {
    expect(() => renderTemplate('Listen {{PROT}}', vars)).toThrow(/unknown placeholder \{\{PROT\}\}/);
  });
});

describe('selectModules', () => {
  const available = [
    parseLoadFile('mpm_event', '# Conflicts: mpm_worker mpm_prefork\nLoadModule mpm_event_module m/mod_mpm_event.so\n'),
    parseLoadFile('mpm_prefork', '# Conflicts: mpm_event mpm_worker\nLoadModule mpm_prefork_module m/mod_mpm_prefork.so\n'),
    parseLoadFile('authz_core', 'LoadModule authz_core_module m/mod_authz_core.so\n'),
    parseLoadFile('alias', 'LoadModule alias_module m/mod_alias.so\n'),
    parseLoadFile('slotmem_shm', 'LoadModule slotmem_shm_module m/mod_slotmem_shm.so\n'),
    parseLoadFile('proxy', 'LoadModule proxy_module m/mod_proxy.so\n'),
    parseLoadFile('proxy_http', '# Depends: proxy\nLoadModule proxy_http_module m/mod_proxy_http.so\n'),
    parseLoadFile('proxy_balancer', '# Depends: proxy alias slotmem_shm\nLoadModule proxy_balancer_module m/mod_proxy_balancer.so\n'),
    parseLoadFile('lbmethod_byrequests', '# Depends: proxy_balancer\nLoadModule lbmethod_byrequests_module m/mod_lbmethod_byrequests.so\n'),
  ];
  it.each<[string, readonly string[], Parameters<typeof selectModules>[1], string[]]>([
    ['adds the MPM and authz_core', [], {}, ['mpm_event', 'authz_core']],
    ['loads Depends first', ['proxy_http'], {}, ['mpm_event', 'authz_core', 'proxy', 'proxy_http']],
    ['transitively', ['lbmethod_byrequests'], {}, ['mpm_event', 'authz_core', 'proxy', 'alias', 'slotmem_shm', 'proxy_balancer', 'lbmethod_byrequests']],
    ['once each', ['proxy_http', 'proxy', 'proxy_http'], {}, ['mpm_event', 'authz_core', 'proxy', 'proxy_http']],
    ['keeps a left-out dependency out', ['proxy_http'], { resolveDepends: false }, ['mpm_event', 'authz_core', 'proxy_http']],
    ['in the order given', ['proxy_http', 'proxy'], { resolveDepends: false }, ['mpm_event', 'authz_core', 'proxy_http', 'proxy']],
    ['another MPM by option', [], { mpm: 'prefork' }, ['mpm_prefork', 'authz_core']],
    ['another MPM by name', ['mpm_prefork'], {}, ['authz_core', 'mpm_prefork']],
  ])('%s', (_, modules, opts, want) => {
    const sel = selectModules(modules, { ...opts, available });
    expect(sel.names).toEqual(want);
    expect(sel.loadLines).toHaveLength(want.length);
    expect(sel.loadLines[sel.names.indexOf('authz_core')]).toBe('LoadModule authz_core_module m/mod_authz_core.so');
  });

  it("'all' loads every module but the other MPMs", () => {
    const sel = selectModules('all', { available });
    expect(sel.names).not.toContain('mpm_prefork');
    expect(sel.names).toHaveLength(available.length - 1);
    expect(sel.loadLines.indexOf('LoadModule proxy_module m/mod_proxy.so')).toBeLessThan(
      sel.loadLines.indexOf('LoadModule proxy_http_module m/mod_proxy_http.so'),
    );
  });

  it('names an unknown module and suggests near ones', () => {
    expect(() => selectModules(['proxy_htp'], { available })).toThrow(/unknown module "proxy_htp"/);
    expect(() => selectModules(['balancer'], { available })).toThrow(/did you mean proxy_balancer/);
  });
});

describe('parseDumpModules', () => {
  it('reads `apache2 -M` output', () => {
    const text = 'Loaded Modules:\n core_module (static)\n so_module (static)\n proxy_module (shared)\n';
    expect(parseDumpModules(text)).toEqual([
      { name: 'core_module', kind: 'static' },
      { name: 'so_module', kind: 'static' },
      { name: 'proxy_module', kind: 'shared' },
    ]);
  });
});
