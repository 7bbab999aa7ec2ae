/** Listening (overrides, errors) and graceful close. */
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ListenError, StartupError, startProxy } from '../../src/runtime/index.js';
import { request, startEchoBackend } from '../support/backends.js';
import { portAccepts } from '../support/ports.js';
import { balancer, Capture, closeAll, model, route, serve, server, vhost } from './fixture.js';

afterAll(closeAll);

describe('listeners', () => {
  it('serves each model listener at the --listen address and reports which port it stands for', async () => {
    const echo = await startEchoBackend({ name: 'e' });
    const m = model({
      virtualHosts: [vhost(0, { routes: [route('/', `${echo.url}/`)] }), vhost(1, { addresses: [{ host: null, port: 8443, isDefault: false }] })],
      listeners: [
        { host: null, port: 80, protocol: null, virtualHosts: [0], span: null },
        { host: null, port: 8443, protocol: null, virtualHosts: [1], span: null },
      ],
    });
    const p = await startProxy(m, { listen: [{ port: 80, host: '127.0.0.1', listenPort: 0 }], errorLog: new Capture() as unknown as NodeJS.WritableStream, accessLog: null });
    expect(p.addresses).toHaveLength(1);
    expect(p.addresses[0]).toMatchObject({ host: '127.0.0.1', servesPort: 80 });
    expect(p.addresses[0]!.url).toBe(`http://127.0.0.1:${p.addresses[0]!.port}`);
    expect((await request(`${p.addresses[0]!.url}/x`)).json().backend).toBe('e');
    await p.close();
    const all = await startProxy(m, { listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }], errorLog: new Capture() as unknown as NodeJS.WritableStream, accessLog: null });
    expect(all.addresses.map((a) => a.servesPort)).toEqual([80, 8443]);
    await all.close();
    await echo.close();
  });

  it('refuses an override for a port the config does not listen on (StartupError with a hint)', async () => {
    const err = await startProxy(model(), { listen: [{ port: 9999, host: '127.0.0.1', listenPort: 0 }], errorLog: new Capture() as unknown as NodeJS.WritableStream }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as StartupError).message).toMatch(/does not listen on port 9999 \(it listens on 80\)/);
    expect((err as StartupError).hint).toBe('map one of its ports, e.g. --listen 80=127.0.0.1:0');
  });

  it('refuses an https listener without a certificate and an unknown lbmethod', async () => {
    const tlsLess = model({ listeners: [{ host: null, port: 443, protocol: 'https', virtualHosts: [], span: null }] });
    await expect(startProxy(tlsLess, { listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }] })).rejects.toBeInstanceOf(StartupError);
    const badLb = model({ balancers: [balancer('c', ['http://a:80'], { lbmethod: 'heartbeat' })] });
    await expect(startProxy(badLb, { listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }] })).rejects.toThrow(/unknown lbmethod "heartbeat"/);
  });

  it('EADDRINUSE becomes a ListenError suggesting --listen', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const err = await startProxy(model(), { listen: [{ port: null, host: '127.0.0.1', listenPort: port }], errorLog: new Capture() as unknown as NodeJS.WritableStream }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect(err).toMatchObject({ code: 'EADDRINUSE', host: '127.0.0.1', port });
    expect((err as Error).message).toContain('--listen 127.0.0.1:8000');
    await new Promise((r) => blocker.close(r));
  });
});

describe('graceful close', () => {
  it('stops accepting, finishes the request in flight, then resolves', async () => {
    const slow = await startEchoBackend({ body: 'done', delayMs: 300 });
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${slow.url}/`)] }) }));
    const port = Number(new URL(p.url).port);
    const inflight = request(`${p.url}/x`);
    while (slow.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    let closed = false;
    const closing = p.proxy.close().then(() => {
      closed = true;
    });
    expect(await portAccepts(port)).toBe(false);
    const r = await inflight;
    expect(r.text).toBe('done');
    await closing;
    expect(closed).toBe(true);
    await slow.close();
  });

  it('closes a keep-alive connection once its in-flight response is done', async () => {
    // Headers first, the body 200 ms later: close() comes while the response is half sent, keep-alive already promised.
    const slow = await startEchoBackend({ body: 'late', bodyDelayMs: 200 });
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${slow.url}/`)] }) }));
    const { Agent, get } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    let socketClosed: Promise<unknown> = Promise.resolve();
    let headersIn: () => void = () => {};
    const headers = new Promise<void>((r) => (headersIn = r));
    const done = new Promise<string>((resolve, reject) =>
      get(`${p.url}/x`, { agent }, (res) => {
        headersIn();
        const sock = res.socket;
        socketClosed = new Promise((r) => (sock.destroyed ? r(null) : sock.once('close', r)));
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject),
    );
    await headers;
    const closing = p.proxy.close();
    expect(await done).toBe('late');
    await closing;
    // The client keeps its keep-alive socket; only the proxy can have closed it (else this waits into the timeout).
    await socketClosed;
    agent.destroy();
    await slow.close();
  }, 4000);

  it('closes idle keep-alive client connections', async () => {
    const echo = await startEchoBackend();
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)] }) }));
    const { Agent, get } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => get(`${p.url}/x`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject));
    await p.proxy.close();
    agent.destroy();
    await echo.close();
  });
});
