/**
 * `SSLSessionCache`: stateful TLS session resumption (TLS 1.2 session IDs; TLS 1.3 stateful tickets, which OpenSSL
 * issues instead of stateless ones when SSLSessionTickets is off).
 *
 * mod_ssl sets SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL and stores every new session in its socache
 * (ssl_engine_init.c ssl_init_ctx_session_cache; ssl_engine_kernel.c ssl_callback_NewSessionCacheEntry, expiry =
 * session time + the vhost's SSLSessionCacheTimeout), looked up again by ssl_callback_GetSessionCacheEntry. With
 * `shmcb` one shared-memory cache serves every child process; with `none` (mod_ssl's default) there is none, and
 * with tickets off nothing resumes. Node's tls.Server has no internal cache either (it sets the same
 * SSL_SESS_CACHE_NO_INTERNAL): it resumes a stateful session only through its `newSession` / `resumeSession`
 * events, which `attachSessionCache` wires to a `SessionStore`.
 *
 * The store is an interface with callbacks so that a store shared by the cluster's workers (as shmcb is shared by
 * httpd's children) can sit behind it, answering over IPC; `MemorySessionStore` is the in-process one.
 */
import type { Server as TlsServer } from 'node:tls';
import type { ProxyModel, SslSessionCache } from '../model/types.js';
import { DEFAULT_SESSION_CACHE_TIMEOUT, SHMCB_DEFAULT_SIZE } from '../model/ssl-session.js';

export interface SessionStore {
  /** The session stored under `id`; null when unknown or expired (a miss is never an error for the handshake). */
  get(id: Buffer, cb: (err: Error | null, session: Buffer | null) => void): void;
  /** Keep `session` under `id` until `expiresAt` (ms since the epoch, `Date.now()`'s clock: shared by processes). */
  set(id: Buffer, session: Buffer, expiresAt: number, cb: (err: Error | null) => void): void;
}

export interface MemorySessionStoreOptions {
  /**
   * Bound on the bytes kept (session id + serialized session, per entry), in the spirit of shmcb's `(size)`: when
   * full, the oldest sessions go first, as shmcb's cyclic buffers drop their oldest entries.
   */
  readonly maxBytes: number;
  /** Bound on the number of sessions (OpenSSL's internal cache, `nonenotnull`, counts sessions: 20480). */
  readonly maxEntries?: number;
  /** The clock (ms); tests move it instead of waiting. */
  readonly now?: () => number;
}

interface Entry {
  readonly session: Buffer;
  readonly expiresAt: number;
  readonly bytes: number;
}

/** One process's sessions, bounded in bytes and count, expired lazily on lookup and when room is needed. */
export class MemorySessionStore implements SessionStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxBytes: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  #bytes = 0;

  constructor(options: MemorySessionStoreOptions) {
    this.#maxBytes = options.maxBytes;
    this.#maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
    this.#now = options.now ?? Date.now;
  }

  /** Sessions held now (expired ones not yet dropped count). */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  get(id: Buffer, cb: (err: Error | null, session: Buffer | null) => void): void {
    const key = id.toString('hex');
    const e = this.#entries.get(key);
    if (e === undefined) return cb(null, null);
    if (e.expiresAt > this.#now()) return cb(null, e.session);
    this.#delete(key, e);
    cb(null, null);
  }

  set(id: Buffer, session: Buffer, expiresAt: number, cb: (err: Error | null) => void): void {
    const key = id.toString('hex');
    const old = this.#entries.get(key);
    if (old !== undefined) this.#delete(key, old);
    const bytes = id.length + session.length;
    // Already expired (SSLSessionCacheTimeout 0), or larger than the whole cache: not kept, as shmcb refuses both.
    if (expiresAt > this.#now() && bytes <= this.#maxBytes && this.#maxEntries > 0) {
      this.#makeRoom(bytes);
      this.#entries.set(key, { session: Buffer.from(session), expiresAt, bytes });
      this.#bytes += bytes;
    }
    cb(null);
  }

  #makeRoom(bytes: number): void {
    const now = this.#now();
    for (const [key, e] of this.#entries) if (e.expiresAt <= now) this.#delete(key, e);
    // Map iterates in insertion order: the first entries are the oldest.
    for (const [key, e] of this.#entries) {
      if (this.#bytes + bytes <= this.#maxBytes && this.#entries.size < this.#maxEntries) break;
      this.#delete(key, e);
    }
  }

  #delete(key: string, e: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= e.bytes;
  }
}

/** OpenSSL's SSL_SESSION_CACHE_MAX_SIZE_DEFAULT: the internal cache `nonenotnull` selects holds 20480 sessions. */
const OPENSSL_INTERNAL_CACHE_SESSIONS = 20 * 1024;

/**
 * The store `SSLSessionCache` asks for, or null when there is no cache (`none`, or not set: mod_ssl's default).
 * shmcb (and `default`, which is shmcb) → its byte size; `nonenotnull` → OpenSSL's internal cache's session count;
 * dbm, dc, memcache, redis → the shmcb default size (apx keeps them in memory: docs/deviations.md).
 */
export function sessionStoreFor(cache: SslSessionCache | null | undefined, now?: () => number): MemorySessionStore | null {
  if (cache === null || cache === undefined || cache.kind === 'none') return null;
  const clock = now !== undefined ? { now } : {};
  if (cache.kind === 'nonenotnull') return new MemorySessionStore({ maxBytes: Number.POSITIVE_INFINITY, maxEntries: OPENSSL_INTERNAL_CACHE_SESSIONS, ...clock });
  return new MemorySessionStore({ maxBytes: cache.sizeBytes ?? SHMCB_DEFAULT_SIZE, ...clock });
}

/** A model's `SSLSessionCache` (a main-server directive: every TLS vhost carries the same one), if it has TLS. */
function sessionCacheOf(model: ProxyModel): SslSessionCache | null | undefined {
  return [model.mainServer, ...model.virtualHosts].find((s) => s.tls?.engine)?.tls?.sessionCache;
}

/** The store a model's `SSLSessionCache` asks for; null when it has none. */
export function sessionStoreForModel(model: ProxyModel): MemorySessionStore | null {
  return sessionStoreFor(sessionCacheOf(model));
}

/** Whether a model resumes TLS sessions through a cache (SSLSessionCache other than `none`). */
export function wantsSessionCache(model: ProxyModel): boolean {
  const c = sessionCacheOf(model);
  return c !== null && c !== undefined && c.kind !== 'none';
}

/**
 * Resume stateful sessions of `server` through `store`: every new session is stored until now + `timeoutSeconds`
 * (the vhost's SSLSessionCacheTimeout, as ssl_callback_NewSessionCacheEntry computes the expiry), and a ClientHello
 * naming a session id is answered from the store. A store error is a miss (a full handshake), never a failure.
 * Call it before the server accepts connections: Node arms the new-session callback per connection only when a
 * `newSession` listener exists.
 */
export function attachSessionCache(server: TlsServer, store: SessionStore, timeoutSeconds: number = DEFAULT_SESSION_CACHE_TIMEOUT, now: () => number = Date.now): void {
  server.on('newSession', (id: Buffer, session: Buffer, done: () => void) => {
    store.set(id, session, now() + timeoutSeconds * 1000, () => done());
  });
  server.on('resumeSession', (id: Buffer, cb: (err: Error | null, session: Buffer | null) => void) => {
    store.get(id, (err, session) => cb(null, err === null ? session : null));
  });
}

// ─────────────────────── one store for several processes (apx serve --workers N) ───────────────────────

/** What a worker asks the process that holds the store (over node:cluster's IPC channel). */
export type SessionRequest =
  | { readonly type: 'apx-session-get'; readonly seq: number; readonly id: string }
  | { readonly type: 'apx-session-set'; readonly id: string; readonly session: string; readonly expiresAt: number };

/** The answer to an `apx-session-get`. */
export interface SessionReply {
  readonly type: 'apx-session';
  readonly seq: number;
  /** base64, null for a miss. */
  readonly session: string | null;
}

/** How long a lookup may wait for the store's process before the handshake goes on without it (a full handshake). */
const REMOTE_GET_TIMEOUT_MS = 1000;

/**
 * A store held by another process — the cluster primary, as shmcb's shared memory is held for every httpd child.
 * `send` posts a request; the owner feeds every reply it receives to `receive()`; `close()` (the channel is gone)
 * answers every pending lookup with a miss. Sets are posted without waiting: a lost one is only a lost resumption.
 */
export class RemoteSessionStore implements SessionStore {
  #seq = 0;
  readonly #pending = new Map<number, { cb: (err: Error | null, session: Buffer | null) => void; timer: NodeJS.Timeout }>();

  constructor(private readonly send: (m: SessionRequest) => boolean) {}

  get(id: Buffer, cb: (err: Error | null, session: Buffer | null) => void): void {
    const seq = ++this.#seq;
    const timer = setTimeout(() => this.#settle(seq, null), REMOTE_GET_TIMEOUT_MS);
    timer.unref();
    this.#pending.set(seq, { cb, timer });
    if (!this.send({ type: 'apx-session-get', seq, id: id.toString('base64') })) this.#settle(seq, null);
  }

  set(id: Buffer, session: Buffer, expiresAt: number, cb: (err: Error | null) => void): void {
    this.send({ type: 'apx-session-set', id: id.toString('base64'), session: session.toString('base64'), expiresAt });
    cb(null);
  }

  /** A message from the store's process; false when it is not a session reply. */
  receive(m: unknown): boolean {
    if (!isSessionReply(m)) return false;
    this.#settle(m.seq, m.session === null ? null : Buffer.from(m.session, 'base64'));
    return true;
  }

  close(): void {
    for (const seq of [...this.#pending.keys()]) this.#settle(seq, null);
  }

  #settle(seq: number, session: Buffer | null): void {
    const p = this.#pending.get(seq);
    if (!p) return;
    this.#pending.delete(seq);
    clearTimeout(p.timer);
    p.cb(null, session);
  }
}

function isSessionReply(m: unknown): m is SessionReply {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'apx-session' && typeof (m as { seq?: unknown }).seq === 'number';
}

export function isSessionRequest(m: unknown): m is SessionRequest {
  const t = typeof m === 'object' && m !== null ? (m as { type?: unknown }).type : undefined;
  return t === 'apx-session-get' || t === 'apx-session-set';
}

/** The holder's half: apply one request to `store`; a lookup's answer goes to `reply`. */
export function serveSessionRequest(store: SessionStore, m: SessionRequest, reply: (r: SessionReply) => void): void {
  if (m.type === 'apx-session-set') {
    store.set(Buffer.from(m.id, 'base64'), Buffer.from(m.session, 'base64'), m.expiresAt, () => {});
    return;
  }
  store.get(Buffer.from(m.id, 'base64'), (err, session) => reply({ type: 'apx-session', seq: m.seq, session: err === null && session !== null ? session.toString('base64') : null }));
}
