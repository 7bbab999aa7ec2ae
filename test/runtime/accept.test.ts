/**
 * src/runtime/accept.ts: a server fed by a duplicate descriptor of a listening socket serves each connection as its
 * own accept would (TLS, the half-close rule, keep-alive). The duplicate is made the only way Node can: the handle
 * goes to a child process and comes back (SCM_RIGHTS both ways), as `apx serve --workers N` does with its primary.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { connect, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acceptDescriptors, acceptInto, listenHandleOf } from '../../src/runtime/accept.js';
import { opensslAvailable, selfSigned } from '../support/certs.js';

/** `handle` sent to a child process and back: a second descriptor of the same socket in this process. */
function duplicate(handle: object): Promise<object> {
  const child = spawn(process.execPath, ['-e', "process.on('message', (m, h) => process.send(m, h, () => { h.close(); process.disconnect(); }))"], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let back: object | null = null;
    child.once('error', reject);
    child.once('message', (_m, h) => (back = (h as object | undefined) ?? null));
    // Resolve once the child is gone: while its copy of the socket is open the kernel still completes handshakes for
    // the port (then resets them when the child exits), which a loaded machine made visible as ECONNRESET.
    child.once('exit', () => (back ? resolve(back) : reject(new Error('no handle came back'))));
    child.send({ dup: true }, handle as never);
  });
}

const closers: (() => void)[] = [];
afterAll(() => closers.forEach((c) => c()));

/**
 * A listening socket on a free port whose only descriptor in this process, after the call, is the duplicate fed
 * to `into`: every connection must come through acceptInto.
 */
async function servedOnlyThroughAcceptor(into: NetServer): Promise<{ port: number; acceptor: NetServer }> {
  const origin = createNetServer();
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  const port = (origin.address() as { port: number }).port;
  const dup = await duplicate(listenHandleOf(origin)!);
  await new Promise<void>((r) => origin.close(() => r()));
  const acceptor = await acceptInto(into, dup);
  closers.push(() => acceptor.close());
  return { port, acceptor };
}

/** Raw bytes to 127.0.0.1:port; half-closes after writing when asked; resolves with everything read until the end. */
function exchange(port: number, bytes: string, halfClose: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => (halfClose ? s.end(bytes) : s.write(bytes)));
    let got = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => (got += d));
    s.on('end', () => resolve(got));
    s.on('error', reject);
    s.setTimeout(5000, () => s.destroy(new Error(`no end; got ${JSON.stringify(got)}`)));
  });
}

describe('acceptInto', () => {
  it('a plain HTTP server answers connections it never accepted itself, half-closed ones too', async () => {
    // Answered a little later, as a proxy answers once its backend has: the client's FIN comes first.
    const server: HttpServer = createHttpServer((req, res) => setTimeout(() => res.end(`hello ${req.url}`), 50));
    (server as HttpServer & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
    closers.push(() => server.close());
    const { port } = await servedOnlyThroughAcceptor(server);
    const answer = await exchange(port, 'GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', false);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello \/a$/);
    // The acceptor copies the server's allowHalfOpen: without it node:net would end the socket at the client's FIN,
    // before the answer.
    const halfClosed = await exchange(port, 'GET /b HTTP/1.1\r\nHost: x\r\n\r\n', true);
    expect(halfClosed).toMatch(/\r\n\r\nhello \/b$/);
  });

  it.skipIf(!opensslAvailable())('a TLS server does its handshake on them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apx-accept-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const { cert, key } = selfSigned(dir, 'localhost');
    const server = createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => res.end(`tls ${req.url}`));
    closers.push(() => server.close());
    const { port } = await servedOnlyThroughAcceptor(server as unknown as NetServer);
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/t', ca: readFileSync(cert), servername: 'localhost', agent: false }, (res) => {
        let b = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (b += d));
        res.on('end', () => resolve(b));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toBe('tls /t');
  });

  it('once the acceptor is closed, nothing accepts any more', async () => {
    const server = createHttpServer((_req, res) => res.end('x'));
    closers.push(() => server.close());
    const { port, acceptor } = await servedOnlyThroughAcceptor(server);
    await new Promise<void>((r) => acceptor.close(() => r()));
    await expect(exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', false)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('acceptDescriptors', () => {
  it.each([
    [{}, 16],
    [{ APX_ACCEPT_DESCRIPTORS: '1' }, 1],
    [{ APX_ACCEPT_DESCRIPTORS: '32' }, 32],
    [{ APX_ACCEPT_DESCRIPTORS: '0' }, 16],
    [{ APX_ACCEPT_DESCRIPTORS: 'many' }, 16],
    [{ APX_ACCEPT_DESCRIPTORS: '2.5' }, 16],
  ])('%j → %d', (env, n) => {
    expect(acceptDescriptors(env)).toBe(n);
  });
});
