/**
 * More than one way into a listening socket. Node 20's libuv (1.45+) accepts **one** connection each time the
 * event loop finds a listening descriptor readable. A busy proxy's loop has hundreds of ready client and backend
 * sockets per turn, each turn taking tens of milliseconds, so a lone listener is served a few dozen times a second
 * and a burst of new connections waits seconds in the kernel's accept queue (measured: docs/performance.md,
 * "Where the p99 of seconds comes from"). httpd's mpm_event has a listener thread that does nothing else.
 *
 * Several descriptors of the same listening socket (duplicates made by passing it over IPC) are registered in
 * epoll separately: each is reported ready, so one loop turn accepts up to as many connections as there are
 * descriptors. An acceptor is a plain net.Server on such a duplicate that hands every connection to the real
 * server, exactly as the real server's own accept would (same socket options, then its 'connection' event).
 */
import { Server as NetServer, type Socket } from 'node:net';

/**
 * Descriptors per listening socket in each `apx serve --workers N` process: 16 lets a saturated loop turn accept
 * up to 16 connections (measured on bench:serve https at 1,000 connections, 2 workers: p99 391 ms with 1, 232
 * with 8, 198 with 32, same requests/s — docs/performance.md). Idle, a new connection costs up to 15 extra
 * accept() calls that find nothing (microseconds). `APX_ACCEPT_DESCRIPTORS=1` turns it off.
 */
export function acceptDescriptors(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env['APX_ACCEPT_DESCRIPTORS']);
  return Number.isInteger(n) && n >= 1 && n <= 256 ? n : 16;
}

/** What node:net keeps on a server and applies to each socket it accepts (net.js Server constructor). */
interface AcceptOptions {
  readonly allowHalfOpen?: boolean;
  readonly pauseOnConnect?: boolean;
  readonly noDelay?: boolean;
  readonly keepAlive?: boolean;
  readonly keepAliveInitialDelay?: number;
}

/** The listening handle of a server (what child_process can send to another process), or null when not listening. */
export function listenHandleOf(server: NetServer): object | null {
  const handle = (server as unknown as { _handle?: object | null })._handle;
  return server.listening && handle ? handle : null;
}

/**
 * Accept connections for `into` on `handle`, a duplicate of `into`'s listening socket received from another
 * process. Resolves with the acceptor once it listens; close() it to stop (its connections live on in `into`).
 */
export function acceptInto(into: NetServer, handle: object): Promise<NetServer> {
  const own = into as unknown as AcceptOptions;
  // net.Server stores keepAliveInitialDelay in seconds and takes it in milliseconds.
  const acceptor = new NetServer({
    allowHalfOpen: own.allowHalfOpen === true,
    pauseOnConnect: own.pauseOnConnect === true,
    noDelay: own.noDelay === true,
    keepAlive: own.keepAlive === true,
    keepAliveInitialDelay: (own.keepAliveInitialDelay ?? 0) * 1000,
  });
  // The documented way to hand a connection to an http/https server: its own 'connection' path (TLS, SNI routing,
  // the HTTP parser, connection counting) takes it from there.
  acceptor.on('connection', (socket: Socket) => into.emit('connection', socket));
  return new Promise((resolve, reject) => {
    acceptor.once('error', reject);
    acceptor.listen(handle, () => {
      acceptor.removeListener('error', reject);
      // An accept error (EMFILE) hits the real server's own descriptor too; this one must not add a crash.
      acceptor.on('error', () => {});
      resolve(acceptor);
    });
  });
}
