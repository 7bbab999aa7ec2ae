/**
 * The WebSocket benchmark's backend: a lean echo server on raw frames (no library, no permessage-deflate), in its
 * own process(es). Each message comes back in one unmasked frame of the same opcode; all the frames of one read
 * go back in one write. A plain (non-upgrade) request gets a 200 "ws echo" and the connection closes.
 *
 *   node dist/bench/lib/ws-echo.js PORT [--host 127.0.0.1] [--workers 1]
 *
 * Prints "listening PORT" once it accepts. With --workers N, node:cluster's primary hands each connection to one
 * of N processes (round robin), so a long-lived connection stays on one.
 */
import cluster from 'node:cluster';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { acceptKey, frameLength, OP_CLOSE, OP_PING, OP_PONG } from './ws-frames.js';

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 16 * 1024;
const MAX_PAYLOAD = 1 << 20;

/** Echo every complete masked frame at the start of `data`; returns the bytes consumed and the answer to write. */
export function echoFrames(data: Buffer): { used: number; out: Buffer | null; close: boolean } {
  // A server frame is 4 bytes shorter than the masked client frame it answers: the output never outgrows the input.
  const out = Buffer.allocUnsafe(data.length);
  let o = 0;
  let at = 0;
  let close = false;
  while (data.length - at >= 2) {
    const b0 = data[at]!;
    const b1 = data[at + 1]!;
    if ((b1 & 0x80) === 0 || b0 & 0x70) return { used: at, out: null, close: true }; // unmasked or RSV bits: protocol error
    const h = frameLength(data, at);
    if (h === null) break;
    const { head, len } = h;
    if (len > MAX_PAYLOAD) return { used: at, out: null, close: true };
    const total = head + 4 + len;
    if (data.length - at < total) break;
    const opcode = b0 & 0x0f;
    const m = at + head;
    const p = m + 4;
    if (opcode === OP_CLOSE) close = true;
    if (opcode === OP_PONG) {
      at += total;
      continue;
    }
    // Same header without the mask bit, then the unmasked payload.
    out[o] = opcode === OP_PING ? (b0 & 0xf0) | OP_PONG : b0;
    out[o + 1] = b1 & 0x7f;
    if (head > 2) data.copy(out, o + 2, at + 2, at + head);
    o += head;
    const m0 = data[m]!;
    const m1 = data[m + 1]!;
    const m2 = data[m + 2]!;
    const m3 = data[m + 3]!;
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      out[o + i] = data[p + i]! ^ m0;
      out[o + i + 1] = data[p + i + 1]! ^ m1;
      out[o + i + 2] = data[p + i + 2]! ^ m2;
      out[o + i + 3] = data[p + i + 3]! ^ m3;
    }
    for (; i < len; i++) out[o + i] = data[p + i]! ^ data[m + (i & 3)]!;
    o += len;
    at += total;
    if (close) break;
  }
  return { used: at, out: o ? out.subarray(0, o) : null, close };
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  let head: Buffer | null = Buffer.alloc(0);
  let rest: Buffer | null = null;
  socket.on('data', (chunk: Buffer) => {
    if (head !== null) {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEAD_END);
      if (end === -1) {
        if (head.length > MAX_HEAD) socket.destroy();
        return;
      }
      const text = head.subarray(0, end).toString('latin1');
      const after = head.subarray(end + 4);
      head = null;
      const key = /^sec-websocket-key:\s*(\S+)\s*$/im.exec(text)?.[1];
      if (!key || !/^upgrade:\s*websocket\s*$/im.test(text)) {
        socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nws echo\n');
        return;
      }
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);
      if (after.length === 0) return;
      chunk = Buffer.from(after);
    }
    const data = rest ? Buffer.concat([rest, chunk]) : chunk;
    const r = echoFrames(data);
    rest = r.used === data.length ? null : Buffer.from(data.subarray(r.used));
    if (r.out) socket.write(r.out);
    if (r.close) socket.end();
  });
}

function main(): void {
  const args = process.argv.slice(2);
  const port = Number(args[0]);
  const flag = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
  };
  const host = flag('--host', '127.0.0.1');
  const workers = Number(flag('--workers', '1'));
  if (!Number.isInteger(port) || port <= 0 || !Number.isInteger(workers) || workers < 1) {
    process.stderr.write('usage: ws-echo PORT [--host 127.0.0.1] [--workers N]\n');
    process.exit(2);
  }
  if (workers > 1 && cluster.isPrimary) {
    cluster.schedulingPolicy = cluster.SCHED_RR;
    let up = 0;
    for (let i = 0; i < workers; i++) {
      cluster.fork().once('listening', () => {
        if (++up === workers) process.stdout.write(`listening ${port}\n`);
      });
    }
    const stop = (): void => {
      for (const w of Object.values(cluster.workers ?? {})) w?.kill();
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return;
  }
  const server = createServer(serve);
  server.listen({ host, port, backlog: 4096 }, () => {
    if (cluster.isPrimary) process.stdout.write(`listening ${port}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
