/**
 * Graceful reload (RunningProxy.reload, src/runtime/reload.ts): 20 reloads under a steady stream of requests with
 * no failed request; new connections get the new config while a request in flight finishes on the old one; a
 * config that cannot be served is refused and the old one keeps serving.
 */
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyModel } from '../../src/model/types.js';
import type { ReloadableProxy } from '../../src/runtime/index.js';
import { request, startEchoBackend, startTextBackend, type Backend } from '../support/backends.js';
import { closeAll, model, route, serve, server } from './fixture.js';

let a: Backend;
let b: Backend;
let slow: Backend;
beforeAll(async () => {
  [a, b, slow] = await Promise.all([startTextBackend('A'), startTextBackend('B'), startEchoBackend({ name: 'slow', delayMs: 400 })]);
});
afterAll(async () => {
  await closeAll();
  await Promise.all([a.close(), b.close(), slow.close()]);
});

const modelTo = (backend: Backend, extra: Partial<Parameters<typeof server>[0]> = {}): ProxyModel =>
  model({ mainServer: server({ routes: [route('/server-status', '!'), route('/slow/', `${slow.url}/`), route('/', `${backend.url}/`)], handlers: [{ path: '/server-status', handler: 'server-status', require: [['all', 'granted']], span: null }], ...extra }) });

function get(url: string, agent: Agent | false): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent }, (res) => {
      let text = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('reload', () => {
  it('reloads 20 times under a steady stream of requests without one failing', async () => {
    const p = await serve(modelTo(a));
    const proxy = p.proxy as ReloadableProxy;
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const seen = new Set<string>();
    // Four clients on keep-alive connections and two opening a connection per request.
    const client = async (keepAlive: boolean): Promise<void> => {
      while (!stop) {
        try {
          const r = await get(`${p.url}/x`, keepAlive ? agent : false);
          if (r.status !== 200 || (r.text !== 'A' && r.text !== 'B')) failures.push(`${r.status} ${r.text.slice(0, 60)}`);
          else {
            ok++;
            seen.add(r.text);
          }
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    };
    const clients = [true, true, true, true, false, false].map((k) => client(k));
    const waitFor = async (n: number): Promise<void> => {
      const target = ok + n;
      while (ok < target && failures.length === 0) await new Promise((r) => setImmediate(r));
    };
    for (let i = 0; i < 20; i++) {
      await waitFor(10);
      await proxy.reload(modelTo(i % 2 === 0 ? b : a));
    }
    await waitFor(20);
    stop = true;
    await Promise.all(clients);
    agent.destroy();
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThanOrEqual(220);
    expect([...seen].sort()).toEqual(['A', 'B']);
    // The 20th reload went to A: a fresh connection gets A, and the status board counted 21 generations.
    expect((await request(`${p.url}/x`)).text).toBe('A');
    expect((await request(`${p.url}/server-status?auto`)).text).toMatch(/^ParentServerConfigGeneration: 21$/m);
  }, 30_000);

  it('lets a request in flight finish on the old config while new connections use the new one', async () => {
    const p = await serve(modelTo(a));
    const proxy = p.proxy as ReloadableProxy;
    const inflight = request(`${p.url}/slow/x`);
    // Wait until the slow backend holds the request, then reload to a config without /slow.
    while (slow.requests.length === 0) await new Promise((r) => setImmediate(r));
    await proxy.reload(model({ mainServer: server({ routes: [route('/', `${b.url}/`)] }) }));
    expect((await request(`${p.url}/slow/x`)).text).toBe('B');
    const r = await inflight;
    expect(r.status).toBe(200);
    expect(r.json<{ url: string }>().url).toBe('/x');
  });

  it.each([
    ['a ProxyPassMatch that does not compile', () => model({ mainServer: server({ routes: [route('^/(x', `${b.url}/`, { regex: true })] }) }), /./],
    ['listeners that moved', () => model({ mainServer: server({ routes: [route('/', `${b.url}/`)] }), listeners: [{ host: null, port: 80, protocol: null, virtualHosts: [], span: null }, { host: null, port: 81, protocol: null, virtualHosts: [], span: null }] }), /other addresses or ports/],
  ])('refuses %s and keeps serving the old config', async (_n, bad, message) => {
    const p = await serve(modelTo(a));
    const proxy = p.proxy as ReloadableProxy;
    await expect(proxy.reload(bad())).rejects.toThrow(message);
    expect((await request(`${p.url}/x`)).text).toBe('A');
    await proxy.reload(modelTo(b));
    expect((await request(`${p.url}/x`)).text).toBe('B');
  });
});
