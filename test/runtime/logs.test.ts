/** LogFormat rendering (mod_log_config) and the access/error logs of a running proxy. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { clfTime, compileLogFormat, escapeLogItem, type LogRecord } from '../../src/runtime/logformat.js';
import { batchedWriter } from '../../src/runtime/logs.js';
import { request, startEchoBackend } from '../support/backends.js';
import { accessLog, closeAll, model, route, serve, server } from './fixture.js';

afterAll(closeAll);

const record: LogRecord = {
  remoteIp: '192.0.2.7',
  remotePort: 51000,
  localIp: '127.0.0.1',
  localPort: 8000,
  requestLine: 'GET /app/x?y=1 HTTP/1.1',
  method: 'GET',
  protocol: 'HTTP/1.1',
  path: '/app/x',
  query: 'y=1',
  status: 404,
  start: Date.UTC(2026, 10, 25, 12, 34, 59, 123),
  durationUs: 2_345_678,
  bytesBody: 0,
  bytesOut: 410,
  bytesIn: 78,
  requestHeaders: [['User-Agent', 'curl/8 "x"'], ['Cookie', 'a=1; sid=abc'], ['Host', 'front:8000']],
  responseHeaders: [['Content-Type', 'text/html'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']],
  serverName: 'www.example.com',
  requestHostname: 'front',
  filename: 'proxy:http://b/x',
  handler: 'proxy-server',
  keepAliveCount: 0,
  connectionStatus: '+',
  env: { BALANCER_NAME: 'balancer://c' },
};

describe('LogFormat directives', () => {
  it.each([
    ['%h %l %u', '192.0.2.7 - -'],
    ['"%r" %>s %s', '"GET /app/x?y=1 HTTP/1.1" 404 404'],
    ['%b|%B|%O|%I|%S', '-|0|410|78|488'],
    ['%D %T %{ms}T %{us}T', '2345678 2 2345 2345678'],
    ['%{User-Agent}i', 'curl/8 \\"x\\"'],
    ['%{Referer}i', '-'],
    ['%{Set-Cookie}o', 'a=1, b=2'],
    ['%{sid}C', 'abc'],
    ['%{BALANCER_NAME}e %{NOPE}e', 'balancer://c -'],
    ['%v %V %p %{remote}p %A %a', 'www.example.com front 8000 51000 127.0.0.1 192.0.2.7'],
    ['%U%q %m %H', '/app/x?y=1 GET HTTP/1.1'],
    ['%f %R %X %k', 'proxy:http://b/x proxy-server + 0'],
    ['%404{Host}i %!404{Host}i %200,304{Host}i', 'front:8000 - -'],
    ['100%% \\"quoted\\"\\t%>s', '100% "quoted"\t404'],
    ['%{%Y-%m-%d}t', new Date(record.start).toISOString().slice(0, 10)],
    ['%{sec}t %{msec_frac}t', `${Math.floor(record.start / 1000)} 123`],
  ])('%s → %s', (format, out) => {
    expect(compileLogFormat(format).render(record)).toBe(out);
  });

  it('renders %t as [dd/Mon/yyyy:HH:MM:SS ±zzzz]', () => {
    expect(compileLogFormat('%t').render(record)).toBe(clfTime(record.start));
    expect(clfTime(record.start)).toMatch(/^\[25\/Nov\/2026:\d\d:\d\d:59 [+-]\d{4}\]$/);
  });

  it('%t is the same text for every request of one second and changes with the second', () => {
    const a = clfTime(record.start);
    expect(clfTime(record.start + 800)).toBe(a);
    expect(clfTime(record.start + 1000)).not.toBe(a);
    expect(clfTime(record.start)).toBe(a);
  });

  it('escapes like ap_escape_logitem', () => {
    expect(escapeLogItem('a"b\\c\x01é')).toBe('a\\"b\\\\c\\x01\\xc3\\xa9');
  });

  it('reports directives it does not know and prints them as written', () => {
    const f = compileLogFormat('%h %Z');
    expect(f.unknown).toEqual(['%Z']);
    expect(f.render(record)).toBe('192.0.2.7 %Z');
  });
});

/** A stream that records each call of its write path: one entry per write(v) the file would see. */
function recordingStream(): { stream: Writable; calls: string[][] } {
  const calls: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      calls.push([chunk.toString()]);
      cb();
    },
    writev(chunks, cb) {
      calls.push(chunks.map((c) => String(c.chunk)));
      cb();
    },
  });
  return { stream, calls };
}

describe('batched access-log writes', () => {
  it('hands the lines of one event-loop turn to the stream in one write, in order', async () => {
    const { stream, calls } = recordingStream();
    const write = batchedWriter(stream);
    write('a\n');
    write('b\n');
    write('c\n');
    expect(calls).toEqual([]);
    await nextTurn();
    expect(calls).toEqual([['a\n', 'b\n', 'c\n']]);
    write('d\n');
    await nextTurn();
    expect(calls).toEqual([['a\n', 'b\n', 'c\n'], ['d\n']]);
  });

  it('loses nothing when the stream is ended before the turn is over', async () => {
    const { stream, calls } = recordingStream();
    const write = batchedWriter(stream);
    write('last\n');
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(calls.flat()).toEqual(['last\n']);
    await nextTurn();
    expect(stream.writableCorked).toBe(0);
  });
});

describe('logs of a running proxy', () => {
  it('writes combined lines to the CustomLog file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apx-logs-'));
    try {
      const echo = await startEchoBackend();
      const file = join(dir, 'access.log');
      const combined = '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"';
      const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)], logs: { errorLog: null, logLevel: null, access: [accessLog(combined, file)] } }) }), { accessLog: undefined });
      await request(`${p.url}/x?q=1`, { headers: { 'User-Agent': 'tester', Referer: 'http://r/' } });
      await request(`${p.url}/`, { method: 'HEAD' });
      await p.proxy.close();
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET \/x\?q=1 HTTP\/1\.1" 200 \d+ "http:\/\/r\/" "tester"$/);
      expect(lines[1]).toMatch(/"HEAD \/ HTTP\/1\.1" 200 \d+ "-" "-"$/);
      await echo.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends lines to the accessLog option in the server’s format, and honours env= conditions', async () => {
    const echo = await startEchoBackend();
    const logs = { errorLog: null, logLevel: null, access: [{ ...accessLog('%m %U%q %>s %b'), condition: 'env=!dontlog' }] };
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)], logs }) }));
    await request(`${p.url}/a?b`);
    await request(`${p.url}/../x`, { rawRequest: 'GET /../x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n' });
    await new Promise((r) => setImmediate(r));
    expect(p.access.lines()[0]).toMatch(/^GET \/a\?b 200 \d+$/);
    expect(p.access.lines()[1]).toMatch(/^GET \/\.\.\/x 400 266$/);
    await echo.close();
  });

  it('uses the combined format when the server has no CustomLog; null turns logging off', async () => {
    const echo = await startEchoBackend();
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)] }) }));
    await request(`${p.url}/z`);
    await new Promise((r) => setImmediate(r));
    expect(p.access.lines()[0]).toMatch(/^127\.0\.0\.1 - - \[.*\] "GET \/z HTTP\/1\.1" 200 \d+ "-" "-"$/);
    const off = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)] }) }), { accessLog: null });
    await request(`${off.url}/z`);
    expect(off.access.text).toBe('');
    await echo.close();
  });

  it('%k counts the requests served before on the same keep-alive connection', async () => {
    const echo = await startEchoBackend();
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)], logs: { errorLog: null, logLevel: null, access: [accessLog('%k %U')] } }) }));
    const { Agent, get } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (const path of ['/one', '/two', '/three']) {
      await new Promise<void>((resolve, reject) => get(`${p.url}${path}`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject));
    }
    agent.destroy();
    await new Promise((r) => setImmediate(r));
    expect(p.access.lines()).toEqual(['0 /one', '1 /two', '2 /three']);
    await echo.close();
  });

  it('%k counts a request Node hands to the upgrade path too (one counter with MaxKeepAliveRequests)', async () => {
    const echo = await startEchoBackend();
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)], logs: { errorLog: null, logLevel: null, access: [accessLog('%k %U')] } }) }));
    const { connect } = await import('node:net');
    const sock = connect({ host: '127.0.0.1', port: Number(new URL(p.url).port) });
    let buf = '';
    sock.setEncoding('latin1');
    sock.on('data', (c: string) => (buf += c));
    /** Send one request and wait for its whole response (Content-Length framed). */
    const exchange = async (head: string): Promise<void> => {
      buf = '';
      sock.write(head);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        const len = /\r\ncontent-length: *(\d+)/i.exec(buf)?.[1];
        if (end >= 0 && len !== undefined && buf.length >= end + 4 + Number(len)) return;
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await exchange('GET /one HTTP/1.1\r\nHost: h\r\n\r\n');
    await exchange('GET /two HTTP/1.1\r\nHost: h\r\n\r\n');
    // No route allows an upgrade: served as a plain request (Upgrade is hop-by-hop), and the connection ends.
    await exchange('GET /three HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: foo/1\r\n\r\n');
    sock.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(p.access.lines()).toEqual(['0 /one', '1 /two', '2 /three']);
    await echo.close();
  });

  it('error log lines follow httpd’s format', async () => {
    const p = await serve(model({ mainServer: server({ routes: [] }) }));
    await request(p.url, { rawRequest: 'GET /../x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n' });
    expect(p.errors.lines()[0]).toMatch(
      /^\[\w{3} \w{3} \d\d \d\d:\d\d:\d\d\.\d{6} \d{4}\] \[core:error\] \[pid \d+\] \[client 127\.0\.0\.1:\d+\] AH10244: invalid URI path \(\/\.\.\/x\)$/,
    );
  });

  it('warns that piped logs are not run', async () => {
    const p = await serve(model({ mainServer: server({ logs: { errorLog: null, logLevel: null, access: [accessLog('%h', '|/usr/bin/rotatelogs x 86400')] } }) }), { accessLog: undefined });
    expect(p.errors.text).toContain('apx does not run piped logs');
  });
});
