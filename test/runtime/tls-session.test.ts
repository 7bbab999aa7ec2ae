/**
 * SSLSessionTickets / SSLSessionCache / SSLSessionCacheTimeout on Node's TLS server, as apx serves them:
 * - tickets (mod_ssl's default On) resume TLS 1.2 and TLS 1.3; `SSLSessionTickets off` (SSL_OP_NO_TICKET through
 *   serverTlsOptions) stops that, and with no session cache (mod_ssl's default `none`) nothing resumes;
 * - with a session cache attached (src/runtime/tls-session-cache.ts), TLS 1.2 resumes by session id and TLS 1.3 by
 *   stateful ticket even with tickets off, until SSLSessionCacheTimeout has passed.
 * The servers are plain tls.Servers built from the mapped options, so only the mapping and the cache are under test.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants } from 'node:crypto';
import { createServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTlsOptions, sameTlsOptions, type NodeTlsOptions } from '../../src/runtime/tls-options.js';
import { attachSessionCache, MemorySessionStore, RemoteSessionStore, serveSessionRequest, sessionStoreFor, type SessionRequest } from '../../src/runtime/tls-session-cache.js';
import type { Tls } from '../../src/model/types.js';
import { opensslAvailable, selfSigned } from '../support/certs.js';
import { tlsVisit } from '../support/tls.js';
import { tlsSettings } from './fixture.js';

type Version = 'TLSv1.2' | 'TLSv1.3';

function mapped(over: Partial<Tls>): NodeTlsOptions {
  const m = serverTlsOptions(tlsSettings(over));
  if (!m.ok) throw new Error(m.problem.message);
  return m.options;
}

describe('serverTlsOptions: SSLSessionTickets and SSLSessionCacheTimeout', () => {
  it.each([
    [{}, 0, 300],
    [{ sessionTickets: null, sessionCacheTimeout: null }, 0, 300],
    [{ sessionTickets: true }, 0, 300],
    [{ sessionTickets: false }, constants.SSL_OP_NO_TICKET, 300],
    [{ sessionCacheTimeout: 5 }, 0, 5],
    [{ sessionCacheTimeout: 0 }, 0, 0],
  ] as [Partial<Tls>, number, number][])('%j → secureOptions %i, sessionTimeout %i', (over, secureOptions, sessionTimeout) => {
    expect(mapped(over)).toMatchObject({ secureOptions, sessionTimeout });
  });

  it('vhosts that differ only in tickets or timeout need their own TLS context (SNI group)', () => {
    expect(sameTlsOptions(mapped({}), mapped({ sessionTickets: true }))).toBe(true);
    expect(sameTlsOptions(mapped({}), mapped({ sessionTickets: false }))).toBe(false);
    expect(sameTlsOptions(mapped({}), mapped({ sessionCacheTimeout: 60 }))).toBe(false);
  });
});

describe('MemorySessionStore', () => {
  const id = (n: number): Buffer => Buffer.from([n, n, n, n]);
  const got = (s: MemorySessionStore, n: number): Buffer | null => {
    let out: Buffer | null = null;
    s.get(id(n), (_e, v) => (out = v));
    return out;
  };
  const put = (s: MemorySessionStore, n: number, bytes: number, expiresAt: number): void => s.set(id(n), Buffer.alloc(bytes, n), expiresAt, () => {});

  it('keeps a session until it expires', () => {
    let now = 1_000;
    const s = new MemorySessionStore({ maxBytes: 1_000, now: () => now });
    put(s, 1, 10, 2_000);
    expect(got(s, 1)).toEqual(Buffer.alloc(10, 1));
    now = 1_999;
    expect(got(s, 1)).not.toBeNull();
    now = 2_000;
    expect(got(s, 1)).toBeNull();
    expect(s.size).toBe(0);
    expect(s.bytes).toBe(0);
  });

  it('drops the oldest sessions when the byte bound is reached, and never keeps what cannot fit or has expired', () => {
    const s = new MemorySessionStore({ maxBytes: 100, now: () => 0 });
    for (const n of [1, 2, 3]) put(s, n, 26, 10); // 30 bytes each with the 4-byte id
    expect(s.bytes).toBe(90);
    put(s, 4, 26, 10);
    expect([1, 2, 3, 4].map((n) => got(s, n) !== null)).toEqual([false, true, true, true]);
    expect(s.bytes).toBe(90);
    put(s, 5, 97, 10); // 101 bytes: larger than the cache
    expect(got(s, 5)).toBeNull();
    put(s, 6, 10, 0); // SSLSessionCacheTimeout 0: expired at once
    expect(got(s, 6)).toBeNull();
    // Replacing a session does not count it twice.
    put(s, 2, 26, 10);
    expect(s.bytes).toBe(90);
  });

  it('bounds the number of sessions when asked (nonenotnull: OpenSSL counts sessions)', () => {
    const s = new MemorySessionStore({ maxBytes: Number.POSITIVE_INFINITY, maxEntries: 2, now: () => 0 });
    for (const n of [1, 2, 3]) put(s, n, 1, 10);
    expect([1, 2, 3].map((n) => got(s, n) !== null)).toEqual([false, true, true]);
  });

  it('sessionStoreFor: none and unset give no store; shmcb its size', () => {
    expect(sessionStoreFor(null)).toBeNull();
    expect(sessionStoreFor(undefined)).toBeNull();
    expect(sessionStoreFor({ kind: 'none' })).toBeNull();
    expect(sessionStoreFor({ kind: 'nonenotnull' })).toBeInstanceOf(MemorySessionStore);
    const small = sessionStoreFor({ kind: 'socache', provider: 'shmcb', argument: '/x(8192)', sizeBytes: 8192 }, () => 0)!;
    small.set(Buffer.alloc(32), Buffer.alloc(8160), 1, () => {});
    expect(small.size).toBe(1);
    small.set(Buffer.alloc(32, 1), Buffer.alloc(8161), 1, () => {});
    expect(small.size).toBe(1);
  });
});

/** One connection, read to its end (TLS 1.3 tickets come after the handshake). */
const visit = (port: number, version: Version, session?: Buffer) => tlsVisit(port, { version, session });

/** Does a second connection with the first one's session resume? */
async function resumes(port: number, version: Version): Promise<{ resumed: boolean; ticket: boolean }> {
  const first = await visit(port, version);
  expect(first.reused).toBe(false);
  if (first.session === undefined) return { resumed: false, ticket: first.ticket };
  const second = await visit(port, version, first.session);
  return { resumed: second.reused, ticket: first.ticket };
}

// `apx serve --workers N`: the primary holds the store, workers reach it over IPC (src/cli/serve.ts). Here the
// channel is a function call, answered on a later tick as IPC would be.
describe('RemoteSessionStore ↔ serveSessionRequest', () => {
  const get = (store: RemoteSessionStore, id: string): Promise<string | null> =>
    new Promise((resolve) => store.get(Buffer.from(id), (err, s) => resolve(err ? `error ${err.message}` : (s?.toString() ?? null))));
  const linked = (held: MemorySessionStore, deliver = true): { remote: RemoteSessionStore; sent: SessionRequest[] } => {
    const sent: SessionRequest[] = [];
    const remote: RemoteSessionStore = new RemoteSessionStore((m) => {
      sent.push(m);
      if (deliver) setImmediate(() => serveSessionRequest(held, m, (r) => setImmediate(() => remote.receive(r))));
      return true;
    });
    return { remote, sent };
  };

  it('a session set through one worker is found through another; unknown and expired ids are misses', async () => {
    let now = 1_000;
    const held = new MemorySessionStore({ maxBytes: 1 << 20, now: () => now });
    const a = linked(held).remote;
    const b = linked(held).remote;
    a.set(Buffer.from('id1'), Buffer.from('session-1'), 5_000, () => {});
    await new Promise((r) => setImmediate(r));
    expect(await get(b, 'id1')).toBe('session-1');
    expect(await get(b, 'nope')).toBeNull();
    now = 6_000;
    expect(await get(a, 'id1')).toBeNull();
  });

  it('a lookup the holder cannot answer is a miss: channel gone (close), or the message not sent', async () => {
    const held = new MemorySessionStore({ maxBytes: 1 << 20 });
    const { remote, sent } = linked(held, false);
    const pending = get(remote, 'id');
    expect(sent).toHaveLength(1);
    remote.close();
    expect(await pending).toBeNull();
    const refused = new RemoteSessionStore(() => false);
    expect(await get(refused, 'id')).toBeNull();
    expect(remote.receive({ type: 'something-else' })).toBe(false);
  });
});

describe.skipIf(!opensslAvailable())('resumption on a Node TLS server with the mapped options', () => {
  let dir: string;
  let cert: Buffer;
  let key: Buffer;
  const servers: TlsServer[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'apx-tls-session-'));
    const files = selfSigned(dir, 'a.test');
    cert = readFileSync(files.cert);
    key = readFileSync(files.key);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(over: Partial<Tls>, cache?: { store: MemorySessionStore; now: () => number }): Promise<number> {
    const o = mapped(over);
    const server = createServer({ ...o, cert, key }, (s) => s.end('x'));
    if (cache) attachSessionCache(server, cache.store, o.sessionTimeout, cache.now);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return (server.address() as AddressInfo).port;
  }

  // No SSLSessionCache (mod_ssl's default `none`): only tickets resume.
  it.each([
    ['TLSv1.2', {}, true, true],
    ['TLSv1.3', {}, true, false],
    ['TLSv1.2', { sessionTickets: true }, true, true],
    ['TLSv1.2', { sessionTickets: false }, false, false],
    ['TLSv1.3', { sessionTickets: false }, false, false],
  ] as [Version, Partial<Tls>, boolean, boolean][])('%s %j, no cache: resumed %s (TLS 1.2 ticket sent: %s)', async (version, over, resumed, ticket) => {
    const port = await serve(over);
    expect(await resumes(port, version)).toEqual({ resumed, ticket });
  });

  it('TLSv1.2, tickets off, a session cache: resumes by session id, until SSLSessionCacheTimeout has passed', async () => {
    const version = 'TLSv1.2';
    let now = 1_000_000;
    const store = new MemorySessionStore({ maxBytes: 512_000, now: () => now });
    const port = await serve({ sessionTickets: false, sessionCacheTimeout: 2 }, { store, now: () => now });
    expect(await resumes(port, version)).toEqual({ resumed: true, ticket: false });
    expect(store.size).toBeGreaterThan(0);
    const first = await visit(port, version);
    now += 1_999;
    expect((await visit(port, version, first.session)).reused).toBe(true);
    now += 1;
    expect((await visit(port, version, first.session)).reused).toBe(false);
  });

  // Deviation tls13-ticket-renewal (docs/deviations.md): httpd (OpenSSL's own ticket handling) sends one new ticket on
  // a resumed TLS 1.3 connection; Node's tls.Server decrypts tickets through its key callback, which never asks for
  // renewal, so a client that uses each ticket once resumes only every other time. When Node renews, this fails:
  // then expect 1 and drop the deviation.
  it('TLSv1.3: two tickets after a full handshake, none after a resumed one', async () => {
    const port = await serve({});
    const first = await visit(port, 'TLSv1.3');
    expect(first.sessions).toBe(2);
    const second = await visit(port, 'TLSv1.3', first.session);
    expect(second.reused).toBe(true);
    expect(second.sessions).toBe(0);
  });

  // Deviation (docs/deviations.md): mod_ssl resumes TLS 1.3 through the cache (OpenSSL's stateful tickets). Node
  // stores those sessions ('newSession' fires) but looks up the ClientHello's legacy session id in 'resumeSession',
  // never the PSK identity, so a TLS 1.3 client with tickets off always gets a full handshake. When Node learns to
  // do it, this fails: then assert `resumed: true` and drop the deviation.
  it('TLSv1.3, tickets off, a session cache: sessions are stored, yet Node never resumes them', async () => {
    const store = new MemorySessionStore({ maxBytes: 512_000 });
    const port = await serve({ sessionTickets: false }, { store, now: Date.now });
    expect(await resumes(port, 'TLSv1.3')).toEqual({ resumed: false, ticket: false });
    expect(store.size).toBeGreaterThan(0);
  });
});
