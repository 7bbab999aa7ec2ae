import { describe, expect, it } from 'vitest';
import {
  a2enmodHint,
  allModules,
  defaultDebianModules,
  moduleByName,
  moduleForIfModule,
  modulesNeededFor,
  normalizeModuleName,
  staticModules,
} from '../../src/directives/modules.js';

describe('normalizeModuleName', () => {
  it.each([
    ['proxy', 'proxy'],
    ['mod_proxy', 'proxy'],
    ['mod_proxy.c', 'proxy'],
    ['proxy_module', 'proxy'],
    ['mod_proxy.so', 'proxy'],
    ['Mod_Proxy.C', 'proxy'],
    ['proxy_http', 'proxy_http'],
    ['mod_proxy_http.c', 'proxy_http'],
    ['proxy_http_module', 'proxy_http'],
    // the a2enmod name and the module's own names differ here
    ['dump_io', 'dump_io'],
    ['mod_dumpio.c', 'dump_io'],
    ['dumpio_module', 'dump_io'],
    ['mod_dump_io', 'dump_io'],
    ['ldap', 'ldap'],
    ['util_ldap.c', 'ldap'],
    ['mpm_event', 'mpm_event'],
    ['event.c', 'mpm_event'],
    ['mpm_event_module', 'mpm_event'],
    // compiled in
    ['mod_log_config.c', 'log_config'],
    ['log_config_module', 'log_config'],
    ['core.c', 'core'],
    ['http_core.c', 'http'],
    // shipped without a .load file
    ['mod_case_filter.c', 'case_filter'],
    ['proxy_htp', undefined],
    ['', undefined],
  ])('%s → %s', (input, expected) => {
    expect(normalizeModuleName(input)).toBe(expected);
  });

  it('describes a module with its Debian facts', () => {
    expect(moduleByName('proxy_balancer')).toEqual({
      name: 'proxy_balancer',
      symbol: 'proxy_balancer_module',
      source: 'mod_proxy_balancer.c',
      file: '/usr/lib/apache2/modules/mod_proxy_balancer.so',
      static: false,
      a2enmod: true,
      depends: ['proxy', 'alias', 'slotmem_shm'],
      requires: ['proxy', 'alias', 'slotmem_shm'],
      conflicts: [],
      debianDefault: false,
    });
    expect(moduleByName('mpm_event')!.conflicts).toEqual(['mpm_worker', 'mpm_prefork']);
    expect(moduleByName('case_filter')).toMatchObject({ a2enmod: false, static: false });
    expect(moduleByName('version')).toMatchObject({ static: true, file: null, debianDefault: true });
  });

  it('gives every module distinct names', () => {
    const seen = new Map<string, string>();
    for (const m of allModules()) {
      for (const alias of [m.name, m.symbol, m.source]) {
        expect(seen.get(alias.toLowerCase()) ?? m.name, alias).toBe(m.name);
        seen.set(alias.toLowerCase(), m.name);
      }
      expect(moduleByName(m.name)).toBe(m);
    }
  });
});

describe('moduleForIfModule', () => {
  // core.c find_module(): strcmp on the source name, then the symbol. Checked on 2.4.71 with proxy loaded:
  // <IfModule mod_proxy.c> and <IfModule proxy_module> are true; mod_proxy, proxy, MOD_PROXY.C, Proxy_Module
  // and mod_proxy.so are all false.
  it.each([
    ['mod_proxy.c', 'proxy'],
    ['proxy_module', 'proxy'],
    ['mod_dumpio.c', 'dump_io'],
    ['event.c', 'mpm_event'],
    ['mod_log_config.c', 'log_config'],
    ['mod_proxy', undefined],
    ['proxy', undefined],
    ['MOD_PROXY.C', undefined],
    ['Proxy_Module', undefined],
    ['mod_proxy.so', undefined],
  ])('<IfModule %s> tests %s', (arg, expected) => {
    expect(moduleForIfModule(arg)?.name).toBe(expected);
  });
});

describe('default Debian modules', () => {
  it('is the compiled-in set plus a fresh install\'s mods-enabled', () => {
    const set = defaultDebianModules();
    for (const m of ['mpm_event', 'alias', 'authz_core', 'mime', 'setenvif', 'status', 'reqtimeout', 'core', 'log_config']) expect(set.has(m), m).toBe(true);
    for (const m of ['proxy', 'proxy_http', 'ssl', 'rewrite', 'headers', 'mpm_prefork']) expect(set.has(m), m).toBe(false);
    expect([...set].filter((m) => !staticModules().has(m))).toHaveLength(19);
  });
});

describe('modulesNeededFor', () => {
  it.each([
    ['proxy_http', ['proxy', 'proxy_http']],
    ['proxy_balancer', ['proxy', 'alias', 'slotmem_shm', 'proxy_balancer']],
    ['lbmethod_byrequests', ['proxy', 'alias', 'slotmem_shm', 'proxy_balancer', 'lbmethod_byrequests']],
    ['proxy_http2', ['proxy', 'http2', 'proxy_http2']],
    // dav_lock.load declares no Depends, but the module links against mod_dav
    ['dav_lock', ['dav', 'dav_lock']],
    ['log_config', []],
    ['nonsense', []],
  ])('%s → %j', (name, expected) => {
    expect(modulesNeededFor(name)).toEqual(expected);
  });
});

describe('a2enmodHint', () => {
  it.each([
    [['proxy_http'], 'a2enmod proxy_http'],
    // a2enmod proxy_http enables proxy itself (# Depends: proxy)
    [['proxy', 'proxy_http'], 'a2enmod proxy_http'],
    [['mod_proxy_http.c', 'proxy_http_module', 'proxy_http'], 'a2enmod proxy_http'],
    // lbmethod_byrequests depends on proxy_balancer, which depends on proxy, alias and slotmem_shm
    [['proxy', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests', 'proxy_http'], 'a2enmod lbmethod_byrequests proxy_http'],
    [['slotmem_shm', 'proxy_http'], 'a2enmod proxy_http slotmem_shm'],
    // a2enmod dav_lock does not enable dav: both must be named
    [['dav', 'dav_lock'], 'a2enmod dav dav_lock'],
    // compiled in: nothing to enable
    [['log_config'], null],
    [[], null],
    [['proxy_http', 'mod_nonsense'], 'a2enmod proxy_http mod_nonsense'],
  ])('%j → %s', (missing, expected) => {
    expect(a2enmodHint(missing)).toBe(expected);
  });
});
