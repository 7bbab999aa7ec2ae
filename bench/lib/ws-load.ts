/**
 * The WebSocket load generator, seen from bench/serve.ts: fork `procs` ws-client processes, give each its share
 * of the connections, wait until they are open, run the closed loops through a warm-up and a measured window, and
 * merge what they saw: messages/s, round-trip p50/p99, errors. `onMeasureStart`/`onMeasureEnd` fire at the edges
 * of the measured window so the caller can read the server's CPU time over exactly that window.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientJob, ClientResult, FromClient, ToClient } from './ws-client.js';
import { checkUpgradeResponse, encodeFrame, FrameParser, newKey, OP_BINARY, upgradeRequest } from './ws-frames.js';

const CLIENT = fileURLToPath(new URL('./ws-client.js', import.meta.url));

export interface WsLoadOptions {
  /** ws://host:port/path */
  readonly url: string;
  readonly connections: number;
  readonly procs: number;
  readonly payloadBytes: number;
  readonly warmupS: number;
  readonly durationS: number;
  readonly connectTimeoutMs: number;
  readonly onMeasureStart?: () => void;
  readonly onMeasureEnd?: () => void;
}

export interface WsLoadResult {
  readonly messages: number;
  readonly messagesPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Connections whose handshake failed or timed out. */
  readonly connectFailed: number;
  /** Connections the server (or proxy) closed before the end. */
  readonly closedEarly: number;
  /** Echoes that did not match the message sent. */
  readonly badFrames: number;
  /** The generator's own CPU per message, µs (to show it is not the bottleneck). */
  readonly generatorCpuUsPerMessage: number;
  readonly firstProblem: string;
}

function percentile(hist: ReadonlyMap<number, number>, total: number, p: number): number {
  if (total === 0) return NaN;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const us of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(us)!;
    if (seen >= rank) return us / 1000;
  }
  return NaN;
}

function waitFor<T extends FromClient['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<FromClient, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`ws load generator: no ${type} after ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: FromClient): void => {
      if (m.type === type) done(null, m as Extract<FromClient, { type: T }>);
    };
    const onExit = (code: number | null): void => done(new Error(`ws load generator exited (${code}) before ${type}`));
    const done = (err: Error | null, m?: Extract<FromClient, { type: T }>): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(m!);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function wsLoad(o: WsLoadOptions): Promise<WsLoadResult> {
  const url = new URL(o.url);
  const procs = Math.max(1, Math.min(o.procs, o.connections));
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < procs; i++) {
      const share = Math.floor(o.connections / procs) + (i < o.connections % procs ? 1 : 0);
      const job: ClientJob = {
        host: url.hostname,
        port: Number(url.port),
        hostHeader: url.host,
        path: url.pathname + url.search,
        connections: share,
        payloadBytes: o.payloadBytes,
        connectTimeoutMs: o.connectTimeoutMs,
      };
      const child = fork(CLIENT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.send({ type: 'job', job } satisfies ToClient);
      children.push(child);
    }
    const connected = await Promise.all(children.map((c) => waitFor(c, 'connected', o.connectTimeoutMs + 30_000)));
    const tell = (m: ToClient): void => {
      for (const c of children) c.send(m);
    };
    tell({ type: 'go' });
    await sleep(o.warmupS * 1000);
    tell({ type: 'measure' });
    o.onMeasureStart?.();
    await sleep(o.durationS * 1000);
    o.onMeasureEnd?.();
    const results: ClientResult[] = (await Promise.all(children.map((c) => (c.send({ type: 'stop' } satisfies ToClient), waitFor(c, 'result', 30_000))))).map((m) => m.result);

    const hist = new Map<number, number>();
    for (const r of results) for (const [us, n] of r.histogram) hist.set(us, (hist.get(us) ?? 0) + n);
    const messages = results.reduce((s, r) => s + r.messages, 0);
    const samples = [...hist.values()].reduce((s, n) => s + n, 0);
    return {
      messages,
      messagesPerS: results.reduce((s, r) => s + (r.windowMs > 0 ? (r.messages * 1000) / r.windowMs : 0), 0),
      p50Ms: percentile(hist, samples, 50),
      p99Ms: percentile(hist, samples, 99),
      connectFailed: results.reduce((s, r) => s + r.connectFailed, 0),
      closedEarly: results.reduce((s, r) => s + r.closedEarly, 0),
      badFrames: results.reduce((s, r) => s + r.badFrames, 0),
      generatorCpuUsPerMessage: messages ? results.reduce((s, r) => s + r.cpuUs, 0) / messages : NaN,
      firstProblem: connected.map((c) => c.firstProblem).find(Boolean) ?? results.map((r) => r.firstProblem).find(Boolean) ?? '',
    };
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

/**
 * One handshake and three echoes through `url`, before anything is measured: the route must really tunnel to the
 * echo backend. Returns the problem in words, or ''.
 */
export function wsSanity(url: string, timeoutMs = 5_000): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const key = newKey();
    const socket = connect({ host: u.hostname, port: Number(u.port) });
    const messages = ['one', 'two', 'three'].map((t) => Buffer.from(`apx-bench ${t}`));
    let head: Buffer | null = Buffer.alloc(0);
    const parser = new FrameParser();
    let next = 0;
    const finish = (problem: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    };
    const timer = setTimeout(() => finish(`no echo within ${timeoutMs} ms`), timeoutMs);
    const sendNext = (): void => {
      socket.write(encodeFrame(OP_BINARY, messages[next]!, Buffer.from([1, 2, 3, 4])));
    };
    socket.on('error', (e) => finish(e.message));
    socket.on('close', () => finish('closed before the echoes'));
    socket.on('connect', () => socket.write(upgradeRequest(u.host, u.pathname, key)));
    socket.on('data', (chunk: Buffer) => {
      let data = chunk;
      if (head !== null) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        const why = checkUpgradeResponse(head.subarray(0, end).toString('latin1'), key);
        if (why) return finish(why);
        data = head.subarray(end + 4);
        head = null;
        sendNext();
      }
      for (const f of parser.push(data)) {
        if (f.opcode !== OP_BINARY || !f.payload.equals(messages[next]!)) return finish(`echo ${JSON.stringify(f.payload.toString())} for ${JSON.stringify(messages[next]!.toString())}`);
        if (++next === messages.length) return finish('');
        sendNext();
      }
    });
  });
}
