/**
 * Fuzzing `apx serve` with mutated HTTP requests on raw sockets: whatever the bytes, the proxy answers with an
 * HTTP status line or closes the connection — it never throws, never logs an internal error, never connects to a
 * host the config does not name, and keeps serving ordinary requests afterwards. The config exercises every
 * request path: ProxyPass and `!`, a balancer, ProxyPassMatch, a RewriteRule [P] WebSocket route, the
 * balancer-manager and server-status handlers, request header edits and tight request limits.
 *
 * Deterministic: APX_FUZZ_SEED picks the run, APX_FUZZ_REQUESTS its length; both are printed. A failure names
 * the request (JSON-escaped) so it can be replayed.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../../src/config/index.js';
import { compile } from '../../src/model/index.js';
import { startProxy, type RunningProxy } from '../../src/runtime/index.js';
import { request, startEchoBackend, startTrap, type Backend, type Trap } from '../support/backends.js';
import { iterationSeed, mulberry32, seedFromEnv, type Rng } from './prng.js';

const SEED = seedFromEnv(process.env['APX_FUZZ_SEED'], 0x5e4e_2026);
const REQUESTS = Number(process.env['APX_FUZZ_REQUESTS'] ?? 1_500);
console.log(`serve fuzz: APX_FUZZ_SEED=0x${SEED.toString(16)} APX_FUZZ_REQUESTS=${REQUESTS}`);

/** Request heads the mutations start from: one per path the handler has. */
const SEEDS: readonly string[] = [
  'GET /app/x?q=1 HTTP/1.1\r\nHost: proxy.test\r\nAccept: */*\r\n\r\n',
  'HEAD /app/ HTTP/1.1\r\nHost: proxy.test\r\n\r\n',
  'POST /app/form HTTP/1.1\r\nHost: proxy.test\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world',
  'PUT /bal/up HTTP/1.1\r\nHost: proxy.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  'GET /m/abc/def HTTP/1.1\r\nHost: proxy.test\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n',
  'GET /static/a.css HTTP/1.1\r\nHost: proxy.test\r\n\r\n',
  'GET /ws/chat HTTP/1.1\r\nHost: proxy.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  'GET /balancer-manager?b=c&w=x&nonce=1 HTTP/1.1\r\nHost: proxy.test\r\nReferer: http://proxy.test/balancer-manager\r\n\r\n',
  'GET /server-status?auto HTTP/1.1\r\nHost: proxy.test\r\n\r\n',
  'GET http://proxy.test/app/abs HTTP/1.1\r\nHost: other.test\r\n\r\n',
  'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: proxy.test\r\n\r\n',
  'GET /app/../../etc/passwd HTTP/1.0\r\n\r\n',
  'POST /app/e HTTP/1.1\r\nHost: proxy.test\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc',
];

/** Fragments a mutation splices in: what parsers and proxies get wrong. */
const FRAGMENTS: readonly string[] = [
  '\r\n', '\n', '\r', '\0', ' ', '\t', ':', '%', '%2F', '%00', '%zz', '/..', '/./', '//', '?', '#', '\u00ff', '\u0100',
  'Content-Length: 5\r\n', 'Content-Length: -1\r\n', 'Content-Length: 99999999999999999999\r\n', 'Transfer-Encoding: chunked\r\n',
  'Transfer-Encoding: gzip, chunked\r\n', 'Transfer-Encoding: identity\r\n', ' folded\r\n', 'Host: \r\n', 'Host: a b\r\n',
  'Host: [::1\r\n', 'Host: 127.0.0.1:22\r\n', 'Connection: close, Host\r\n', 'Connection: keep-alive\r\n', 'Upgrade: h2c\r\n',
  'Max-Forwards: 0\r\n', 'Max-Forwards: x\r\n', 'Cookie: JSESSIONID=a.r1\r\n', 'Expect: 100-continue\r\n', 'Expect: x\r\n',
  'ffffffffffffffff\r\n', '0\r\n\r\n', 'GET / HTTP/1.1\r\n\r\n', 'HTTP/2.0', 'HTTP/1.', 'http://127.0.0.1:1/', 'X'.repeat(9000),
];

function mutateRequest(base: string, rng: Rng): string {
  let s = base;
  const n = rng.int(0, 3);
  for (let i = 0; i < n; i++) {
    // Half the edits land at the start of a header line, where they change meaning rather than break syntax.
    const lineStarts = [...s.matchAll(/\r\n(?=.)/g)].map((m) => m.index + 2);
    const at = lineStarts.length && rng.chance(0.5) ? rng.pick(lineStarts) : rng.int(0, s.length);
    switch (rng.int(0, 6)) {
      case 0: // insert a fragment
        s = s.slice(0, at) + rng.pick(FRAGMENTS) + s.slice(at);
        break;
      case 1: // delete a run
        s = s.slice(0, at) + s.slice(Math.min(s.length, at + rng.int(1, 8)));
        break;
      case 2: // replace one byte
        s = s.slice(0, at) + String.fromCharCode(rng.int(0, 255)) + s.slice(at + 1);
        break;
      case 3: {
        // duplicate a header line
        const lines = s.split('\r\n');
        const k = rng.int(1, Math.max(1, lines.length - 2));
        lines.splice(k, 0, lines[k] ?? '');
        s = lines.join('\r\n');
        break;
      }
      case 4: // truncate
        s = s.slice(0, at);
        break;
      case 5: // change the method
        s = rng.pick(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'TRACE', 'CONNECT', 'PATCH', 'BREW', 'get', '']) + s.slice(s.indexOf(' ') < 0 ? 0 : s.indexOf(' '));
        break;
      default: // splice the start of another seed
        s = s.slice(0, at) + rng.pick(SEEDS).slice(0, rng.int(1, 60));
    }
  }
  return s;
}

/** Send the bytes, read until the proxy closes the connection or `ms` pass; returns what came back. */
function exchange(port: number, bytes: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const sock: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, ms);
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', finish);
    sock.on('close', finish);
    sock.on('connect', () => sock.end(Buffer.from(bytes, 'latin1')));
  });
}

describe('apx serve under mutated requests', () => {
  let backend: Backend;
  let stranger: Trap;
  /** What a mutation puts where `/app/` was: URLs and a Host naming hosts the config does not. */
  let toStranger: string[] = [];
  let proxy: RunningProxy;
  let port = 0;
  const errors: string[] = [];

  beforeAll(async () => {
    backend = await startEchoBackend({ name: 'b' });
    // A host the config never names: nothing a client sends may make apx connect here.
    stranger = await startTrap();
    toStranger = ['http://127.0.0.1:1/', `http://127.0.0.1:${stranger.port}/`, `Host: 127.0.0.1:${stranger.port}\r\n`];
    const text = `
LimitRequestFieldSize 4096
LimitRequestFields 40
LimitRequestLine 2048
LimitRequestBody 4096
<VirtualHost *:80>
    ServerName proxy.test
    RequestHeader set X-Fuzz yes
    ProxyPass /static/ !
    ProxyPass /app/ ${backend.url}/inner/
    ProxyPassReverse /app/ ${backend.url}/inner/
    ProxyPassMatch ^/m/(\\w+)/(.*)$ ${backend.url}/match/$2/$1
    ProxyPass /bal/ balancer://c/
    <Proxy balancer://c>
        BalancerMember ${backend.url} route=r1
        BalancerMember ${backend.url}/ route=r2
        ProxySet stickysession=JSESSIONID
    </Proxy>
    RewriteEngine On
    RewriteCond %{HTTP:Upgrade} websocket [NC]
    RewriteRule ^/ws/(.*)$ ws://${backend.url.slice('http://'.length)}/ws/$1 [P,L]
    <Location /balancer-manager>
        SetHandler balancer-manager
        Require ip 127.0.0.1
    </Location>
    <Location /server-status>
        SetHandler server-status
        Require ip 127.0.0.1
    </Location>
</VirtualHost>
`;
    const loaded = load({ file: '/fuzz.conf', text }, { noTreeDetection: true, modules: ['proxy', 'proxy_http', 'proxy_balancer', 'lbmethod_byrequests', 'slotmem_shm', 'rewrite', 'headers', 'status', 'proxy_wstunnel'] });
    const { model, diagnostics } = compile(loaded);
    expect(model, diagnostics.map((d) => d.message).join('\n')).not.toBeNull();
    const errorLog = { write: (s: string) => (errors.push(s), true) } as unknown as NodeJS.WritableStream;
    proxy = await startProxy(model!, { listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }], accessLog: null, errorLog });
    port = proxy.addresses[0]!.port;
  });

  afterAll(async () => {
    await proxy?.close();
    await backend?.close();
    await stranger?.close();
  });

  it(`answers ${REQUESTS} mutated requests with a status line or a close, and keeps serving`, async () => {
    const seed = iterationSeed(SEED, 0);
    const rng = mulberry32(seed);
    const inputs = Array.from({ length: REQUESTS }, () => {
      const base = rng.pick(SEEDS);
      return rng.chance(0.15) ? mutateRequest(base, rng).replace(/\/app\//, rng.pick(toStranger)) : mutateRequest(base, rng);
    });
    const bad: string[] = [];
    const statuses = new Map<string, number>();
    // 16 at a time: enough concurrency to interleave, few enough to stay quick on 2 cores.
    for (let i = 0; i < inputs.length; i += 16) {
      const batch = inputs.slice(i, i + 16);
      const answers = await Promise.all(batch.map((b) => exchange(port, b, 1500)));
      answers.forEach((a, j) => {
        const status = /^HTTP\/1\.[01] ([1-5]\d\d) /.exec(a)?.[1] ?? (a === '' ? 'closed' : 'not HTTP');
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 'not HTTP') bad.push(`${JSON.stringify(batch[j])} → ${JSON.stringify(a.slice(0, 80))}`);
      });
    }
    console.log(`serve fuzz: answers ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(bad.slice(0, 5), `${bad.length} answers were not HTTP`).toEqual([]);
    // The mutations must reach the request paths, not just the parser: many requests get through to a 2xx.
    expect(statuses.get('200') ?? 0).toBeGreaterThan(REQUESTS / 10);
    expect(errors.join('').match(/.*internal error.*/g) ?? []).toEqual([]);
    expect(stranger.hits).toBe(0);
    const after = await request(`http://127.0.0.1:${port}/app/after`, { headers: { Host: 'proxy.test' } });
    expect(after.status).toBe(200);
    expect(after.json<{ url: string }>().url).toBe('/inner/after');
  }, 120_000);
});
