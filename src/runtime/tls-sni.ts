/**
 * Per-SNI handshake settings, as mod_ssl (≥ 2.4.42, OpenSSL ≥ 1.1.1) does them: it picks the name-based vhost in its
 * ClientHello callback, before the protocol version and cipher are chosen, and switches to that vhost's
 * SSLProtocol range and cipher list (ssl_engine_kernel.c ssl_callback_ClientHello → ssl_find_vhost).
 *
 * Node cannot: a context returned by `SNICallback` only swaps certificate, key and chain — range and ciphers stay
 * those of the server's default context. So when the vhosts of one socket need different settings, the socket
 * reads the ClientHello itself (RFC 8446 §4.1.2, the server_name extension of RFC 6066 §3), and hands the
 * connection, bytes put back, to the TLS server built for that name's settings. Node's TLSSocket replays what the
 * raw socket already buffered ("Socket already has some buffered data - emulate receiving it", _tls_wrap.js).
 */
import type { Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';

export type ClientHelloSni = { readonly state: 'more' } | { readonly state: 'done'; readonly name: string | null };

/** Bigger than any real ClientHello (post-quantum key shares included); past it the default vhost answers. */
const MAX_HELLO = 64 * 1024;

/**
 * The server_name of a ClientHello at the start of `buf`: `more` while the message is incomplete; `done` with the
 * name, or null when there is none or the bytes are not a TLS ClientHello (then the default settings apply and
 * Node's own handshake reports the error).
 */
export function clientHelloSni(buf: Buffer): ClientHelloSni {
  const parts: Buffer[] = [];
  let have = 0;
  let offset = 0;
  while (true) {
    if (buf.length < offset + 5) return buf.length >= MAX_HELLO ? done(null) : { state: 'more' };
    // Content type 22 = handshake; anything else (an SSLv2-style hello, plain HTTP) has no SNI to read.
    if (buf[offset] !== 22 || buf[offset + 1] !== 3) return done(null);
    const len = buf.readUInt16BE(offset + 3);
    if (buf.length < offset + 5 + len) return buf.length >= MAX_HELLO ? done(null) : { state: 'more' };
    parts.push(buf.subarray(offset + 5, offset + 5 + len));
    have += len;
    offset += 5 + len;
    if (have < 4) continue;
    const hs = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (hs[0] !== 1) return done(null);
    const size = hs.readUIntBE(1, 3);
    if (size + 4 > MAX_HELLO) return done(null);
    if (have < size + 4) continue;
    return done(serverName(hs.subarray(4, 4 + size)));
  }
}

const done = (name: string | null): ClientHelloSni => ({ state: 'done', name });

function serverName(body: Buffer): string | null {
  let p = 2 + 32; // legacy_version, random
  const need = (n: number): boolean => p + n <= body.length;
  if (!need(1)) return null;
  p += 1 + body[p]!; // legacy_session_id
  if (!need(2)) return null;
  p += 2 + body.readUInt16BE(p); // cipher_suites
  if (!need(1)) return null;
  p += 1 + body[p]!; // legacy_compression_methods
  if (!need(2)) return null;
  const end = Math.min(body.length, p + 2 + body.readUInt16BE(p));
  p += 2;
  while (p + 4 <= end) {
    const type = body.readUInt16BE(p);
    const len = body.readUInt16BE(p + 2);
    p += 4;
    if (p + len > end) return null;
    if (type === 0) {
      // ServerNameList: length, then (name_type, length, name); host_name is type 0. An extension too short to
      // hold the list's length is malformed (it would read past the message).
      if (len < 2) return null;
      let q = p + 2;
      const listEnd = Math.min(p + len, q + body.readUInt16BE(p));
      while (q + 3 <= listEnd) {
        const nameType = body[q]!;
        const nameLen = body.readUInt16BE(q + 1);
        q += 3;
        if (q + nameLen > listEnd) return null;
        if (nameType === 0) return body.subarray(q, q + nameLen).toString('latin1');
        q += nameLen;
      }
      return null;
    }
    p += len;
  }
  return null;
}

/**
 * Does an SNI name select this vhost? mod_ssl ssl_util_vhost_matches: ServerName and plain ServerAlias compared
 * case-insensitively, ServerAlias with `*`/`?` matched as a wildcard (ap_strcasecmp_match). `names` are
 * ServerName first, then the aliases.
 */
export function sniMatcher(serverName: string | null, aliases: readonly string[]): (name: string) => boolean {
  const exact = new Set([serverName, ...aliases.filter((a) => !/[*?]/.test(a))].filter((n): n is string => !!n).map((n) => n.toLowerCase()));
  const wild = aliases
    .filter((a) => /[*?]/.test(a))
    .map((a) => new RegExp(`^${a.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i'));
  return (name) => exact.has(name.toLowerCase()) || wild.some((re) => re.test(name));
}

type ConnectionListener = (this: TlsServer, socket: Socket) => void;
const ROUTED = Symbol('apx.sniRouted');

/** Node's own TLS 'connection' listener of a tls/https server (registered by its constructor, before any of ours). */
function tlsListenerOf(server: TlsServer): ConnectionListener {
  const l = server.listeners('connection')[0];
  if (typeof l !== 'function') throw new Error('apx: this TLS server has no connection listener');
  return l as ConnectionListener;
}

/**
 * From now on, each connection `front` accepts is read up to the end of its ClientHello and handed to the TLS
 * server `pick(name)` returns (`front` itself for its default settings). Idempotent. `timeoutMs` bounds the wait
 * for a ClientHello; a client that says nothing in time is handed to `front`, whose handshake timeout then applies.
 */
export function routeBySni(front: TlsServer, pick: (name: string | null) => TlsServer, timeoutMs: number): void {
  const marked = front as TlsServer & { [ROUTED]?: { pick: (name: string | null) => TlsServer } };
  if (marked[ROUTED]) {
    marked[ROUTED].pick = pick;
    return;
  }
  const own = tlsListenerOf(front);
  const state = { pick };
  marked[ROUTED] = state;
  front.removeListener('connection', own);
  front.prependListener('connection', (socket: Socket) => {
    let buf: Buffer = Buffer.alloc(0);
    let settled = false;
    const onError = (): void => {};
    const finish = (name: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      socket.pause();
      if (buf.length > 0) socket.unshift(buf);
      socket.removeListener('error', onError);
      const target = state.pick(name);
      (target === front ? own : tlsListenerOf(target)).call(target, socket);
    };
    const onData = (chunk: Buffer): void => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      let r: ClientHelloSni;
      try {
        r = clientHelloSni(buf);
      } catch {
        // A parser bug must not take the process down with it: the default settings answer, and Node's own
        // handshake judges the bytes.
        r = done(null);
      }
      if (r.state === 'done') finish(r.name);
    };
    const onClose = (): void => {
      settled = true;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    timer.unref?.();
    socket.on('error', onError);
    socket.once('close', onClose);
    socket.on('data', onData);
  });
}
