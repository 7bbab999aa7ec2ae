/**
 * One load-generator process of the WebSocket benchmark (bench/lib/ws-load.ts forks several and steers them over
 * IPC). It opens its share of connections with an ordinary upgrade handshake over raw `net` sockets, then each
 * connection runs a closed loop: send one pre-encoded masked binary frame, wait for the whole echo, send again.
 * Round-trip times go into a histogram of 1 µs buckets (1 ms above 100 ms), so recording one costs an array
 * increment.
 *
 * Steering (parent → child): `go` starts the loops (warm-up), `measure` zeroes the counters, `stop` reports
 * them (child → parent `result`) and ends the process. The child first reports `connected` once every handshake
 * has finished or failed.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkUpgradeResponse, encodeFrame, newKey, OP_BINARY, upgradeRequest } from './ws-frames.js';

export interface ClientJob {
  readonly host: string;
  readonly port: number;
  /** Host header. */
  readonly hostHeader: string;
  readonly path: string;
  readonly connections: number;
  readonly payloadBytes: number;
  readonly connectTimeoutMs: number;
}

export type ToClient = { type: 'job'; job: ClientJob } | { type: 'go' } | { type: 'measure' } | { type: 'stop' };

export interface ClientResult {
  readonly messages: number;
  /** Length of the measured window in this process, ms. */
  readonly windowMs: number;
  /** [µs, count] pairs of the round-trip histogram (≥ 100 ms: 1 ms buckets, value in µs). */
  readonly histogram: [number, number][];
  readonly connectFailed: number;
  readonly closedEarly: number;
  readonly badFrames: number;
  /** This process's CPU during the measured window, µs. */
  readonly cpuUs: number;
  readonly firstProblem: string;
}

export type FromClient = { type: 'connected'; ok: number; failed: number; firstProblem: string } | { type: 'result'; result: ClientResult };

const FINE = 100_000; // 1 µs buckets up to 100 ms
const COARSE = 60_000; // then 1 ms buckets up to 60 s

class Histogram {
  fine = new Uint32Array(FINE);
  coarse = new Uint32Array(COARSE);
  add(us: number): void {
    if (us < FINE) this.fine[us < 0 ? 0 : Math.floor(us)]!++;
    else this.coarse[Math.min(COARSE - 1, Math.floor(us / 1000))]!++;
  }
  reset(): void {
    this.fine.fill(0);
    this.coarse.fill(0);
  }
  pairs(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < FINE; i++) if (this.fine[i]) out.push([i, this.fine[i]!]);
    for (let i = 0; i < COARSE; i++) if (this.coarse[i]) out.push([Math.max(FINE, i * 1000), this.coarse[i]!]);
    return out;
  }
}

interface Conn {
  socket: Socket;
  sentAt: number;
  /** Bytes of the current echo still to come. */
  awaiting: number;
  /** Offset inside the echo frame being received. */
  offset: number;
  open: boolean;
}

function send(m: FromClient): void {
  process.send?.(m);
}

function run(job: ClientJob): void {
  const payload = Buffer.alloc(job.payloadBytes, 0x61);
  const frame = encodeFrame(OP_BINARY, payload, Buffer.from([0x12, 0x34, 0x56, 0x78]));
  const echo = encodeFrame(OP_BINARY, payload); // what must come back, byte for byte
  const hist = new Histogram();
  let messages = 0;
  let connectFailed = 0;
  let closedEarly = 0;
  let badFrames = 0;
  let firstProblem = '';
  let running = false;
  let stopping = false;
  let windowStart = performance.now();
  let cpuStart = process.cpuUsage();
  const conns: Conn[] = [];
  const problem = (p: string): void => {
    if (!firstProblem) firstProblem = p;
  };

  const fire = (c: Conn): void => {
    c.sentAt = performance.now();
    c.awaiting = echo.length;
    c.offset = 0;
    c.socket.write(frame);
  };

  const onData = (c: Conn, chunk: Buffer): void => {
    if (!c.open) return;
    // Compare what arrived with the expected echo frame at the current offset (a frame may come in pieces).
    let at = 0;
    while (at < chunk.length) {
      if (c.awaiting === 0) {
        badFrames++;
        problem(`unexpected ${chunk.length - at} bytes with no message outstanding`);
        c.open = false;
        c.socket.destroy();
        return;
      }
      const n = Math.min(c.awaiting, chunk.length - at);
      if (echo.compare(chunk, at, at + n, c.offset, c.offset + n) !== 0) {
        badFrames++;
        problem(`echo differs from the message sent (${chunk.subarray(at, at + Math.min(n, 8)).toString('hex')}…)`);
        c.open = false;
        c.socket.destroy();
        return;
      }
      at += n;
      c.offset += n;
      c.awaiting -= n;
    }
    if (c.awaiting === 0) {
      messages++;
      hist.add((performance.now() - c.sentAt) * 1000);
      if (running && !stopping) fire(c);
    }
  };

  const open = (): Promise<boolean> =>
    new Promise((resolve) => {
      const key = newKey();
      const socket = connect({ host: job.host, port: job.port });
      socket.setNoDelay(true);
      const c: Conn = { socket, sentAt: 0, awaiting: 0, offset: 0, open: false };
      let head = Buffer.alloc(0);
      let settled = false;
      const settle = (ok: boolean, why = ''): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!ok) {
          connectFailed++;
          problem(why);
          socket.destroy();
        }
        resolve(ok);
      };
      const timer = setTimeout(() => settle(false, `no 101 within ${job.connectTimeoutMs} ms`), job.connectTimeoutMs);
      socket.on('error', (e: Error) => settle(false, `connect: ${e.message}`));
      socket.on('close', () => {
        if (!settled) return settle(false, 'closed during the handshake');
        if (c.open && !stopping) {
          closedEarly++;
          problem('connection closed by the server before the end');
        }
        c.open = false;
      });
      socket.on('connect', () => socket.write(upgradeRequest(job.hostHeader, job.path, key)));
      const onHead = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        const why = checkUpgradeResponse(head.subarray(0, end).toString('latin1'), key);
        if (why) return settle(false, why);
        socket.off('data', onHead);
        c.open = true;
        conns.push(c);
        socket.on('data', (d: Buffer) => onData(c, d));
        const after = head.subarray(end + 4);
        if (after.length) {
          badFrames++;
          problem('bytes after the 101 before any message');
        }
        settle(true);
      };
      socket.on('data', onHead);
    });

  // Open the connections 50 every 20 ms: a burst of 1,000 SYNs at once would measure the listen queue, not the
  // proxy. Each has its own timeout, so a server that never answers some (every worker busy) costs one timeout.
  void (async () => {
    const opening: Promise<boolean>[] = [];
    for (let i = 0; i < job.connections; i += 50) {
      for (let j = i; j < Math.min(i + 50, job.connections); j++) opening.push(open());
      await sleep(20);
    }
    const ok = (await Promise.all(opening)).filter(Boolean).length;
    send({ type: 'connected', ok, failed: job.connections - ok, firstProblem });
  })();

  process.on('message', (m: ToClient) => {
    if (m.type === 'go') {
      running = true;
      for (const c of conns) if (c.open) fire(c);
    } else if (m.type === 'measure') {
      messages = 0;
      closedEarly = 0;
      badFrames = 0;
      hist.reset();
      windowStart = performance.now();
      cpuStart = process.cpuUsage();
    } else if (m.type === 'stop') {
      stopping = true;
      const cpu = process.cpuUsage(cpuStart);
      const result: ClientResult = {
        messages,
        windowMs: performance.now() - windowStart,
        histogram: hist.pairs(),
        connectFailed,
        closedEarly,
        badFrames,
        cpuUs: cpu.user + cpu.system,
        firstProblem,
      };
      for (const c of conns) c.socket.destroy();
      // Disconnect only once the result is handed over: a large histogram is still queued when send() returns.
      process.send?.({ type: 'result', result } satisfies FromClient, undefined, undefined, () => process.disconnect?.());
    }
  });
}

process.once('message', (m: ToClient) => {
  if (m.type === 'job') run(m.job);
});
