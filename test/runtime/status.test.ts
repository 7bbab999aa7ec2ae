/**
 * `SetHandler server-status`: the counters (accesses, bytes, per-vhost counts, busy requests), the `?auto` lines in
 * mod_status's order and format, the HTML page, the <Location>'s Require lines, and APR's %g.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocationHandler } from '../../src/model/types.js';
import { aprG, htTime, showTime, StatusBoard, renderAuto } from '../../src/runtime/status/index.js';
import { request, startTextBackend, type Backend } from '../support/backends.js';
import { closeAll, model, route, serve, server, vhost } from './fixture.js';

let a: Backend;
beforeAll(async () => {
  a = await startTextBackend('hello-from-a');
});
afterAll(async () => {
  await closeAll();
  await a.close();
});

const status = (require: string[][] = [['all', 'granted']], path = '/server-status'): LocationHandler => ({ path, handler: 'server-status', require, span: null });

function parseAuto(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return out;
}

describe('aprG / htTime / showTime', () => {
  it.each([
    [0, '0'],
    [0.2, '.2'],
    [0.0406504065, '.0406504'],
    [2252.8, '2252.8'],
    [1, '1'],
    [123456789, '1.23457e+08'],
    [0.00001234, '1.234e-05'],
  ])('aprG(%s) = %s', (v, want) => expect(aprG(v)).toBe(want));
  it('formats times as mod_status does', () => {
    expect(htTime(Date.UTC(2026, 10, 25, 13, 49, 18))).toBe('Wednesday, 25-Nov-2026 13:49:18 UTC');
    expect(showTime(0)).toBe('');
    expect(showTime(123)).toBe(' 2 minutes 3 seconds');
    expect(showTime(86400 + 3600 + 1)).toBe(' 1 day 1 hour 1 second');
  });
});

describe('StatusBoard + renderAuto', () => {
  it('leaves out the per-second figures at 0 s uptime and the per-request ones before any access', () => {
    const b = new StatusBoard(1_000_000);
    const env = { serverName: 'h', vhostName: 'h', version: 'apx', cpu: { user: 0, system: 0 } };
    let auto = parseAuto(renderAuto(b.snapshot(1_000_000), env));
    expect(auto.has('ReqPerSec')).toBe(false);
    expect(auto.has('BytesPerReq')).toBe(false);
    b.begin('main server', 'h');
    b.end('main server', 'h', 4096, 10);
    b.begin('main server', 'h');
    b.end('main server', 'h', 0, 0);
    auto = parseAuto(renderAuto(b.snapshot(1_004_000), env));
    expect(auto.get('Total Accesses')).toBe('2');
    expect(auto.get('Total kBytes')).toBe('4');
    expect(auto.get('Uptime')).toBe('4');
    expect(auto.get('ReqPerSec')).toBe('.5');
    expect(auto.get('BytesPerSec')).toBe('1024');
    expect(auto.get('BytesPerReq')).toBe('2048');
    expect(auto.get('DurationPerReq')).toBe('5');
    expect(auto.get('ServerUptime')).toBe('4 seconds');
  });
});

describe('server-status over HTTP', () => {
  it('a request with an Upgrade no route allows is served plainly and counted as finished', async () => {
    const p = await serve(model({ mainServer: server({ serverName: 'main.example', routes: [route('/app', `${a.url}/`)], handlers: [status()] }) }));
    const r = await request(`${p.url}/app/x`, { headers: { Upgrade: 'foo/1', Connection: 'Upgrade' } });
    expect(r.status).toBe(200);
    await new Promise((res) => setTimeout(res, 20));
    const auto = parseAuto((await request(`${p.url}/server-status?auto`)).text);
    expect(auto.get('Total Accesses')).toBe('1');
    // Only the status request itself: the upgrade-path response ended (it used to stay busy forever).
    expect(auto.get('BusyWorkers')).toBe('1');
  });

  it('counts accesses and bytes, per vhost, and answers ?auto in mod_status key order', async () => {
    const p = await serve(
      model({
        mainServer: server({ serverName: 'main.example' }),
        virtualHosts: [
          vhost(0, { serverName: 'one.example', routes: [route('/app', `${a.url}/`)], handlers: [status()], nameBased: true }),
          vhost(1, { serverName: 'two.example', routes: [route('/app', `${a.url}/`)], nameBased: true }),
        ],
      }),
    );
    for (let i = 0; i < 3; i++) expect((await request(`${p.url}/app/x`, { headers: { Host: 'one.example' } })).status).toBe(200);
    expect((await request(`${p.url}/app/x`, { headers: { Host: 'two.example' } })).status).toBe(200);
    const r = await request(`${p.url}/server-status?auto`, { headers: { Host: 'one.example' } });
    expect(r.status).toBe(200);
    expect(r.header('content-type')).toBe('text/plain; charset=ISO-8859-1');
    const lines = r.text.split('\n');
    expect(lines[0]).toBe('one.example');
    const keys = lines.slice(1).filter(Boolean).map((l) => l.slice(0, l.indexOf(':')));
    // The order httpd 2.4.71 prints them in (CPULoad/ReqPerSec/BytesPerSec/… only when defined).
    const order = ['ServerVersion', 'ServerMPM', 'CurrentTime', 'RestartTime', 'ParentServerConfigGeneration', 'ParentServerMPMGeneration', 'ServerUptimeSeconds', 'ServerUptime', 'Load1', 'Load5', 'Load15', 'Total Accesses', 'Total kBytes', 'Total Duration', 'CPUUser', 'CPUSystem', 'CPUChildrenUser', 'CPUChildrenSystem', 'Uptime', 'BytesPerReq', 'DurationPerReq', 'BusyWorkers', 'GracefulWorkers', 'IdleWorkers', 'Processes', 'Stopping', 'ConnsTotal', 'ConnsAsyncWaitIO', 'ConnsAsyncWriting', 'ConnsAsyncKeepAlive', 'ConnsAsyncClosing', 'Scoreboard'];
    expect(keys.filter((k) => order.includes(k))).toEqual(order);
    const auto = parseAuto(r.text);
    // Four proxied requests finished; the status request itself is the busy one.
    expect(auto.get('Total Accesses')).toBe('4');
    expect(auto.get('BusyWorkers')).toBe('1');
    expect(auto.get('Scoreboard')!.startsWith('W')).toBe(true);
    expect(auto.get('BytesPerReq')).toBe('0'); // 4 × 12 bytes is less than 1 kB, and httpd counts whole kBytes
    const html = await request(`${p.url}/server-status`, { headers: { Host: 'one.example' } });
    expect(html.header('content-type')).toBe('text/html; charset=ISO-8859-1');
    expect(html.text).toContain('<h1>Apache Server Status for one.example (via one.example)</h1>');
    expect(html.text).toContain('Total accesses: 5');
    expect(html.text).toMatch(/<tr><td>vhost-0<\/td><td>one\.example<\/td><td>4<\/td>/);
    expect(html.text).toMatch(/<tr><td>vhost-1<\/td><td>two\.example<\/td><td>1<\/td>/);
    // The handler belongs to vhost-0 only.
    expect((await request(`${p.url}/server-status?auto`, { headers: { Host: 'two.example' } })).status).toBe(404);
  });

  it.each([
    [[['all', 'granted']], 200],
    [[['all', 'denied']], 403],
    [[['ip', '10.0.0.0/8']], 403],
    [[['ip', '127.0.0.1']], 200],
    [[['local']], 200],
    [[['valid-user']], 403],
  ])('Require %j → %i', async (req, want) => {
    const p = await serve(model({ mainServer: server({ handlers: [status(req)] }) }));
    const r = await request(`${p.url}/server-status?auto`);
    expect(r.status).toBe(want);
    if (want === 403) expect(p.errors.text).toContain('AH01630: client denied by server configuration: /server-status');
  });

  it('a ProxyPass that takes the path wins over the handler; other methods are refused', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/server-status', `${a.url}/`)], handlers: [status()] }) }));
    expect((await request(`${p.url}/server-status`)).text).toBe('hello-from-a');
    const q = await serve(model({ mainServer: server({ handlers: [status()] }) }));
    expect((await request(`${q.url}/server-status`, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await request(`${q.url}/server-status/sub?auto`)).status).toBe(200);
    expect((await request(`${q.url}/server-statusx`)).status).toBe(404);
  });

  it('counts open connections as idle', async () => {
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 3 });
    const p = await serve(model({ mainServer: server({ routes: [route('/app', `${a.url}/`)], handlers: [status()] }) }));
    const get = (path: string): Promise<string> =>
      new Promise((resolve, reject) => {
        import('node:http').then(({ get: g }) => {
          g(`${p.url}${path}`, { agent }, (res) => {
            let t = '';
            res.setEncoding('latin1');
            res.on('data', (c: string) => (t += c));
            res.on('end', () => resolve(t));
          }).on('error', reject);
        }, reject);
      });
    await Promise.all([get('/app/1'), get('/app/2'), get('/app/3')]);
    const auto = parseAuto(await get('/server-status?auto'));
    agent.destroy();
    expect(Number(auto.get('ConnsTotal'))).toBe(3);
    expect(auto.get('BusyWorkers')).toBe('1');
    expect(auto.get('IdleWorkers')).toBe('2');
  });
});
