import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { backendMoves, demoPort, DEFAULT_DEMO_PORT } from '../../src/cli/demo.js';
import { startDemoBackend, startDemoBackends, type DemoBackend } from '../../src/demo/backends.js';
import { backendAddresses, remapBackends, remapUrl } from '../../src/demo/remap.js';
import { samplePath } from '../../src/demo/samples.js';
import { existsSync } from 'node:fs';
import { request } from '../support/backends.js';
import { balancerModel, route, vhost } from './serve-model-fixture.js';

const open: DemoBackend[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

describe('demo backends (the tutorial\'s two Flask apps)', () => {
  it.each([
    ['GET', '/', 200, 'Hello world!'],
    ['HEAD', '/', 200, ''],
    ['GET', '/?x=1', 200, 'Hello world!'],
    ['GET', '//', 200, 'Hello world!'],
    ['GET', '/x/', 404, '<title>404 Not Found</title>'],
    ['GET', '/other', 404, '<title>404 Not Found</title>'],
    ['POST', '/', 405, 'Method Not Allowed'],
  ])('%s %s → %i', async (method, path, status, body) => {
    const b = await startDemoBackend({ text: 'Hello world!', preferredPort: 0 });
    open.push(b);
    const r = await request(`${b.url.replace(/\/$/, '')}${path}`, { method });
    expect(r.status).toBe(status);
    if (body === '') expect(r.text).toBe('');
    else expect(r.text).toContain(body);
    expect(r.header('content-type')).toBe('text/html; charset=utf-8');
  });

  it('takes another port when the preferred one is busy, and says which it wanted', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const busy = (blocker.address() as { port: number }).port;
    try {
      const b = await startDemoBackend({ text: 'Howdy world!', preferredPort: busy });
      open.push(b);
      expect(b.port).not.toBe(busy);
      expect(b.preferredPort).toBe(busy);
      expect((await request(b.url)).text).toBe('Howdy world!');
      expect(backendMoves([b])).toEqual([{ from: { host: '127.0.0.1', port: busy }, to: { host: '127.0.0.1', port: b.port } }]);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('starts both with their own answers', async () => {
    const bs = await startDemoBackends([
      { text: 'Hello world!', preferredPort: 0 },
      { text: 'Howdy world!', preferredPort: 0 },
    ]);
    open.push(...bs);
    expect(await Promise.all(bs.map(async (b) => (await request(b.url)).text))).toEqual(['Hello world!', 'Howdy world!']);
    expect(bs.map((b) => b.requests())).toEqual([1, 1]);
  });
});

describe('remapping the sample\'s members (the file is never edited)', () => {
  const moves = [{ from: { host: '127.0.0.1', port: 8080 }, to: { host: '127.0.0.1', port: 41000 } }];
  it.each([
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:41000/'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:41000'],
    ['http://127.0.0.1:8080/app?x', 'http://127.0.0.1:41000/app?x'],
    ['http://127.0.0.1:8081/', 'http://127.0.0.1:8081/'],
    ['http://127.0.0.1/', 'http://127.0.0.1/'],
    ['balancer://mycluster/', 'balancer://mycluster/'],
  ])('%s → %s', (from, to) => {
    expect(remapUrl(from, moves)).toBe(to);
  });

  it('moves members, direct targets and ProxyPassReverse URLs together, leaving the input alone', () => {
    const model = balancerModel();
    model.virtualHosts.push(
      vhost(1, '*:81', {
        routes: [route('/a', 'http://127.0.0.1:8080/a'), route('/x', null)],
        reverse: [{ kind: 'url', path: '/a', url: 'http://127.0.0.1:8080/a', interpolate: false, location: null, span: null }],
      }),
    );
    const before = JSON.stringify(model);
    const out = remapBackends(model, moves);
    expect(JSON.stringify(model)).toBe(before);
    expect(out.balancers[0]!.members.map((m) => [m.url, m.target.port])).toEqual([
      ['http://127.0.0.1:41000/', 41000],
      ['http://127.0.0.1:8081/', 8081],
    ]);
    expect(out.virtualHosts[1]!.routes[0]!.target).toMatchObject({ url: 'http://127.0.0.1:41000/a', port: 41000 });
    expect(out.virtualHosts[1]!.routes[1]!.target).toBeNull();
    expect(out.virtualHosts[1]!.reverse[0]).toMatchObject({ url: 'http://127.0.0.1:41000/a' });
    expect(backendAddresses(out)).toEqual([
      { host: '127.0.0.1', port: 41000 },
      { host: '127.0.0.1', port: 8081 },
    ]);
  });
});

describe('demo settings', () => {
  it.each([
    [undefined, {}, DEFAULT_DEMO_PORT],
    [undefined, { PORT: '0' }, 0],
    [undefined, { PORT: '9090' }, 9090],
    [undefined, { PORT: ' ' }, DEFAULT_DEMO_PORT],
    [7000, { PORT: '9090' }, 7000],
  ])('--port %s with env %j → %i', (flag, env, want) => {
    expect(demoPort(flag, env)).toBe(want);
  });
  it.each([[undefined, { PORT: 'eighty' }], [undefined, { PORT: '70000' }], [-1, {}]])('rejects %s %j', (flag, env) => {
    expect(() => demoPort(flag, env)).toThrow(/not a port number/);
  });
  it('finds the bundled sample', () => {
    expect(existsSync(samplePath('000-default.balancer.conf'))).toBe(true);
  });
});
