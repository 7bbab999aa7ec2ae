/**
 * A worker's connection pool: `ttl=` (else 4 s) closes idle pooled connections, and `timeout=` is the backend
 * sockets' inactivity limit, set once by the agent rather than per request.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { closeIdle, Worker } from '../../src/runtime/worker.js';
import { request as httpRequest } from '../support/backends.js';
import { closeAll, model, route, serve, server, workerParams } from './fixture.js';

const servers: Server[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await closeAll();
});

/**
 * A port whose connects hang: a process that listens with a backlog of 1 and never runs its event loop, so nothing
 * is accepted; once its accept queue is full the kernel drops further SYNs and a connect waits.
 */
async function hangingPort(): Promise<number> {
  const child = spawn(process.execPath, ['-e', "const s=require('net').createServer().listen({port:0,host:'127.0.0.1',backlog:1},()=>{console.log(s.address().port);const t=Date.now();while(Date.now()-t<60000);})"], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  // Fill the accept queue (and the SYN queue's allowance) with connections nobody will accept.
  for (let i = 0; i < 4; i++) connect({ host: '127.0.0.1', port }).on('error', () => {});
  await sleep(200);
  return port;
}

/** A keep-alive backend that reports when each of its connections closes. */
async function backend(): Promise<{ port: number; closed: () => number; opened: () => number }> {
  let opened = 0;
  let closed = 0;
  const s = createServer({ keepAliveTimeout: 60_000 }, (_req, res) => res.end('ok'));
  s.on('connection', (c: Socket) => {
    opened++;
    c.on('close', () => closed++);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as AddressInfo).port, closed: () => closed, opened: () => opened };
}

const get = (port: number, agent: import('node:http').Agent): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(req.socket as Socket));
    });
    req.on('error', reject);
    req.end();
  });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('closeIdle (ttl)', () => {
  it('closes a pooled connection once idle for the ttl, not before', async () => {
    const b = await backend();
    const w = new Worker(`http://127.0.0.1:${b.port}/`, 'http', workerParams({ ttl: 1 }));
    try {
      await get(b.port, w.agent);
      await sleep(400);
      expect(b.closed()).toBe(0);
      // Still pooled: the next request reuses it.
      await get(b.port, w.agent);
      expect(b.opened()).toBe(1);
      await sleep(1600);
      expect(b.closed()).toBe(1);
      // Then the pool opens a fresh one.
      await get(b.port, w.agent);
      expect(b.opened()).toBe(2);
    } finally {
      w.destroy();
    }
  });

  it('a connection in use is not closed, however long the request', async () => {
    const agent = new (await import('node:http')).Agent({ keepAlive: true });
    const stop = closeIdle(agent, 200);
    let release: () => void = () => {};
    const s = createServer((_req, res) => {
      release = () => res.end('late');
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    try {
      const body = new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          let t = '';
          res.on('data', (c: Buffer) => (t += c));
          res.on('end', () => resolve(t));
        })
          .on('error', reject)
          .end();
      });
      await sleep(600);
      release();
      expect(await body).toBe('late');
    } finally {
      stop();
      agent.destroy();
    }
  });

  it('the read timeout does not run while connecting: connectiontimeout alone decides (503, not 502)', async () => {
    const port = await hangingPort();
    const p = await serve(model({ mainServer: server({ routes: [route('/', `http://127.0.0.1:${port}/`, { worker: { timeout: 1, connectionTimeout: 3 } })] }) }));
    const t0 = Date.now();
    const r = await httpRequest(`${p.url}/x`);
    const took = Date.now() - t0;
    expect(r.status).toBe(503);
    expect(took).toBeGreaterThan(2500);
    expect(p.errors.text).toContain('AH00957');
  }, 15_000);

  it('the agent carries the worker timeout as its socket timeout (no timer per request)', () => {
    const w = new Worker('http://127.0.0.1:9/', 'http', workerParams({ timeout: 7 }));
    try {
      expect((w.agent as unknown as { options: { timeout?: number } }).options.timeout).toBe(7000);
    } finally {
      w.destroy();
    }
  });
});
