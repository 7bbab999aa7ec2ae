/** The test backends and clients, against each other (no proxy in between). */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  headerValue,
  headerValues,
  parseResponse,
  rawRequest,
  request,
  startEchoBackend,
  startTextBackend,
  startTrap,
  type Backend,
} from './backends.js';
import { freePort, portAccepts, waitForPort } from './ports.js';

const open: Backend[] = [];
afterAll(() => Promise.all(open.map((b) => b.close())));
async function backend(...args: Parameters<typeof startEchoBackend>): Promise<Backend> {
  const b = await startEchoBackend(...args);
  open.push(b);
  return b;
}

describe('startEchoBackend', () => {
  it('reports the request line, header lines in order, and the body digest', async () => {
    const b = await backend({ name: 'a' });
    const body = 'x'.repeat(5000);
    const res = await request(`${b.url}/p/%2F/../q?x=1`, {
      method: 'POST',
      headers: [['X-One', '1'], ['x-dup', 'a'], ['X-Dup', 'b']],
      body,
    });
    expect(res.status).toBe(200);
    expect(res.header('content-type')).toBe('application/json');
    const seen = res.json();
    expect(seen).toMatchObject({ backend: 'a', method: 'POST', url: '/p/%2F/../q?x=1', httpVersion: '1.1', bodyLength: 5000, body: null, connection: 1 });
    expect(seen.bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(seen.headers.map(([k]) => k)).toEqual(['Host', 'X-One', 'x-dup', 'X-Dup', 'Content-Length', 'Connection']); // node:http adds Connection: close with agent:false
    expect(headerValues(seen.headers, 'X-DUP')).toEqual(['a', 'b']);
    expect(b.requests).toEqual([seen]);
  });

  it('answers a fixed body with the headers asked for, repeated ones kept', async () => {
    const b = await backend({
      body: 'Hello world!',
      status: 302,
      headers: { Location: 'http://backend.internal/x', 'Set-Cookie': ['a=1; Path=/app', 'b=2'] },
    });
    const res = await request(b.url);
    expect(res.status).toBe(302);
    expect(res.text).toBe('Hello world!');
    expect(res.header('Location')).toBe('http://backend.internal/x');
    expect(headerValues(res.headers, 'set-cookie')).toEqual(['a=1; Path=/app', 'b=2']);
    expect(res.header('content-length')).toBe('12');
  });

  it.each([
    ['content-length', (r: string) => expect(r).toMatch(/\r\nContent-Length: 12\r\n/)],
    ['chunked', (r: string) => expect(r).toMatch(/\r\nTransfer-Encoding: chunked\r\n[\s\S]*\r\n\r\n6\r\nHello \r\n6\r\nworld!\r\n0\r\n\r\n$/)],
    ['close', (r: string) => expect(r).toMatch(/\r\nConnection: close\r\n(?:[^\r\n]+\r\n)*\r\nHello world!$/)],
  ] as const)('frames the body: %s', async (framing, check) => {
    const b = await backend({ body: 'Hello world!', framing });
    const res = await rawRequest(b.url, 'GET / HTTP/1.1\r\nHost: b\r\n\r\n');
    expect(res.text).toBe('Hello world!');
    if (framing === 'close') expect(res.header('content-length')).toBeUndefined();
    check(res.raw!.toString('latin1'));
  });

  it('keeps connections open for reuse and numbers them', async () => {
    const b = await backend();
    const res = await rawRequest(b.url, 'GET /1 HTTP/1.1\r\nHost: b\r\n\r\n');
    expect(res.header('connection')).not.toBe('close');
    await request(`${b.url}/2`);
    expect(b.requests.map((r) => [r.url, r.connection])).toEqual([['/1', 1], ['/2', 2]]);
    expect(b.connections()).toBe(2);
  });

  it('delays the answer', async () => {
    const b = await backend({ delayMs: 150 });
    const t0 = Date.now();
    await request(b.url);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it.each([
    ['close', (r: Awaited<ReturnType<typeof rawRequest>>) => expect(r.raw!.length).toBe(0)],
    ['reset', (r: Awaited<ReturnType<typeof rawRequest>>) => expect(r.raw!.length).toBe(0)],
    ['reset-mid-body', (r: Awaited<ReturnType<typeof rawRequest>>) => {
      expect(r.status).toBe(200);
      expect(Number(r.header('content-length'))).toBeGreaterThan(r.body.length);
    }],
  ] as const)('fault %s', async (fault, check) => {
    const b = await backend({ fault });
    const r = await rawRequest(b.url, 'GET / HTTP/1.1\r\nHost: b\r\n\r\n');
    if (fault !== 'reset-mid-body') expect(r.status).toBe(0);
    check(r);
    expect(b.requests).toHaveLength(1);
  });

  it('sends raw garbage verbatim', async () => {
    const b = await backend({ fault: { raw: 'not http at all\r\n\r\n' } });
    const r = await rawRequest(b.url, 'GET / HTTP/1.1\r\nHost: b\r\n\r\n');
    expect(r.status).toBe(0);
    expect(r.raw!.toString()).toBe('not http at all\r\n\r\n');
  });

  it('can change behaviour between requests', async () => {
    const b = await backend({ body: 'one' });
    expect((await request(b.url)).text).toBe('one');
    b.set({ body: 'two', status: 201 });
    const r = await request(b.url);
    expect([r.status, r.text]).toEqual([201, 'two']);
  });

  it('startTextBackend answers its text and is named by it', async () => {
    const b = await startTextBackend('Howdy world!');
    open.push(b);
    expect(b.name).toBe('Howdy world!');
    expect((await request(`${b.url}/anything`)).text).toBe('Howdy world!');
    expect(b.requests[0]!.backend).toBe('Howdy world!');
  });

  it('HEAD gets headers only', async () => {
    const b = await backend({ body: 'Hello world!' });
    const r = await rawRequest(b.url, 'HEAD / HTTP/1.1\r\nHost: b\r\n\r\n');
    expect(r.status).toBe(200);
    expect(r.header('content-length')).toBe('12');
    expect(r.body.length).toBe(0);
  });
});

describe('startTrap', () => {
  it('counts every connection it is offered and closes it', async () => {
    const trap = await startTrap();
    try {
      expect(trap.hits).toBe(0);
      for (let i = 0; i < 2; i++) {
        // Closed without a byte of answer: rawRequest reports status 0.
        expect((await rawRequest(`http://127.0.0.1:${trap.port}`, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 2000 })).status).toBe(0);
      }
      expect(trap.hits).toBe(2);
    } finally {
      await trap.close();
    }
  });
});

describe('request', () => {
  it('sends a chunked body and a caller Host', async () => {
    const b = await backend();
    const seen = (await request(b.url, { method: 'PUT', body: 'abc', chunked: true, headers: { Host: 'front.test' } })).json();
    expect(headerValue(seen.headers, 'host')).toBe('front.test');
    expect(headerValue(seen.headers, 'transfer-encoding')).toBe('chunked');
    expect(seen.bodyLength).toBe(3);
  });

  it('delegates rawRequest', async () => {
    const b = await backend();
    const r = await request(b.url, { rawRequest: 'GET http://x.test/abs%2Fpath HTTP/1.1\r\nHost: x.test\r\n\r\n' });
    expect(r.json().url).toBe('http://x.test/abs%2Fpath');
  });
});

describe('parseResponse', () => {
  const b = (s: string): Buffer => Buffer.from(s, 'latin1');
  it.each<[string, string, boolean, number | null, string]>([
    ['incomplete head', 'HTTP/1.1 200 OK\r\nA: b\r\n', false, null, ''],
    ['content-length', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef', false, 200, 'abc'],
    ['content-length, short', 'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc', false, null, ''],
    ['content-length, short at eof', 'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc', true, 200, 'abc'],
    ['chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n', false, 200, 'abcde'],
    ['chunked, unfinished', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab', false, null, ''],
    ['close-delimited', 'HTTP/1.0 200 OK\r\n\r\nall of it', true, 200, 'all of it'],
    ['interim then final', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n', false, 204, ''],
    ['no status line', 'garbage\r\n\r\n', true, 0, 'garbage\r\n\r\n'],
  ])('%s', (_, text, eof, status, body) => {
    const r = parseResponse(b(text), false, eof);
    if (status === null) return expect(r).toBeNull();
    expect(r?.status).toBe(status);
    expect(r?.body.toString('latin1')).toBe(body);
  });

  it('keeps 1xx responses', () => {
    const r = parseResponse(b('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), false, false);
    expect(r?.interim).toEqual([{ status: 100, headers: [] }]);
  });
});

describe('ports', () => {
  it('freePort gives distinct ports that are free', async () => {
    const ports = await Promise.all([1, 2, 3, 4].map(() => freePort()));
    expect(new Set(ports).size).toBe(4);
    for (const p of ports) expect(await portAccepts(p)).toBe(false);
  });

  it('waitForPort waits for a listener and gives up after its timeout', async () => {
    const b = await backend();
    await expect(waitForPort(b.port, 1_000)).resolves.toBeUndefined();
    const p = await freePort();
    await expect(waitForPort(p, 100)).rejects.toThrow(/within 100 ms/);
  });
});
