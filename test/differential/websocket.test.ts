/**
 * WebSocket tunnels, `apx serve` against real Apache 2.4.71 on the same config and the same `ws` backend.
 *
 * Apache 2.4.47+ tunnels WebSockets in mod_proxy_http (mod_proxy_wstunnel hands ws:// to it:
 * ProxyWebsocketFallbackToProxyHttp On) with ap_proxy_tunnel_run() (modules/proxy/proxy_util.c): after the
 * backend's 101 it relays bytes both ways, forwards a half-close, pauses reading one side while the other's
 * output is pending (backpressure), and ends the tunnel when neither side moves for the larger of the client
 * connection's and the backend connection's timeouts (`Timeout`, the worker's `timeout=`/`ProxyTimeout`).
 *
 * Each row runs the same exchange through both servers at once and compares what the client and the backend
 * observed. `apache` states what Apache does (checked against Apache itself, so the table also records it); apx
 * must then observe the same. A row with `deviation` is a documented difference (docs/deviations.md). Timings
 * (idle timeouts) and byte counts that depend on kernel buffers are compared within a row's `tolerance`.
 * `APX_WS_DUMP=1` prints both observations of every row.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apacheAvailable, apacheSkipReason, createServerRoot, disposeAllApache, startApache, type RunningApache } from '../support/apache.js';
import { request } from '../support/backends.js';
import { freePort } from '../support/ports.js';
import { FLOOD_CAP, openClient, rawUpgrade, startWsBackend, type WsBackend } from '../support/websocket.js';
import { load } from '../../src/config/index.js';
import { compile } from '../../src/model/index.js';
import { startProxy, type RunningProxy } from '../../src/runtime/index.js';

type Obs = Record<string, unknown>;

interface Target {
  readonly name: 'apache' | 'apx';
  readonly url: string;
}

interface Row {
  name: string;
  run: (t: Target, id: string) => Promise<Obs>;
  /** What Apache does; apx must observe exactly what Apache observed. */
  apache: Obs;
  /** A documented difference: the id in docs/deviations.md and what apx does instead. */
  deviation?: { id: string; apx: Obs };
  /** Keys compared within a tolerance (in the value's unit: ms, bytes) instead of exactly. */
  tolerance?: Record<string, number>;
}

let backend: WsBackend;
let seq = 0;
const uid = (t: Target, row: string): string => `${t.name}-${row.replace(/\W+/g, '_').slice(0, 30)}-${++seq}`;

// Timeouts under test, seconds (kept short: the rows wait for them).
const CONFIG = `
<VirtualHost *:{{PORT}}>
    ServerName proxy.test
    ProxyPass /ws/ ws://{{B}}/
    ProxyPass /up/ http://{{B}}/up/ upgrade=websocket
    ProxyPass /plain/ http://{{B}}/plain/
    ProxyPass /any/ http://{{B}}/any/ upgrade=*
    ProxyPass /down/ ws://127.0.0.1:{{DEAD}}/
    ProxyPass /downup/ http://127.0.0.1:{{DEAD}}/downup/ upgrade=websocket
    RewriteEngine On
    RewriteCond %{HTTP:Upgrade} websocket [NC]
    RewriteRule ^/rw/(.*) ws://{{B}}/rw/$1 [P,L]
    ProxyPass /rw/ http://{{B}}/rwplain/
    <Proxy balancer://wsb>
        BalancerMember ws://{{B}}/bal
    </Proxy>
    ProxyPass /bal/ balancer://wsb/
</VirtualHost>
<VirtualHost *:{{PORT}}>
    ServerName idle.test
    Timeout 1
    ProxyPass /ws/ ws://{{B}}/idle/
    ProxyPass /long/ ws://{{B}}/long/ timeout=2
    ProxyPass /hang/ ws://{{B}}/hang/
</VirtualHost>
<VirtualHost *:{{PORT}}>
    ServerName slow.test
    Timeout 2
    ProxyTimeout 1
    ProxyPass /ws/ ws://{{B}}/slow/
</VirtualHost>
`;

// ───────────────────────────────────────────── exchanges ─────────────────────────────────────────────

/** Open, send `messages` (text or binary), collect as many echoes, close normally; what both ends saw. */
async function echoExchange(t: Target, path: string, id: string, messages: (string | Buffer)[], host = 'proxy.test'): Promise<Obs> {
  const c = openClient(t.url, `${path}${path.includes('?') ? '&' : '?'}id=${id}`, host);
  const hs = await c.handshake;
  if (hs.kind !== 'open') return { handshake: hs };
  for (const m of messages) c.ws.send(m);
  const echoed = await c.received(messages.length);
  const b = await backend.connection(id);
  c.ws.close(1000, 'done');
  const closed = await c.closed;
  const backendClosed = await b.closed;
  return {
    handshake: hs,
    head101: c.head101,
    echoed,
    backendUrl: b.url,
    backendReceived: b.received,
    backendUpgrade: b.headers['upgrade'] ?? null,
    backendHead: b.rawHeaders.map((h) => h.replace(/^(Sec-WebSocket-Key: ).*/i, '$1<key>').replace(/:\d+$/, ':<port>')),
    closed,
    backendClosed,
  };
}

/** A plain request (no Upgrade) with node:http. */
async function plainGet(t: Target, path: string): Promise<Obs> {
  const r = await request(`${t.url}${path}`, { headers: { Host: 'proxy.test' }, timeoutMs: 10_000 });
  return { status: r.status, body: r.status === 200 ? r.text : (/<title>([^<]*)<\/title>/.exec(r.text)?.[1] ?? null) };
}

/** The handshake only: 101, or the status and body (title for error pages) the client got instead. */
async function handshakeOnly(t: Target, path: string, id: string, host = 'proxy.test'): Promise<Obs> {
  const c = openClient(t.url, `${path}?id=${id}`, host);
  const hs = await c.handshake;
  if (hs.kind === 'open') c.ws.terminate();
  if (hs.kind !== 'refused') return { handshake: hs.kind };
  return { handshake: hs.kind, status: hs.status, body: /<title>([^<]*)<\/title>/.exec(hs.body)?.[1] ?? hs.body };
}

/** Open an idle tunnel and wait for whoever closes it; ms from open to close, and how each end saw it. */
async function idle(t: Target, host: string, path: string, id: string): Promise<Obs> {
  const c = openClient(t.url, `${path}?id=${id}`, host);
  const hs = await c.handshake;
  if (hs.kind !== 'open') return { handshake: hs };
  const start = Date.now();
  const b = await backend.connection(id);
  const closed = await Promise.race([c.closed, new Promise<null>((r) => setTimeout(() => r(null), 6_000))]);
  const after = Date.now() - start;
  const backendClosed = await Promise.race([b.closed, new Promise<null>((r) => setTimeout(() => r(null), 2_000))]);
  if (!closed) c.ws.terminate();
  return { closed, after: closed ? after : null, backendClosed };
}

// ───────────────────────────────────────────── the table ─────────────────────────────────────────────

const WS_KEY = ['Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'];
const raw = (method: string, path: string, headers: string[]): string =>
  `${method} ${path} HTTP/1.1\r\nHost: proxy.test\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;

const MB = Buffer.alloc(1 << 20);
for (let i = 0; i < MB.length; i++) MB[i] = (i * 7919) & 0xff;
const BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

const rows: Row[] = [
  // ── the three config forms, and what is not a tunnel ──
  {
    name: 'ProxyPass /ws/ ws://…: tunnelled (ws:// upgrades by default)',
    run: (t, id) => echoExchange(t, '/ws/chat', id, ['hello']),
    apache: {
      handshake: { kind: 'open' },
      // ap_send_interim_response: the backend's fields minus hop-by-hop ones, then Connection and Upgrade.
      head101: ['Sec-WebSocket-Accept: <accept>', 'Connection: Upgrade', 'Upgrade: websocket'],
      echoed: [{ type: 'text', text: 'hello' }],
      backendUpgrade: 'websocket',
      closed: { code: 1000, reason: 'done' },
    },
  },
  {
    name: 'ProxyPass /up/ http://… upgrade=websocket: tunnelled',
    run: (t, id) => echoExchange(t, '/up/chat', id, ['hello']),
    apache: { handshake: { kind: 'open' }, echoed: [{ type: 'text', text: 'hello' }], backendUpgrade: 'websocket' },
  },
  {
    name: 'RewriteCond %{HTTP:Upgrade} websocket [NC] + RewriteRule … ws://… [P,L]: tunnelled',
    run: (t, id) => echoExchange(t, '/rw/chat', id, ['hello']),
    apache: { handshake: { kind: 'open' }, echoed: [{ type: 'text', text: 'hello' }], backendUpgrade: 'websocket' },
  },
  {
    name: 'ProxyPass /bal/ balancer://… with a ws:// BalancerMember: tunnelled to the member',
    run: (t, id) => echoExchange(t, '/bal/chat', id, ['hello']),
    apache: { handshake: { kind: 'open' }, echoed: [{ type: 'text', text: 'hello' }], backendUrl: '/bal/chat?id=ID' },
  },
  {
    name: 'a plain GET on the ws:// route is proxied as ordinary HTTP',
    run: (t) => plainGet(t, '/ws/page?q=1'),
    apache: { status: 200 },
  },
  {
    name: 'a plain GET on the upgrade=websocket route is proxied as ordinary HTTP',
    run: (t) => plainGet(t, '/up/page'),
    apache: { status: 200 },
  },
  {
    name: 'a plain GET where only the RewriteCond-guarded rule tunnels falls through to the next ProxyPass',
    run: (t) => plainGet(t, '/rw/page'),
    apache: { status: 200 },
  },
  {
    name: 'Upgrade: websocket on an http:// worker without upgrade= is an ordinary request (Upgrade not forwarded)',
    run: (t, id) => handshakeOnly(t, '/plain/chat', id),
    apache: { handshake: 'refused', status: 200 },
  },
  {
    name: 'upgrade=* tunnels any protocol (Upgrade: foo)',
    run: (t) => rawUpgrade(t.url, raw('GET', '/any/x', ['Upgrade: foo', 'Connection: Upgrade']), 'hi', 'echo:hi'),
    apache: { status: 101, upgrade: 'foo', data: 'echo:hi' },
  },
  {
    name: 'half-close is forwarded: the client ends its side, the backend still answers and then ends too',
    run: (t) => rawUpgrade(t.url, raw('GET', '/any/x', ['Upgrade: foo', 'Connection: Upgrade']), 'last words', { halfClose: true }),
    apache: { status: 101, data: 'echo:last wordsbye', closedByPeer: true },
  },
  {
    name: 'half-close the other way: the backend ends its side first, the client\'s later bytes still reach it',
    run: async (t) => {
      const tag = `late-from-${t.name}`;
      const r = await rawUpgrade(t.url, raw('GET', '/any/backendfirst', ['Upgrade: foo', 'Connection: Upgrade']), tag, 'closing');
      // The backend ended its side; our bytes went after the 101 arrived. Wait for them (or give up).
      for (let i = 0; i < 100 && !backend.late.join('').includes(tag); i++) await new Promise((res) => setTimeout(res, 20));
      return { status: r.status, data: r.data, backendGotLateBytes: backend.late.join('').includes(tag) };
    },
    apache: { status: 101, data: 'closing', backendGotLateBytes: true },
  },
  {
    name: 'a ws:// worker upgrades only to websocket: Upgrade: foo there is an ordinary request',
    run: (t) => rawUpgrade(t.url, raw('GET', '/ws/x', ['Upgrade: foo', 'Connection: Upgrade']), 'hi', 'upgrade='),
    apache: { status: 200 },
  },
  {
    name: 'Upgrade: websocket without `Connection: Upgrade` is still tunnelled by Apache',
    run: (t) => rawUpgrade(t.url, raw('GET', '/ws/x', ['Upgrade: websocket', ...WS_KEY]), '', ''),
    apache: { status: 101, upgrade: 'websocket' },
    deviation: { id: 'upgrade-needs-connection-token', apx: { status: 200, upgrade: null, data: expect.stringContaining('plain GET /x upgrade=-') } },
  },
  {
    name: 'the method is not checked: POST with Upgrade: websocket goes to the backend as an upgrade (ws refuses it: 405)',
    run: (t) => rawUpgrade(t.url, raw('POST', '/ws/x', ['Upgrade: websocket', 'Connection: Upgrade', 'Content-Length: 0', ...WS_KEY]), '', ''),
    apache: { status: 405, data: 'Invalid HTTP method' },
  },
  // ── messages ──
  {
    name: 'text and binary messages both ways keep their type and bytes',
    run: (t, id) => echoExchange(t, '/ws/m', id, ['héllo wörld', BYTES, '', Buffer.alloc(0)]),
    apache: { echoed: [{ type: 'text', text: 'héllo wörld' }, { type: 'binary', length: 256 }, { type: 'text', text: '' }, { type: 'binary', length: 0 }] },
  },
  {
    name: 'a 1 MB binary message both ways',
    run: (t, id) => echoExchange(t, '/ws/big', id, [MB]),
    apache: { echoed: [{ type: 'binary', length: 1 << 20 }] },
  },
  {
    name: 'fragmented messages are reassembled by the far end (frames pass through)',
    run: async (t, id) => {
      const c = openClient(t.url, `/ws/frag?id=${id}`);
      await c.handshake;
      c.ws.send('abc', { fin: false });
      c.ws.send('def', { fin: false });
      c.ws.send('ghi', { fin: true });
      c.ws.send('!frag one two');
      const got = await c.received(2);
      const b = await backend.connection(id);
      c.ws.terminate();
      return { got, backendReceived: b.received };
    },
    apache: { got: [{ text: 'abcdefghi' }, { text: 'onetwo' }], backendReceived: [{ text: 'abcdefghi' }] },
  },
  {
    name: 'ping/pong pass through: each end answers the other end\'s ping',
    run: async (t, id) => {
      const c = openClient(t.url, `/ws/ping?id=${id}`);
      await c.handshake;
      c.ws.ping('from-client');
      c.ws.send('!ping from-backend');
      c.ws.send('sync');
      await c.received(1);
      const b = await backend.connection(id);
      while (c.pongs.length < 1 || b.pongs.length < 1) await new Promise((r) => setTimeout(r, 10));
      c.ws.terminate();
      return { clientPongs: c.pongs, clientPings: c.pings, backendPings: b.pings, backendPongs: b.pongs };
    },
    apache: { clientPongs: ['from-client'], clientPings: ['from-backend'], backendPings: ['from-client'], backendPongs: ['from-backend'] },
  },
  {
    name: 'a burst of 2000 messages each way arrives complete and in order',
    run: async (t, id) => {
      const c = openClient(t.url, `/ws/burst?id=${id}`);
      await c.handshake;
      for (let i = 0; i < 2000; i++) c.ws.send(`c${i}`);
      const echoed = await c.received(2000);
      c.ws.send('!burst 2000');
      const all = await c.received(4000);
      const b = await backend.connection(id);
      c.ws.terminate();
      const inOrder = (xs: { text?: string }[], p: string): boolean => xs.every((f, i) => f.text === `${p}${i}`);
      return { echoedInOrder: inOrder(echoed, 'c'), burstInOrder: inOrder(all.slice(2000), 'm'), backendInOrder: inOrder(b.received, 'c') };
    },
    apache: { echoedInOrder: true, burstInOrder: true, backendInOrder: true },
  },
  // ── closing ──
  {
    name: 'the client closes with 4000 "bye": the backend sees 4000 "bye", and its echo reaches the client',
    run: async (t, id) => {
      const c = openClient(t.url, `/ws/close?id=${id}`);
      await c.handshake;
      const b = await backend.connection(id);
      c.ws.close(4000, 'bye');
      return { client: await c.closed, backend: await b.closed };
    },
    apache: { client: { code: 4000, reason: 'bye' }, backend: { code: 4000, reason: 'bye' } },
  },
  {
    name: 'the backend closes with 1011: the client sees 1011 and the reason',
    run: async (t, id) => {
      const c = openClient(t.url, `/ws/close?id=${id}`);
      await c.handshake;
      c.ws.send('!close 1011 backend failed');
      const b = await backend.connection(id);
      return { client: await c.closed, backend: await b.closed };
    },
    apache: { client: { code: 1011, reason: 'backend failed' }, backend: { code: 1011, reason: 'backend failed' } },
  },
  {
    name: 'the backend\'s socket dies (no close frame): the client sees 1006',
    run: async (t, id) => {
      const c = openClient(t.url, `/ws/die?id=${id}`);
      await c.handshake;
      c.ws.send('!die');
      return { client: await c.closed };
    },
    apache: { client: { code: 1006, reason: '' } },
  },
  {
    name: 'the client disappears (socket destroyed): the backend sees its socket close (1006)',
    run: async (t, id) => {
      const c = openClient(t.url, `/ws/gone?id=${id}`);
      await c.handshake;
      const b = await backend.connection(id);
      c.ws.terminate();
      return { backend: await b.closed };
    },
    apache: { backend: { code: 1006, reason: '' } },
  },
  // ── refusals and errors ──
  {
    name: 'the backend answers 200 instead of 101: the client gets that 200 and its body',
    run: (t, id) => handshakeOnly(t, '/ws/refuse200', id),
    apache: { handshake: 'refused', status: 200, body: 'no websocket here (200)\n' },
  },
  {
    name: 'the backend answers 403 instead of 101: the client gets that 403 and its body',
    run: (t, id) => handshakeOnly(t, '/up/refuse403', id),
    apache: { handshake: 'refused', status: 403 },
  },
  {
    name: 'a chunked refusal (403) reaches the client with its body intact',
    run: (t, id) => handshakeOnly(t, '/ws/refuse403c', id),
    apache: { handshake: 'refused', status: 403, body: 'no websocket here (403)\n' },
  },
  {
    name: 'the backend\'s 101 names another protocol (Upgrade: foo): 502 "Unexpected Upgrade"',
    run: (t, id) => handshakeOnly(t, '/ws/wrongproto', id),
    apache: { handshake: 'refused', status: 502, body: '502 Proxy Error' },
  },
  {
    name: 'the backend\'s 101 has no Upgrade field: 502',
    run: (t, id) => handshakeOnly(t, '/ws/noproto', id),
    apache: { handshake: 'refused', status: 502, body: '502 Proxy Error' },
  },
  {
    name: 'ws:// backend down: 503',
    run: (t, id) => handshakeOnly(t, '/down/x', id),
    apache: { handshake: 'refused', status: 503 },
  },
  {
    name: 'http:// upgrade=websocket backend down: 503',
    run: (t, id) => handshakeOnly(t, '/downup/x', id),
    apache: { handshake: 'refused', status: 503 },
  },
  // ── idle timeouts ──
  {
    name: 'idle tunnel, Timeout 1: closed after 1 s without a close frame (1006 at both ends)',
    run: (t, id) => idle(t, 'idle.test', '/ws/', id),
    apache: { closed: { code: 1006 }, backendClosed: { code: 1006 }, after: expect.closeTo(1000, -3) },
    tolerance: { after: 700 },
  },
  {
    name: 'idle tunnel, Timeout 1 and the worker\'s timeout=2: the larger, 2 s',
    run: (t, id) => idle(t, 'idle.test', '/long/', id),
    apache: { closed: { code: 1006 }, backendClosed: { code: 1006 }, after: expect.closeTo(2000, -3) },
    tolerance: { after: 700 },
  },
  {
    name: 'idle tunnel, Timeout 2, ProxyTimeout 1: the larger of Timeout and ProxyTimeout, 2 s',
    run: (t, id) => idle(t, 'slow.test', '/ws/', id),
    apache: { closed: { code: 1006 }, backendClosed: { code: 1006 }, after: expect.closeTo(2000, -3) },
    tolerance: { after: 700 },
  },
  {
    name: 'traffic keeps a tunnel open past Timeout 1: the idle timer restarts on every message',
    run: async (t, id) => {
      const c = openClient(t.url, `/ws/?id=${id}`, 'idle.test');
      await c.handshake;
      for (let i = 0; i < 8; i++) {
        c.ws.send(`tick${i}`);
        await c.received(i + 1);
        await new Promise((r) => setTimeout(r, 250));
      }
      const open = c.ws.readyState === c.ws.OPEN;
      c.ws.close(1000);
      return { openAfter2s: open, closed: await c.closed };
    },
    apache: { openAfter2s: true, closed: { code: 1000 } },
  },
  {
    name: 'the backend never answers the upgrade request: the worker\'s timeout (here Timeout 1) ends the wait with 502',
    run: (t, id) => handshakeOnly(t, '/hang/x', id, 'idle.test'),
    apache: { handshake: 'refused', status: 502 },
  },
  // ── backpressure ──
  {
    name: 'backpressure: a client that stops reading stalls the backend (bounded buffering); reading again drains it all',
    run: async (t, id) => {
      const c = openClient(t.url, `/ws/flood?id=${id}`);
      await c.handshake;
      c.ws.pause();
      c.ws.send('!flood');
      const b = await backend.connection(id);
      const f = await b.flooded;
      c.ws.resume();
      while (c.bytes() < f.queued && c.ws.readyState === c.ws.OPEN) await new Promise((r) => setTimeout(r, 20));
      const left = await f.drained;
      const inFlight = f.queued - f.buffered;
      c.ws.terminate();
      // inFlight: what left the backend but had not reached the client when it stopped, i.e. kernel buffers plus
      // whatever the proxy holds. Compared with Apache's within 4 MB: apx may not hold much more than httpd does.
      return { stalled: f.stalled, belowCap: f.queued < FLOOD_CAP, inFlight, inFlightUnder24MB: inFlight < 24 << 20, delivered: c.bytes() === f.queued, left };
    },
    apache: { stalled: true, belowCap: true, inFlightUnder24MB: true, delivered: true, left: 0 },
    tolerance: { inFlight: 4 * 1024 * 1024 },
  },
];

// ───────────────────────────────────────────── apx ─────────────────────────────────────────────

async function startApx(confFile: string, serverRoot: string, port: number, errorLog: NodeJS.WritableStream): Promise<{ proxy: RunningProxy; url: string }> {
  const loaded = load({ file: confFile }, { serverRoot });
  const { model, diagnostics } = compile(loaded);
  if (!model) throw new Error(`apx could not compile the config: ${diagnostics.map((d) => d.message).join('; ')}`);
  const proxy = await startProxy(model, { listen: [{ port, host: '127.0.0.1', listenPort: 0 }], accessLog: null, errorLog });
  const addr = proxy.addresses.find((a) => a.servesPort === port) ?? proxy.addresses[0];
  if (!addr) throw new Error('apx started without listening anywhere');
  return { proxy, url: `http://127.0.0.1:${addr.port}` };
}

/** Drop the keys compared with a tolerance; check those separately. */
function split(o: Obs, tolerance: Record<string, number> | undefined): { exact: Obs; loose: Record<string, unknown> } {
  const exact: Obs = { ...o };
  const loose: Record<string, unknown> = {};
  for (const k of Object.keys(tolerance ?? {})) {
    loose[k] = exact[k];
    delete exact[k];
  }
  return { exact, loose };
}

// ───────────────────────────────────────────── the suite ─────────────────────────────────────────────

describe.skipIf(!apacheAvailable())(`WebSocket tunnels: apx serve vs Apache 2.4 ${apacheSkipReason()}`, () => {
  let httpd: RunningApache;
  let apx: { proxy: RunningProxy; url: string };
  const apxErrors = new PassThrough();
  let apxErrorText = '';
  apxErrors.on('data', (c: Buffer) => (apxErrorText += c.toString()));

  beforeAll(async () => {
    backend = await startWsBackend();
    const dead = await freePort();
    const root = await createServerRoot({
      modules: ['proxy', 'proxy_http', 'proxy_wstunnel', 'rewrite', 'proxy_balancer', 'lbmethod_byrequests'],
      config: CONFIG,
      vars: { B: backend.hostPort, DEAD: dead },
    });
    httpd = await startApache(root);
    apx = await startApx(root.confFile, root.dir, root.port, apxErrors);
  });
  afterAll(async () => {
    await apx?.proxy.close();
    await disposeAllApache();
    await backend?.close();
  });

  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const targets: Target[] = [
      { name: 'apache', url: httpd.url },
      { name: 'apx', url: apx.url },
    ];
    // Each run has its own connection id (the backend files connections under it); compare without it.
    const [theirs, mine] = await Promise.all(
      targets.map(async (t) => {
        const id = uid(t, row.name);
        return JSON.parse(JSON.stringify(await row.run(t, id)).split(id).join('ID')) as Obs;
      }),
    );
    if (process.env['APX_WS_DUMP']) console.log(row.name, JSON.stringify({ apache: theirs, apx: mine }));
    expect(theirs, 'Apache').toMatchObject(row.apache);
    if (row.deviation) return void expect(mine, apxErrorText).toMatchObject(row.deviation.apx);
    const a = split(theirs!, row.tolerance);
    const b = split(mine!, row.tolerance);
    expect(b.exact, apxErrorText).toEqual(a.exact);
    for (const [k, ms] of Object.entries(row.tolerance ?? {})) {
      expect(typeof b.loose[k], k).toBe(typeof a.loose[k]);
      if (typeof a.loose[k] === 'number') expect(Math.abs((b.loose[k] as number) - (a.loose[k] as number)), `${k}: apx ${String(b.loose[k])} vs Apache ${String(a.loose[k])}`).toBeLessThan(ms);
    }
  }, 30_000);
});
