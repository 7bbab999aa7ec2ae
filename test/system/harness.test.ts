/**
 * The real-Apache harness tests itself: if these fail, no differential result means anything.
 * Apache behaviour relied on (APACHE-FACTS.md "Headers"): with ProxyPreserveHost Off, mod_proxy_http sends
 * Host = backend host:port and adds X-Forwarded-For/-Host/-Server; ProxyPassReverse rewrites Location.
 */
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  apacheAvailable,
  apacheSkipReason,
  ApacheStartError,
  configTest,
  createServerRoot,
  disposeAllApache,
  dumpIncludes,
  dumpModules,
  dumpVhosts,
  parseDumpModules,
  processGroupAlive,
  startApache,
} from '../support/apache.js';
import { headerValue, rawRequest, request, startEchoBackend, type Backend } from '../support/backends.js';
import { portAccepts } from '../support/ports.js';

if (!apacheAvailable()) console.warn(`harness tests skipped: ${apacheSkipReason()}`);

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    // the parent is gone; its children count only while alive (a SIGKILLed parent's children are zombies until
    // PID 1 reaps them)
    return !processGroupAlive(pid);
  }
}

describe.skipIf(!apacheAvailable())('real Apache harness', () => {
  const backends: Backend[] = [];
  afterAll(async () => {
    await disposeAllApache();
    await Promise.all(backends.map((b) => b.close()));
  });

  it('proxies through mod_proxy_http: Host is the backend, X-Forwarded-* added, Location rewritten', async () => {
    const echo = await startEchoBackend({ name: 'a' });
    backends.push(echo);
    const root = await createServerRoot({
      modules: ['proxy', 'proxy_http'],
      config: `ProxyPass / {{ECHO}}/\nProxyPassReverse / {{ECHO}}/\n`,
      vars: { ECHO: echo.url },
    });
    echo.set({ headers: { Location: `${echo.url}/moved/here` } });
    const httpd = await startApache(root);
    expect(httpd.url).toBe(`http://127.0.0.1:${httpd.port}`);

    const res = await request(`${httpd.url}/some/path?q=1`, { headers: { 'X-Test': 'yes' } });
    expect(res.status).toBe(200);
    const seen = res.json();
    expect(seen.backend).toBe('a');
    expect(seen.url).toBe('/some/path?q=1');
    expect(headerValue(seen.headers, 'Host')).toBe(echo.hostPort);
    expect(headerValue(seen.headers, 'X-Forwarded-For')).toBe('127.0.0.1');
    expect(headerValue(seen.headers, 'X-Forwarded-Host')).toBe(`127.0.0.1:${httpd.port}`);
    expect(headerValue(seen.headers, 'X-Forwarded-Server')).toBe('127.0.0.1');
    expect(headerValue(seen.headers, 'X-Test')).toBe('yes');
    expect(echo.requests).toHaveLength(1);
    expect(res.header('Location')).toBe(`http://127.0.0.1:${httpd.port}/moved/here`);

    // raw client: absolute-form target is routed by its path (ProxyRequests Off)
    const raw = await rawRequest(httpd.url, `GET http://elsewhere.invalid/abs HTTP/1.1\r\nHost: elsewhere.invalid\r\nConnection: close\r\n\r\n`);
    expect(raw.status).toBe(200);
    expect(raw.json().url).toBe('/abs');

    await httpd.waitForLog('access', '"GET /some/path?q=1 HTTP/1.1" 200');
    await httpd.stop();
    expect(processGone(httpd.pid)).toBe(true);
    expect(await portAccepts(httpd.port)).toBe(false);
  });

  it('configTest reports a broken config with Apache’s own message', async () => {
    const root = await createServerRoot({ modules: ['proxy'], config: '<Location /x>\nProxyPass /x http://127.0.0.1:1/\n' });
    const r = await configTest(root);
    expect(r.ok).toBe(false);
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/Syntax error on line \d+ of .*apache2\.conf/);
    expect(r.output).toMatch(/<Location[^\n]*was not closed/);

    const good = await createServerRoot({ modules: ['proxy', 'proxy_http'], config: 'ProxyPass /x http://127.0.0.1:1/\n' });
    const ok = await configTest(good);
    expect(ok).toMatchObject({ ok: true, exitCode: 0 });
    expect(ok.output).toContain('Syntax OK');
  });

  it('a server that cannot start fails fast with its output and error log', async () => {
    const root = await createServerRoot({ modules: ['proxy', 'proxy_http'], config: 'ProxyPass / http://127.0.0.1:1/ retries=3\n' });
    const t0 = Date.now();
    const err = await startApache(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApacheStartError);
    expect((err as ApacheStartError).message).toMatch(/unknown Worker parameter/i);
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it('a start-up failure that configtest misses also fails startApache, with the error log', async () => {
    // mod_mime reads TypesConfig in post_config, which `apache2 -t` does not run.
    const root = await createServerRoot({ modules: ['mime'], config: 'TypesConfig {{ROOT}}/missing.types\n' });
    expect((await configTest(root)).ok).toBe(true);
    const err = await startApache(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApacheStartError);
    expect((err as ApacheStartError).errorLog).toMatch(/AH01597: could not open mime types config file .*missing\.types/);
    expect((err as ApacheStartError).message).toContain('AH01597');
  });

  it('a duplicate Listen is already a configtest error', async () => {
    const root = await createServerRoot({ config: 'Listen 127.0.0.1:{{PORT}}\n' });
    const r = await configTest(root);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/multiple Listeners on the same IP:port/);
  });

  it('moves to another port when the one it picked was taken before Apache bound it', async () => {
    const root = await createServerRoot({});
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(root.port, '127.0.0.1', () => r()));
    try {
      const first = root.port;
      const httpd = await startApache(root);
      expect(httpd.port).not.toBe(first);
      expect((await request(`${httpd.url}/`)).status).toBe(404); // empty DocumentRoot
      await httpd.stop();
    } finally {
      squatter.close();
    }
  });

  it('gives the oracles: -M, -S, DUMP_INCLUDES; modules resolve Depends unless told not to', async () => {
    const root = await createServerRoot({
      modules: ['proxy_balancer'],
      files: { 'conf/site.conf': '<VirtualHost 127.0.0.1:{{PORT}}>\nServerName site.test\n</VirtualHost>\n' },
      include: 'conf/site.conf',
    });
    expect(root.modules).toEqual(['mpm_event', 'authz_core', 'proxy', 'alias', 'slotmem_shm', 'proxy_balancer']);
    const names = parseDumpModules(await dumpModules(root)).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['mpm_event_module', 'proxy_module', 'slotmem_shm_module', 'proxy_balancer_module']));
    expect(names).not.toContain('proxy_http_module');
    expect(await dumpVhosts(root)).toMatch(new RegExp(`127\\.0\\.0\\.1:${root.port}\\s+site\\.test`));
    expect(await dumpIncludes(root)).toContain(`${root.dir}/conf/site.conf`);

    const bare = await createServerRoot({ modules: ['proxy_http'], resolveDepends: false });
    expect(bare.modules).toEqual(['mpm_event', 'authz_core', 'proxy_http']);
    const r = await configTest(bare);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/Cannot load .*mod_proxy_http\.so/);
  });

  it('starts with every Debian module loaded and the debian profile', async () => {
    const root = await createServerRoot({ modules: 'all', profile: 'debian' });
    const httpd = await startApache(root);
    const res = await request(`${httpd.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.text).toContain(`Apache/2.4`); // ServerSignature On from Debian's security.conf
    await httpd.stop();
  });

  it('graceful stop lets an in-flight request finish; plain stop cuts a stuck one short', async () => {
    const slow = await startEchoBackend({ name: 'slow' });
    backends.push(slow);
    const root = await createServerRoot({ modules: ['proxy_http'], config: 'ProxyPass / {{B}}/\n', vars: { B: slow.url } });
    for (const [graceful, delayMs] of [[true, 400], [false, 20_000]] as const) {
      slow.set({ delayMs });
      const seen = slow.requests.length;
      const httpd = await startApache(root);
      const pending = request(`${httpd.url}/slow`).then((r) => r.status, () => 'failed');
      while (slow.requests.length === seen) await new Promise((r) => setTimeout(r, 10));
      const t0 = Date.now();
      // Apache alone would wait for the stuck backend (20 s here); the harness escalates to SIGKILL.
      await httpd.stop(graceful ? { graceful } : { timeoutMs: 500 });
      const took = Date.now() - t0;
      expect(await pending).toBe(graceful ? 200 : 'failed');
      if (graceful) expect(took).toBeGreaterThan(200);
      else expect(took).toBeLessThan(2_500);
      expect(processGone(httpd.pid)).toBe(true);
    }
  });

  it('runs servers side by side and stops each one fully', async () => {
    const roots = await Promise.all([1, 2, 3].map(() => createServerRoot({ modules: ['proxy', 'proxy_http'] })));
    const servers = await Promise.all(roots.map((r) => startApache(r)));
    expect(new Set(servers.map((s) => s.port)).size).toBe(3);
    await Promise.all(servers.map((s) => s.stop()));
    for (const s of servers) expect(processGone(s.pid)).toBe(true);
  });
});
