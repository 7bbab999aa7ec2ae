/**
 * WebSocket peers for differential tests (the `ws` package): a scripted backend and an observing client.
 *
 * The backend is one node:http server. Plain requests get a short text answer naming what the backend saw. Upgrade
 * requests are answered by what their path contains:
 *
 *   /refuse200, /refuse403   that status instead of 101 (`/refuse403c`: the same with a chunked body)
 *   /hang                    nothing, ever
 *   /wrongproto, /noproto    a 101 naming another protocol (`foo`), or none
 *   /backendfirst            (a protocol other than websocket) a 101, `closing`, then our side ended; what still
 *                            arrives is filed in `late`
 *   anything else            another protocol than websocket: a raw 101 and a byte echo (`echo:` + the bytes, and
 *                            `bye` when the client ends its side); websocket: a `ws` connection that echoes every
 *                            message (text stays text, binary stays binary) and obeys commands sent as text
 *                            messages starting with `!` (never echoed):
 *
 *   !close CODE REASON   close with that code and reason          !die          destroy the TCP socket, no close frame
 *   !ping PAYLOAD        send a ping                              !burst N      send N text messages `m0`…`m<N-1>`
 *   !frag A B            send one text message as two frames      !flood        send until the socket stops draining
 *
 * Each connection is recorded under the `id` query parameter of its URL, so a test can ask what the backend saw.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import WebSocket, { WebSocketServer, type RawData } from 'ws';

export interface Frame {
  type: 'text' | 'binary';
  length: number;
  /** The text, for text messages up to 200 characters; else the SHA-256 of the bytes. */
  text?: string;
  sha256?: string;
}

export interface Closed {
  code: number;
  reason: string;
}

export interface FloodResult {
  /** Bytes handed to `ws.send`. */
  queued: number;
  /** `bufferedAmount` when the backend stopped: what its socket would not take. */
  buffered: number;
  /** True when the backend stopped because its socket stopped draining (not because it hit the cap). */
  stalled: boolean;
  /** Resolves with the socket's pending bytes once they drained (0: the client read everything). */
  drained: Promise<number>;
}

/** What the backend saw on one connection. */
export interface BackendConnection {
  readonly id: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The request head's fields in order, as `name: value`. */
  readonly rawHeaders: string[];
  readonly received: Frame[];
  readonly pongs: string[];
  readonly pings: string[];
  close: Closed | null;
  readonly closed: Promise<Closed>;
  /** Resolves after `!flood`, when the backend stopped queueing. */
  readonly flooded: Promise<FloodResult>;
  readonly socket: WebSocket;
}

export interface WsBackend {
  readonly port: number;
  readonly hostPort: string;
  /** The connection with this `id` (waits for it to arrive). */
  connection(id: string): Promise<BackendConnection>;
  /** Plain (non-upgrade) requests seen, as `METHOD url upgrade=<Upgrade header or ->`. */
  readonly plain: string[];
  /** Bytes `/backendfirst` tunnels received after the backend had ended its side. */
  readonly late: string[];
  close(): Promise<void>;
}

/** Flood: message size, the cap on what is queued, and the bufferedAmount that counts as "stopped draining". */
export const FLOOD_CHUNK = 64 * 1024;
export const FLOOD_CAP = 96 * 1024 * 1024;
export const FLOOD_HIGH_WATER = 8 * 1024 * 1024;

export function frameOf(data: RawData | string, isBinary: boolean): Frame {
  const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  const f: Frame = { type: isBinary ? 'binary' : 'text', length: buf.length };
  if (!isBinary && buf.length <= 200) f.text = buf.toString('utf8');
  else f.sha256 = createHash('sha256').update(buf).digest('hex');
  return f;
}

function idOf(url: string): string {
  return new URL(url, 'http://x').searchParams.get('id') ?? url;
}

/**
 * Queue FLOOD_CHUNK messages, yielding to the event loop after each (an in-process proxy must get to run), until
 * the socket stops draining (FLOOD_HIGH_WATER bytes wait in ws's buffer) or FLOOD_CAP bytes were queued. A proxy
 * that pushes back makes the buffer grow; one that swallows everything lets the cap be reached first.
 */
async function flood(ws: WebSocket): Promise<FloodResult> {
  const chunk = Buffer.alloc(FLOOD_CHUNK, 0x61);
  const socket = (ws as unknown as { _socket: Socket })._socket;
  const pending = (): number => Math.max(ws.bufferedAmount, socket.writableLength);
  let queued = 0;
  while (queued < FLOOD_CAP && pending() < FLOOD_HIGH_WATER && ws.readyState === WebSocket.OPEN) {
    ws.send(chunk, { binary: true });
    queued += chunk.length;
    await new Promise((r) => setImmediate(r));
  }
  const buffered = pending();
  const drained = new Promise<number>((resolve) => {
    const check = (): void => {
      if (socket.writableLength === 0 || socket.destroyed) resolve(socket.writableLength);
      else socket.once('drain', check);
    };
    check();
  });
  return { queued, buffered, stalled: buffered >= FLOOD_HIGH_WATER, drained };
}

function command(ws: WebSocket, text: string, onFlood: (f: FloodResult) => void): void {
  const [cmd, ...args] = text.slice(1).split(' ');
  switch (cmd) {
    case 'close':
      return ws.close(Number(args[0]), args.slice(1).join(' '));
    case 'die':
      return void (ws as unknown as { _socket: Socket })._socket.destroy();
    case 'ping':
      return ws.ping(args.join(' '));
    case 'burst':
      for (let i = 0; i < Number(args[0]); i++) ws.send(`m${i}`);
      return;
    case 'frag':
      ws.send(args[0] ?? '', { fin: false });
      ws.send(args[1] ?? '', { fin: true });
      return;
    case 'flood':
      return void flood(ws).then(onFlood);
    default:
      ws.send(`unknown command ${cmd}`);
  }
}

export async function startWsBackend(): Promise<WsBackend> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  const conns = new Map<string, BackendConnection>();
  const waiting = new Map<string, ((c: BackendConnection) => void)[]>();
  const plain: string[] = [];
  const late: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const line = `${req.method} ${req.url} upgrade=${req.headers.upgrade ?? '-'}`;
    plain.push(line);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`plain ${line}`);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => {});
    const url = req.url ?? '/';
    // `/hang…`: read the request and never answer (the proxy's wait for the 101 must time out).
    if (/\/hang/.test(url)) return;
    const refusal = /\/refuse(\d{3})/.exec(url);
    // `/wrongproto`, `/noproto`: a 101 naming another protocol than asked for, or none.
    if (/\/(wrong|no)proto/.test(url)) {
      const field = url.includes('/wrongproto') ? 'Upgrade: foo\r\n' : '';
      return void socket.write(`HTTP/1.1 101 Switching Protocols\r\n${field}Connection: Upgrade\r\n\r\n`);
    }
    const protocol = String(req.headers.upgrade ?? '');
    // `/backendfirst`: end our side right after the 101, then keep reading; what arrives is filed in `late`.
    if (!refusal && protocol.toLowerCase() !== 'websocket' && url.includes('/backendfirst')) {
      socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${protocol}\r\nConnection: Upgrade\r\n\r\nclosing`);
      socket.on('data', (d: Buffer) => late.push(d.toString('latin1')));
      return;
    }
    if (!refusal && protocol.toLowerCase() !== 'websocket') {
      // Another protocol (h2c, a custom one): switch and echo raw bytes, prefixed so the echo is told apart.
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${protocol}\r\nConnection: Upgrade\r\n\r\n`);
      socket.on('data', (d: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
      // Half-close: answer what is still to come, then end our side too.
      socket.on('end', () => socket.end('bye'));
      return;
    }
    if (refusal) {
      const body = `no websocket here (${refusal[1]})\n`;
      const reason = refusal[1] === '200' ? 'OK' : 'Forbidden';
      // `/refuse403c`: the same refusal with a chunked body (a proxy relaying it must keep the framing right).
      if (url.includes(`/refuse${refusal[1]}c`)) {
        const hex = body.length.toString(16);
        return void socket.end(`HTTP/1.1 ${refusal[1]} ${reason}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n${hex}\r\n${body}\r\n0\r\n\r\n`);
      }
      socket.end(`HTTP/1.1 ${refusal[1]} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      let onClose: (c: Closed) => void = () => {};
      let onFlood: (f: FloodResult) => void = () => {};
      const rec: BackendConnection = {
        id: idOf(url),
        url,
        headers: req.headers,
        rawHeaders: Array.from({ length: req.rawHeaders.length / 2 }, (_, i) => `${req.rawHeaders[2 * i]}: ${req.rawHeaders[2 * i + 1]}`),
        received: [],
        pongs: [],
        pings: [],
        close: null,
        closed: new Promise<Closed>((r) => (onClose = r)),
        flooded: new Promise<FloodResult>((r) => (onFlood = r)),
        socket: ws,
      };
      ws.on('error', () => {});
      ws.on('message', (data, isBinary) => {
        const f = frameOf(data, isBinary);
        if (!isBinary && f.text?.startsWith('!')) return command(ws, f.text, onFlood);
        rec.received.push(f);
        ws.send(data, { binary: isBinary });
      });
      ws.on('ping', (d) => rec.pings.push(d.toString()));
      ws.on('pong', (d) => rec.pongs.push(d.toString()));
      ws.on('close', (code, reason) => {
        rec.close = { code, reason: reason.toString() };
        onClose(rec.close);
      });
      conns.set(rec.id, rec);
      for (const w of waiting.get(rec.id) ?? []) w(rec);
      waiting.delete(rec.id);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    hostPort: `127.0.0.1:${port}`,
    plain,
    late,
    connection: (id) => {
      const c = conns.get(id);
      if (c) return Promise.resolve(c);
      return new Promise((resolve) => waiting.set(id, [...(waiting.get(id) ?? []), resolve]));
    },
    close: async () => {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// ───────────────────────────────────────────── the client ─────────────────────────────────────────────

/** How the opening handshake ended. */
export type Handshake = { kind: 'open'; status: 101 } | { kind: 'refused'; status: number; body: string } | { kind: 'error'; code: string };

export interface WsClient {
  readonly ws: WebSocket;
  readonly handshake: Promise<Handshake>;
  /** The 101's header fields as `name: value` (Date left out, the accept key as `<accept>`), once open. */
  readonly head101: string[];
  readonly messages: Frame[];
  readonly pongs: string[];
  readonly pings: string[];
  readonly closed: Promise<Closed>;
  /** Resolves once `n` messages have arrived. */
  received(n: number): Promise<Frame[]>;
  /** Raw bytes received after the handshake (for the flood). */
  bytes(): number;
}

/** Open a WebSocket to `base` + `path` with `Host: host`; never rejects (failures are observations). */
export function openClient(base: string, path: string, host = 'proxy.test'): WsClient {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}${path}`, {
    headers: { Host: host },
    maxPayload: 64 * 1024 * 1024,
    perMessageDeflate: false,
    // A proxy that never answers shows up as an `error` handshake rather than a test timeout.
    handshakeTimeout: 8_000,
  });
  const messages: Frame[] = [];
  const head101: string[] = [];
  const pongs: string[] = [];
  const pings: string[] = [];
  const want: { n: number; resolve: (f: Frame[]) => void }[] = [];
  let bytes = 0;
  let onClose: (c: Closed) => void = () => {};
  const closed = new Promise<Closed>((r) => (onClose = r));
  ws.once('upgrade', (res: IncomingMessage) => {
    // Date varies, and the accept key is derived from the client's random key (ws checks it).
    for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
      const name = res.rawHeaders[i]!;
      if (name.toLowerCase() !== 'date') head101.push(`${name}: ${name.toLowerCase() === 'sec-websocket-accept' ? '<accept>' : res.rawHeaders[i + 1]}`);
    }
  });
  const handshake = new Promise<Handshake>((resolve) => {
    ws.once('open', () => resolve({ kind: 'open', status: 101 }));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ kind: 'refused', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') });
        onClose({ code: 0, reason: 'refused' });
      });
      res.on('error', () => resolve({ kind: 'refused', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }));
    });
    ws.on('error', (err: Error & { code?: string }) => resolve({ kind: 'error', code: err.code ?? err.message }));
  });
  ws.on('message', (data, isBinary) => {
    const f = frameOf(data, isBinary);
    bytes += f.length;
    messages.push(f);
    for (const w of [...want]) {
      if (messages.length >= w.n) {
        want.splice(want.indexOf(w), 1);
        w.resolve(messages.slice(0, w.n));
      }
    }
  });
  ws.on('ping', (d) => pings.push(d.toString()));
  ws.on('pong', (d) => pongs.push(d.toString()));
  ws.on('close', (code, reason) => onClose({ code, reason: reason.toString() }));
  return {
    ws,
    handshake,
    head101,
    messages,
    pongs,
    pings,
    closed,
    received: (n) => (messages.length >= n ? Promise.resolve(messages.slice(0, n)) : new Promise((resolve) => want.push({ n, resolve }))),
    bytes: () => bytes,
  };
}

// ───────────────────────────────────────────── raw upgrades ─────────────────────────────────────────────

export type RawUpgradeResult = {
  /** Status of the first response head (101, or the refusal); 0 when the connection closed without one. */
  status: number;
  /** The response head's `Upgrade` field, null when absent. */
  upgrade: string | null;
  /** After a 101: what came back for `payload`; otherwise the response body received. */
  data: string;
  /** With `{ halfClose: true }`: the peer closed the connection (rather than the wait timing out). */
  closedByPeer?: boolean;
};

/** A response body is complete: Content-Length bytes, or a chunked body's last chunk (else: the close ends it). */
function complete(head: string, body: Buffer): boolean {
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (cl) return body.length >= Number(cl[1]);
  return /\r\ntransfer-encoding:\s*chunked/i.test(head) && body.includes('\r\n0\r\n\r\n');
}

/**
 * Send exactly `head` (a request head with its blank line); after a 101 send `payload` and collect what comes back
 * until `until` has arrived or the connection closes; any other response is read to its end. With
 * `{ halfClose: true }` our side is ended right after the payload and everything until the peer closes is kept. For requests the `ws` client will not make (other protocols,
 * Upgrade without `Connection: Upgrade`).
 */
export function rawUpgrade(url: string, head: string, payload: string, until: string | { halfClose: true }, timeoutMs = 8_000): Promise<RawUpgradeResult> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const sock = connectTcp({ host: u.hostname, port: Number(u.port) });
    let buf = Buffer.alloc(0);
    let result: RawUpgradeResult | null = null;
    let bodyStart = 0;
    let closedByPeer = false;
    const done = (): void => {
      clearTimeout(timer);
      // After what we wrote has gone out (a payload written just before the answer arrived must not be cut).
      sock.destroySoon();
      if (!result) return resolve({ status: 0, upgrade: null, data: buf.toString('latin1') });
      resolve({ ...result, data: buf.subarray(bodyStart).toString('latin1'), ...(typeof until === 'string' ? {} : { closedByPeer }) });
    };
    const timer = setTimeout(done, timeoutMs);
    sock.on('error', () => {});
    sock.on('close', () => {
      closedByPeer = true;
      done();
    });
    sock.on('connect', () => sock.write(head));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!result) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const upgrade = lines.slice(1).find((l) => /^upgrade:/i.test(l))?.replace(/^upgrade:\s*/i, '') ?? null;
        result = { status: Number(lines[0]!.split(' ')[1] ?? 0), upgrade, data: '' };
        bodyStart = end + 4;
        if (result.status === 101) sock.write(payload);
        // Half-close: end our side after the payload; the answer is whatever arrives until the peer closes.
        if (result.status === 101 && typeof until !== 'string') sock.end();
      }
      const body = buf.subarray(bodyStart);
      if (result.status === 101 ? typeof until === 'string' && body.includes(until) : complete(buf.subarray(0, bodyStart).toString('latin1'), body)) done();
    });
  });
}

/**
 * A raw WebSocket handshake to `url` + `path`; after a 101 it sends `hello` and waits for the echo backend's `HELLO`.
 * Resolves with the response head and what came back (on a refusal: what followed the head when it came).
 */
export function upgradeRequest(url: string, path: string, upgrade = 'websocket', host = 'chat.example'): Promise<{ head: string; echo: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connectTcp(Number(u.port), u.hostname);
    let buf = '';
    let head = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (!head && buf.includes('\r\n\r\n')) {
        head = buf.slice(0, buf.indexOf('\r\n\r\n'));
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        if (head.startsWith('HTTP/1.1 101')) s.write('hello');
        else {
          s.destroy();
          resolve({ head, echo: buf });
        }
      }
      if (head && buf === 'HELLO') {
        s.destroy();
        resolve({ head, echo: buf });
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve({ head, echo: buf }));
    s.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: ${upgrade}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
  });
}
