import { describe, expect, it } from 'vitest';
import { FEATURE_MODULES, isKnownProxyScheme, modulesForBalancer, modulesForProxyUrl, proxyUrlScheme } from '../../src/directives/schemes.js';
import { moduleByName } from '../../src/directives/modules.js';

const modulesOf = (url: string, lbmethod?: string): string[] => modulesForProxyUrl(url, { lbmethod }).map((r) => r.module);

describe('modulesForProxyUrl', () => {
  it.each([
    ['http://backend:8080/', ['proxy', 'proxy_http']],
    ['HTTP://backend/', ['proxy', 'proxy_http']],
    ['https://backend/', ['proxy', 'proxy_http', 'ssl']],
    ['ws://backend/socket', ['proxy', 'proxy_http']],
    ['wss://backend/socket', ['proxy', 'proxy_http', 'ssl']],
    ['ajp://tomcat:8009/', ['proxy', 'proxy_ajp']],
    ['fcgi://127.0.0.1:9000/var/www/', ['proxy', 'proxy_fcgi']],
    ['scgi://127.0.0.1:4000/', ['proxy', 'proxy_scgi']],
    ['uwsgi://127.0.0.1:3031/', ['proxy', 'proxy_uwsgi']],
    ['h2://backend/', ['proxy', 'proxy_http2', 'ssl']],
    ['h2c://backend/', ['proxy', 'proxy_http2']],
    ['ftp://files/', ['proxy', 'proxy_ftp']],
    ['unix:/run/php/php-fpm.sock|fcgi://localhost/', ['proxy', 'proxy_fcgi']],
    ['unix:/run/app.sock|http://app/', ['proxy', 'proxy_http']],
    ['unix:/run/app.sock|http:', ['proxy', 'proxy_http']],
    ['unix:/run/fd.sock|fd://', ['proxy', 'proxy_fdpass']],
    ['balancer://cluster/', ['proxy', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests']],
    // not a target: only mod_proxy itself
    ['!', ['proxy']],
    ['unix:/run/app.sock', ['proxy']],
    ['gopher://old/', ['proxy']],
  ])('%s → %j', (url, expected) => {
    expect(modulesOf(url)).toEqual(expected);
  });

  it('follows lbmethod= to its provider module', () => {
    expect(modulesOf('balancer://c/', 'bybusyness')).toEqual(['proxy', 'proxy_balancer', 'slotmem_shm', 'lbmethod_bybusyness']);
    expect(modulesOf('balancer://c/', 'bytraffic')).toContain('lbmethod_bytraffic');
    expect(modulesOf('balancer://c/', 'heartbeat')).toContain('lbmethod_heartbeat');
    // no module provides it: validateBalancerParam reports "unknown lbmethod"
    expect(modulesOf('balancer://c/', 'roundrobin')).toEqual(['proxy', 'proxy_balancer', 'slotmem_shm']);
    expect(modulesOf('balancer://c/', 'ByRequests')).toEqual(['proxy', 'proxy_balancer', 'slotmem_shm']);
    expect(modulesOf('balancer://c/', 'toString')).toEqual(['proxy', 'proxy_balancer', 'slotmem_shm']);
  });

  it('lets either WebSocket module satisfy ws:// and says why', () => {
    const [, ws] = modulesForProxyUrl('ws://b/');
    expect(ws!.anyOf).toEqual(['proxy_http', 'proxy_wstunnel']);
    expect(ws!.reason).toMatch(/mod_proxy_wstunnel/);
    expect(modulesForBalancer()[2]!.reason).toMatch(/byrequests \(the default\)/);
  });

  it('names only modules the registry knows', () => {
    const urls = ['http://a', 'https://a', 'ws://a', 'wss://a', 'ajp://a', 'fcgi://a', 'scgi://a', 'uwsgi://a', 'h2://a', 'h2c://a', 'ftp://a', 'unix:/s|fd://', 'balancer://a'];
    for (const url of urls) {
      for (const r of modulesForProxyUrl(url, { lbmethod: 'heartbeat' })) for (const m of r.anyOf) expect(moduleByName(m)?.name, `${url}: ${m}`).toBe(m);
    }
    for (const f of Object.values(FEATURE_MODULES)) expect(moduleByName(f.module)?.name).toBe(f.module);
  });
});

describe('proxyUrlScheme', () => {
  it.each([
    ['http://a/', { scheme: 'http' }],
    ['unix:/run/x.sock|http://localhost/', { scheme: 'http', socket: '/run/x.sock' }],
    ['UNIX:/run/x.sock|FCGI://localhost/', { scheme: 'fcgi', socket: '/run/x.sock' }],
    // ap_proxy_de_socketfy(): no `|`, or nothing with a colon after it, is "an invalid unix: URL"
    ['unix:/run/x.sock', null],
    ['unix:/run/x.sock|foo', null],
    ['!', null],
    ['/relative', null],
  ])('%s → %j', (url, expected) => {
    expect(proxyUrlScheme(url)).toEqual(expected);
  });

  it('knows which schemes some module handles', () => {
    expect(isKnownProxyScheme('HTTPS')).toBe(true);
    expect(isKnownProxyScheme('balancer')).toBe(true);
    expect(isKnownProxyScheme('gopher')).toBe(false);
  });
});
