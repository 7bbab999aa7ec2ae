/**
 * Hostile requests against real Apache 2.4.71 and apx on the same config: the status each answers (request
 * smuggling, oversized request lines and headers, malformed Host, `..` traversal, absolute-form targets naming
 * other hosts), that apx never connects to a host the config does not name, and that it stays up throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apacheAvailable, apacheSkipReason, createServerRoot, disposeAllApache, startApache, type RunningApache, type ServerRoot } from '../support/apache.js';
import { rawRequest, request, startEchoBackend, startTrap, type Backend, type Trap } from '../support/backends.js';
import type { RunningProxy } from '../../src/runtime/index.js';
import { startApxOn } from '../support/apx.js';
import { HARDENING_CASES } from '../runtime/hardening-cases.js';

let echo: Backend;
let root: ServerRoot;
let httpd: RunningApache;
let apx: RunningProxy;
let apxUrl: string;
/** A listener no config names: nothing may ever connect to it. */
let trap: Trap;

describe.skipIf(!apacheAvailable())(`hardening: apx answers hostile requests as Apache does ${apacheSkipReason()}`, () => {
  beforeAll(async () => {
    echo = await startEchoBackend({ name: 'a' });
    trap = await startTrap();
    root = await createServerRoot({ modules: ['proxy_http', 'status'], config: 'ProxyPass /app {{B}}/\n<Location /server-status>\nSetHandler server-status\nRequire all granted\n</Location>\n', vars: { B: echo.url } });
    httpd = await startApache(root);
    const started = await startApxOn(root);
    apx = started.proxy;
    apxUrl = started.url;
  }, 60_000);
  afterAll(async () => {
    await apx?.close();
    await disposeAllApache();
    await echo?.close();
    await trap?.close();
  });

  it('answers every case with Apache\'s status', async () => {
    const rows: string[] = [];
    const mismatches: string[] = [];
    const tableWrong: string[] = [];
    for (const c of HARDENING_CASES) {
      const bytes = c.bytes.replaceAll('{{TRAP}}', `127.0.0.1:${trap.port}`);
      const ours = await rawRequest(apxUrl, bytes, { timeoutMs: 5000 });
      const theirs = await rawRequest(httpd.url, bytes, { timeoutMs: 5000 });
      rows.push(`${c.name}\tapache ${theirs.status}\tapx ${ours.status}`);
      if (ours.status !== (c.apx ? c.apx.status : theirs.status)) mismatches.push(`${c.name}: Apache ${theirs.status}, apx ${ours.status}`);
      if (theirs.status !== c.status) tableWrong.push(`${c.name}: Apache ${theirs.status}, table ${c.status}`);
    }
    console.log(rows.join('\n'));
    // The table (also run by the unit test against apx alone) must say what Apache answers.
    expect(tableWrong).toEqual([]);
    expect(mismatches).toEqual([]);
    expect(trap.hits).toBe(0);
    // Still serving.
    expect((await request(`${apxUrl}/app/x`)).status).toBe(200);
  }, 60_000);

  it('applies configured LimitRequest* as Apache does (the address default vhost\'s, inherited from the main server)', async () => {
    const root2 = await createServerRoot({
      modules: ['proxy_http'],
      config: 'LimitRequestLine 100\nLimitRequestFieldSize 100\nLimitRequestFields 5\nProxyPass /app {{B}}/\n<VirtualHost *:{{PORT}}>\nServerName v\nLimitRequestFieldSize 200\nProxyPass /app {{B}}/\n</VirtualHost>\n',
      vars: { B: echo.url },
    });
    const httpd2 = await startApache(root2);
    const apx2 = (await startApxOn(root2)).proxy;
    try {
      const fields = (n: number): string => Array.from({ length: n }, (_, i) => `X-${i}: v\r\n`).join('');
      const cases: [string, string][] = [
        ['line 101', `GET /app/${'x'.repeat(101 - 18)} HTTP/1.1\r\nHost: a\r\n\r\n`],
        ['line 102', `GET /app/${'x'.repeat(102 - 18)} HTTP/1.1\r\nHost: a\r\n\r\n`],
        ['field 150 (vhost allows 200)', `GET /app/x HTTP/1.1\r\nHost: v\r\nX-A: ${'x'.repeat(145)}\r\n\r\n`],
        ['field 202', `GET /app/x HTTP/1.1\r\nHost: v\r\nX-A: ${'x'.repeat(197)}\r\n\r\n`],
        ['5 fields', `GET /app/x HTTP/1.1\r\nHost: v\r\n${fields(4)}\r\n`],
        ['6 fields', `GET /app/x HTTP/1.1\r\nHost: v\r\n${fields(5)}\r\n`],
      ];
      const rows: string[] = [];
      for (const [name, bytes] of cases) {
        const theirs = await rawRequest(httpd2.url, bytes, { timeoutMs: 5000 });
        const ours = await rawRequest(apx2.addresses[0]!.url, bytes, { timeoutMs: 5000 });
        rows.push(`${name}: Apache ${theirs.status}, apx ${ours.status}`);
      }
      expect(rows).toEqual(rows.map((r) => r.replace(/apx \d+$/, `apx ${/Apache (\d+)/.exec(r)![1]}`)));
      expect(rows.filter((r) => / Apache 4\d\d/.test(r)).length).toBeGreaterThanOrEqual(3);
    } finally {
      await apx2.close();
    }
  }, 60_000);
});
