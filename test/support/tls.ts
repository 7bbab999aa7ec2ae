/**
 * TLS session-resumption probes: one client connection, offering a session from an earlier one, and what the
 * server did with it. Used by the runtime, differential and CLI tests of SSLSessionTickets / SSLSessionCache and
 * of the ticket keys `apx serve --workers` shares.
 */
import { connect } from 'node:tls';

export interface TlsVisitOptions {
  /** Pin the protocol version (both minVersion and maxVersion). */
  readonly version?: 'TLSv1.2' | 'TLSv1.3';
  /** A session from an earlier visit to offer. */
  readonly session?: Buffer | undefined;
  readonly servername?: string;
  /**
   * Written once the handshake is done; it should make the server close (HTTP/1.0, `Connection: close`). Our side
   * stays open: a TLS close_notify would end an https server's side before it answers. Without one, wait for the
   * server to close.
   */
  readonly request?: string;
  /** The connection is dropped after this long (default 5 s). */
  readonly timeoutMs?: number;
}

export interface TlsVisit {
  /** The server resumed the offered session. */
  readonly reused: boolean;
  /** A TLS ≤ 1.2 session ticket came with the handshake. */
  readonly ticket: boolean;
  /** The last session the client saw (TLS 1.3 tickets arrive after the handshake: from 'session', else getSession()). */
  readonly session: Buffer | undefined;
  /** Everything the server sent after the handshake, until it closed. */
  readonly response: string;
  /** Sessions the server handed out on this connection ('session' events: one per TLS 1.3 NewSessionTicket). */
  readonly sessions: number;
}

/**
 * One connection to 127.0.0.1:port, read until the server closes. Rejects when the handshake fails; an error after
 * it (a reset at the end) is part of closing.
 */
export function tlsVisit(port: number, o: TlsVisitOptions = {}): Promise<TlsVisit> {
  return new Promise((resolve, reject) => {
    let last: Buffer | undefined;
    let reused = false;
    let ticket = false;
    let secure = false;
    let response = '';
    let sessions = 0;
    const socket = connect(
      {
        host: '127.0.0.1',
        port,
        rejectUnauthorized: false,
        ...(o.servername !== undefined ? { servername: o.servername } : {}),
        ...(o.version ? { minVersion: o.version, maxVersion: o.version } : {}),
        ...(o.session ? { session: o.session } : {}),
      },
      () => {
        secure = true;
        reused = socket.isSessionReused();
        ticket = socket.getTLSTicket() !== undefined;
        if (o.request !== undefined) socket.write(o.request);
      },
    );
    socket.setEncoding('latin1');
    socket.on('session', (s: Buffer) => {
      last = s;
      sessions++;
    });
    socket.on('data', (d: string) => (response += d));
    socket.on('error', (err) => {
      if (!secure) reject(err);
    });
    socket.setTimeout(o.timeoutMs ?? 5_000, () => socket.destroy());
    socket.on('close', () => resolve({ reused, ticket, session: last ?? socket.getSession(), response, sessions }));
  });
}
