/**
 * One client connection, requests sent one after the other (each after the previous response arrived), recording
 * what each response said about the connection and after which response the server closed it. Shared by
 * test/runtime/keep-alive.test.ts (apx alone) and test/differential/keep-alive.test.ts (apx against Apache).
 */
import { connect } from 'node:net';

export interface ProbedResponse {
  readonly status: number;
  /** The `Connection` header as sent (null: none). */
  readonly connection: string | null;
  /** The `Keep-Alive` header as sent (null: none). */
  readonly keepAlive: string | null;
}

export interface Probe {
  readonly responses: readonly ProbedResponse[];
  /** How many responses came before the server ended the connection; null: still open after the last. */
  readonly closedAfter: number | null;
}

export interface ProbeOptions {
  /** Host header (default `localhost`). */
  readonly host?: string;
  /** Extra header lines, e.g. `Connection: keep-alive`. */
  readonly headers?: readonly string[];
  /** Send every request at once (pipelined) instead of one after the other. */
  readonly pipelined?: boolean;
  readonly timeoutMs?: number;
}

/** `close` when the response announced the end of the connection, else `open`. */
export const announces = (r: ProbedResponse): 'close' | 'open' => (r.connection !== null && /\bclose\b/i.test(r.connection) ? 'close' : 'open');

/**
 * Send up to `n` GET requests for `path` on one connection to `port`. Stops at the first request the server does not
 * answer because it ended the connection. Responses must be framed by Content-Length (what a proxied text backend
 * gives). After the n-th response it waits briefly for the server's FIN, so a server that closes right after its
 * last response is told from one that keeps the connection.
 */
export function probeKeepAlive(port: number, path: string, n: number, opts: ProbeOptions = {}): Promise<Probe> {
  const head = (i: number): string => [`GET ${path}?${i} HTTP/1.1`, `Host: ${opts.host ?? 'localhost'}`, ...(opts.headers ?? []), '', ''].join('\r\n');
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    const responses: ProbedResponse[] = [];
    let buf = Buffer.alloc(0);
    let done = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (closedAfter: number | null): void => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      clearTimeout(timer);
      sock.destroy();
      resolve({ responses, closedAfter });
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      sock.destroy();
      reject(new Error(`no answer after ${responses.length} responses; buffered: ${buf.toString('latin1').slice(0, 300)}`));
    }, opts.timeoutMs ?? 10_000);
    const parse = (): void => {
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(lines[0]!)?.[1] ?? 0);
        const header = (name: string): string | null => {
          const l = lines.slice(1).find((x) => x.toLowerCase().startsWith(name.toLowerCase() + ':'));
          return l === undefined ? null : l.slice(name.length + 1).trim();
        };
        let bodyLength = Number(header('content-length') ?? NaN);
        if (Number.isNaN(bodyLength)) {
          // A chunked body with no data (Node's 503 for a request past the limit): just the last-chunk line.
          if (/chunked/i.test(header('transfer-encoding') ?? '') && buf.indexOf('0\r\n\r\n', end + 4) === end + 4) bodyLength = -5;
          else if (/chunked/i.test(header('transfer-encoding') ?? '')) return;
          else throw new Error(`response without Content-Length: ${lines.join(' | ')}`);
        }
        const size = end + 4 + (bodyLength === -5 ? 5 : bodyLength);
        if (buf.length < size) return;
        buf = buf.subarray(size);
        responses.push({ status, connection: header('connection'), keepAlive: header('keep-alive') });
        if (!opts.pipelined) {
          if (responses.length < n) sock.write(head(responses.length + 1));
          else idle = setTimeout(() => finish(null), 300);
        } else if (responses.length === n) idle = setTimeout(() => finish(null), 300);
      }
    };
    sock.on('connect', () => sock.write(opts.pipelined ? Array.from({ length: n }, (_, i) => head(i + 1)).join('') : head(1)));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      try {
        parse();
      } catch (e) {
        done = true;
        clearTimeout(timer);
        sock.destroy();
        reject(e as Error);
      }
    });
    const closed = (): void => finish(responses.length);
    sock.on('end', closed);
    sock.on('close', closed);
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return closed();
      clearTimeout(timer);
      if (!done) {
        done = true;
        reject(e);
      }
    });
  });
}
