/**
 * How many of the load generator's connections a server really holds while it is measured. wrk times a request
 * from the moment it is written; a connection the server has not accepted (for TLS: not finished the handshake of)
 * sends nothing, so its wait is in no latency figure. A server that serves fewer connections at once — httpd's
 * mpm_event caps each child at ThreadsPerChild + AsyncRequestWorkerFactor × idle threads and closes keep-alive
 * connections above that — shows a lower p99 for the same work; this sample makes that visible beside the p99.
 *
 * Linux /proc/net/tcp (and tcp6): ESTABLISHED sockets whose local port is the server's and that have an inode —
 * a connection still in the accept queue has none until accept() gives it a file. (Not "established minus the
 * queue": a client that gave up leaves its connection in the queue in CLOSE_WAIT.) The listener's queue length is
 * its LISTEN row's rx_queue.
 */
import { readFileSync } from 'node:fs';
import { median } from './measure.js';

export interface ConnectionCount {
  /** Established and accepted (median over the samples). */
  readonly held: number;
  /** Established, waiting in the accept queue (median). */
  readonly queued: number;
}

const ESTABLISHED = '01';
const LISTEN = '0A';

/** One look at the kernel's tables: accepted established connections to `port`, and its listener's accept queue. */
export function countConnections(port: number, tables: readonly string[] = readTables()): ConnectionCount {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let held = 0;
  let queued = 0;
  for (const table of tables) {
    for (const line of table.split('\n')) {
      // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …"
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !f[1]!.endsWith(hexPort)) continue;
      if (f[3] === ESTABLISHED && f[9] !== '0') held++;
      else if (f[3] === LISTEN) queued += Number.parseInt(f[4]!.split(':')[1] ?? '0', 16) || 0;
    }
  }
  return { held, queued };
}

function readTables(): string[] {
  const out: string[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      out.push(readFileSync(f, 'utf8'));
    } catch {
      /* no IPv6, or not Linux */
    }
  }
  return out;
}

/** Sample every `everyMs` until stop(); NaN figures when nothing could be read (not Linux). */
export function sampleConnections(port: number, everyMs = 250): { stop(): ConnectionCount } {
  const held: number[] = [];
  const queued: number[] = [];
  const sample = (): void => {
    const tables = readTables();
    if (tables.length === 0) return;
    const c = countConnections(port, tables);
    held.push(c.held);
    queued.push(c.queued);
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { held: median(held), queued: median(queued) };
    },
  };
}
