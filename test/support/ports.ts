/**
 * Loopback ports for tests that boot real servers. Only 127.0.0.1 is used: the machines that run these tests have
 * loopback networking only, and binding nothing else keeps parallel test files from seeing each other's servers.
 */
import { createConnection, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const LOOPBACK = '127.0.0.1';

// Ports this process handed out recently. The kernel may hand the same ephemeral port to two `listen(0)` calls
// once the first socket is closed; remembering them keeps two servers in one test file from being given one port.
const handedOut = new Set<number>();

/**
 * A port that was free a moment ago: listen on 127.0.0.1:0, read the port, close. Another process can take it
 * before the caller binds it (vitest runs files in parallel), so whoever binds it must retry on EADDRINUSE — the
 * Apache harness does.
 */
export async function freePort(host: string = LOOPBACK): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.once('error', reject);
      srv.listen({ host, port: 0, exclusive: true }, () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (port !== 0 && !handedOut.has(port)) {
      handedOut.add(port);
      if (handedOut.size > 4096) handedOut.delete(handedOut.values().next().value as number);
      return port;
    }
  }
  throw new Error(`freePort: could not find a free port on ${host}`);
}

/** True when something accepts a TCP connection on host:port right now. The probe sends no bytes. */
export function portAccepts(port: number, host: string = LOOPBACK, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host, port });
    const done = (ok: boolean): void => {
      sock.removeAllListeners();
      sock.on('error', () => {});
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export interface WaitForPortOptions {
  host?: string;
  /** Poll interval; small, because Apache is usually up within ~50 ms. */
  intervalMs?: number;
  /** Stops the wait early (the harness aborts when the server process exits). */
  signal?: AbortSignal;
}

/** Resolves once host:port accepts a connection; rejects after `timeoutMs` or when `signal` aborts. */
export async function waitForPort(port: number, timeoutMs = 5_000, opts: WaitForPortOptions = {}): Promise<void> {
  const host = opts.host ?? LOOPBACK;
  const interval = opts.intervalMs ?? 15;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('waitForPort aborted');
    if (await portAccepts(port, host, Math.max(50, Math.min(500, deadline - Date.now())))) return;
    if (Date.now() >= deadline) throw new Error(`nothing accepted connections on ${host}:${port} within ${timeoutMs} ms`);
    await sleep(interval);
  }
}
