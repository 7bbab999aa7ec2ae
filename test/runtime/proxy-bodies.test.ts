/** Bodies stream both ways with their framing (APACHE-FACTS.md "Bodies"). */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerValue, request, startEchoBackend, type Backend } from '../support/backends.js';
import { closeAll, model, route, serve, server } from './fixture.js';

let echo: Backend;
beforeAll(async () => {
  echo = await startEchoBackend();
});
afterAll(async () => {
  await closeAll();
  await echo.close();
});

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

describe('request bodies', () => {
  it('a Content-Length body arrives whole with the same length', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)] }) }));
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const seen = (await request(`${p.url}/up`, { method: 'POST', body })).json();
    expect(seen.bodyLength).toBe(body.length);
    expect(seen.bodySha256).toBe(sha(body));
    expect(headerValue(seen.headers, 'Content-Length')).toBe(String(body.length));
  });

  it('a chunked body is streamed chunked', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)] }) }));
    const body = 'y'.repeat(200_000);
    const seen = (await request(`${p.url}/up`, { method: 'PUT', body, chunked: true })).json();
    expect(seen.bodyLength).toBe(body.length);
    expect(seen.bodySha256).toBe(sha(body));
    expect(headerValue(seen.headers, 'Transfer-Encoding')).toBe('chunked');
  });

  it('Expect: 100-continue is forwarded and the body still arrives', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)] }) }));
    const body = 'e'.repeat(50_000);
    const r = await request(p.url, {
      rawRequest: `POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    });
    expect(r.interim?.map((i) => i.status)).toEqual([100]);
    const seen = r.json();
    expect(seen.bodySha256).toBe(sha(body));
    expect(headerValue(seen.headers, 'Expect')).toBe('100-continue');
  });

  it('a POST without a body is sent with Content-Length: 0', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)] }) }));
    const seen = (await request(`${p.url}/up`, { method: 'POST', headers: { 'Content-Length': '0' } })).json();
    expect(seen.bodyLength).toBe(0);
    expect(seen.method).toBe('POST');
  });
});

describe('response bodies', () => {
  it.each(['content-length', 'chunked', 'close'] as const)('%s framing reaches the client intact', async (framing) => {
    const body = 'z'.repeat(100_000);
    const be = await startEchoBackend({ body, framing });
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${be.url}/`)] }) }));
    const r = await request(`${p.url}/x`);
    expect(r.status).toBe(200);
    expect(sha(r.body)).toBe(sha(body));
    await be.close();
  });

  it('HEAD gets the headers and no body', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)] }) }));
    const r = await request(p.url, { rawRequest: 'HEAD /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n' });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
    expect(Number(r.header('content-length'))).toBeGreaterThan(0);
    expect(echo.requests.at(-1)?.method).toBe('HEAD');
  });

  it('keeps backend connections alive between requests', async () => {
    const be = await startEchoBackend();
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${be.url}/`)] }) }));
    for (let i = 0; i < 5; i++) await request(`${p.url}/x${i}`);
    expect(be.connections()).toBe(1);
    await be.close();
  });

  it('disablereuse=On opens a connection per request', async () => {
    const be = await startEchoBackend();
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${be.url}/`, { worker: { disableReuse: true } })] }) }));
    for (let i = 0; i < 3; i++) await request(`${p.url}/x${i}`);
    expect(be.connections()).toBe(3);
    await be.close();
  });
});
