/**
 * `apx serve --workers N` as a user runs it (`node bin/apx.js serve …` in a child process): a worker killed with
 * SIGKILL is replaced while the server keeps answering, restarts are rate-limited, and SIGHUP reloads every
 * worker. Needs the build (`npm test` builds first); skipped, saying so, when dist/ is missing or stale.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apx, buildProblem, type Child } from './apx-child.js';
import { opensslAvailable, selfSigned } from '../support/certs.js';
import { tlsVisit } from '../support/tls.js';
import { request, startTextBackend, type Backend } from '../support/backends.js';

const problem = buildProblem(['src/cli/serve.ts', 'src/runtime/index.ts', 'src/runtime/cluster.ts']);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll until `test` holds (or the child exited); throws with the child's output otherwise. */
async function until(c: Child, what: string, test: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (test()) return;
    if (c.proc.exitCode !== null) break;
    await sleep(25);
  }
  throw new Error(`waiting for ${what}; stdout: ${c.out}\nstderr: ${c.err}`);
}

async function urlOf(c: Child): Promise<string> {
  let url = '';
  await until(c, 'the URL', () => {
    url = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(c.out)?.[1] ?? '';
    return url !== '';
  });
  return url;
}

/** The primary's child processes: its workers. */
function workerPids(c: Child): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(c.proc.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0)
      .sort((a, b) => a - b);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

/** Wait until the primary has `n` workers that all answer (each one printed nothing, so ask on fresh connections). */
async function waitForWorkers(c: Child, n: number, not: readonly number[] = []): Promise<number[]> {
  let pids: number[] = [];
  await until(c, `${n} workers`, () => {
    pids = workerPids(c);
    return pids.length === n && pids.every((p) => !not.includes(p));
  });
  return pids;
}

/**
 * How many descriptors of the socket listening on 127.0.0.1:port process `pid` holds (Linux /proc: the socket's
 * inode from /proc/net/tcp, state 0A = LISTEN, then the process's fd links to it).
 */
function listeningDescriptors(pid: number, port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const row = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[1] === local && f[3] === '0A');
  if (!row) return 0;
  const link = `socket:[${row[9]}]`;
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === link;
    } catch {
      return false; // closed meanwhile
    }
  }).length;
}

/** One HTTPS GET over TLS 1.2 on a new connection, offering `session`; `body` is what followed the response head. */
async function tlsGet(port: number, session?: Buffer): Promise<{ reused: boolean; session: Buffer | undefined; body: string }> {
  const v = await tlsVisit(port, { version: 'TLSv1.2', session, request: 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' });
  return { reused: v.reused, session: v.session, body: v.response.slice(v.response.indexOf('\r\n\r\n') + 4) };
}

function writeSite(dir: string, backend: Backend, path = '/'): string {
  const f = join(dir, '000-default.conf');
  writeFileSync(f, `<VirtualHost *:80>\n    ProxyPass ${path} ${backend.url}/\n</VirtualHost>\n`);
  return f;
}

const started: Child[] = [];
const backends: Backend[] = [];
afterAll(async () => {
  for (const c of started) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  await Promise.all(backends.map((b) => b.close()));
});

async function textBackend(text: string): Promise<Backend> {
  const b = await startTextBackend(text);
  backends.push(b);
  return b;
}

describe.skipIf(problem !== '')(`apx serve --workers in a child process ${problem}`, () => {
  it('a worker killed with SIGKILL is replaced; the server keeps answering', async () => {
    const backend = await textBackend('hello');
    const c = apx(['serve', writeSite(mkdtempSync(join(tmpdir(), 'apx-cluster-')), backend), '--workers', '2', '--listen', '127.0.0.1:0']);
    started.push(c);
    const url = await urlOf(c);
    const before = await waitForWorkers(c, 2);
    process.kill(before[0]!, 'SIGKILL');
    // The survivor answers at once, while the replacement starts.
    for (let i = 0; i < 10; i++) expect((await request(url)).body.toString()).toBe('hello');
    const after = await waitForWorkers(c, 2, [before[0]!]);
    expect(after).toContain(before[1]);
    await until(c, 'the restart line', () => /worker \d+ exited/.test(c.err));
    expect(c.err.split('\n').filter((l) => l.includes('exited'))).toEqual([`apx: worker ${before[0]} exited (SIGKILL); starting another`]);
    expect(c.out.match(/apx serving/g)).toHaveLength(1);
    // Kill the survivor too: once only replacements are left, they serve the same model. (The replacement may
    // still be starting, so the socket can be closed for a moment: wait until it answers.)
    process.kill(before[1]!, 'SIGKILL');
    await waitForWorkers(c, 2, before);
    let answered = '';
    for (let i = 0; i < 200 && answered === ''; i++) answered = await request(url).then((r) => r.body.toString(), (e: Error) => sleep(25).then(() => (i === 199 ? `${e.message}\n${c.err}` : '')));
    expect(answered).toBe('hello');
    for (let i = 0; i < 10; i++) expect((await request(url)).body.toString()).toBe('hello');
    c.proc.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  });

  it.skipIf(process.platform !== 'linux')('each worker accepts on 16 descriptors of the listening socket (src/runtime/accept.ts), a replacement too; APX_ACCEPT_DESCRIPTORS=1 keeps one', async () => {
    const backend = await textBackend('dup');
    const site = writeSite(mkdtempSync(join(tmpdir(), 'apx-cluster-')), backend);
    const c = apx(['serve', site, '--workers', '2', '--listen', '127.0.0.1:0']);
    started.push(c);
    const url = await urlOf(c);
    const port = Number(new URL(url).port);
    const pids = await waitForWorkers(c, 2);
    // The duplicates arrive over IPC after the worker reported it listens.
    await until(c, '16 descriptors in each worker', () => pids.every((p) => listeningDescriptors(p, port) === 16));
    // The primary keeps node:cluster's one.
    expect(listeningDescriptors(c.proc.pid!, port)).toBe(1);
    for (let i = 0; i < 20; i++) expect((await request(url)).body.toString()).toBe('dup');
    process.kill(pids[0]!, 'SIGKILL');
    const [fresh] = (await waitForWorkers(c, 2, [pids[0]!])).filter((p) => p !== pids[1]);
    await until(c, '16 descriptors in the replacement', () => listeningDescriptors(fresh!, port) === 16);
    c.proc.kill('SIGTERM');
    expect(await c.exited).toBe(0);

    const one = apx(['serve', site, '--workers', '2', '--listen', '127.0.0.1:0'], { APX_ACCEPT_DESCRIPTORS: '1' });
    started.push(one);
    const oneUrl = await urlOf(one);
    const onePids = await waitForWorkers(one, 2);
    expect((await request(oneUrl)).body.toString()).toBe('dup');
    await sleep(200);
    expect(onePids.map((p) => listeningDescriptors(p, Number(new URL(oneUrl).port)))).toEqual([1, 1]);
    one.proc.kill('SIGTERM');
    expect(await one.exited).toBe(0);
  });

  it.skipIf(!opensslAvailable())('SSLSessionCache: a TLS 1.2 session made on one worker resumes on the other (one store in the primary, as shmcb)', async () => {
    const backend = await textBackend('tls');
    const dir = mkdtempSync(join(tmpdir(), 'apx-cluster-'));
    const { cert, key } = selfSigned(dir, 'site');
    const log = join(dir, 'access.log');
    const site = join(dir, 'default-ssl.conf');
    writeFileSync(
      site,
      `SSLSessionCache shmcb:/tmp/unused(512000)\nLogFormat "%P" pid\n` +
        `<VirtualHost *:443>\n    SSLEngine on\n    SSLSessionTickets off\n    SSLCertificateFile ${cert}\n    SSLCertificateKeyFile ${key}\n` +
        `    CustomLog ${log} pid\n    ProxyPass / ${backend.url}/\n</VirtualHost>\n`,
    );
    const c = apx(['serve', site, '--workers', '2', '--listen', '127.0.0.1:0']);
    started.push(c);
    let url = '';
    await until(c, 'the URL', () => (url = /on (https:\/\/127\.0\.0\.1:\d+\/)/.exec(c.out)?.[1] ?? '') !== '');
    await waitForWorkers(c, 2);
    const port = Number(new URL(url).port);
    const first = await tlsGet(port);
    expect(first.reused).toBe(false);
    // New connections, each offering the first session, until both workers have served some (the kernel picks;
    // the access log's %P says which).
    const pids = (): Set<string> => new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean));
    for (let i = 0; i < 200 && pids().size < 2; i++) {
      const r = await tlsGet(port, first.session);
      expect(r.reused).toBe(true);
      expect(r.body).toBe('tls');
      await sleep(5); // the log is written once per event-loop turn
    }
    expect(pids().size).toBe(2);
    c.proc.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  });

  it('more than 5 crashes in 10 s: gives up with one clear line, exit 1', async () => {
    const backend = await textBackend('x');
    const c = apx(['serve', writeSite(mkdtempSync(join(tmpdir(), 'apx-cluster-')), backend), '--workers', '2', '--listen', '127.0.0.1:0']);
    started.push(c);
    await urlOf(c);
    const killed: number[] = [];
    for (let i = 0; i < 6; i++) {
      const pids = await waitForWorkers(c, 2, killed);
      killed.push(pids[0]!);
      process.kill(pids[0]!, 'SIGKILL');
    }
    expect(await c.exited).toBe(1);
    expect(c.err.match(/starting another/g)).toHaveLength(5);
    expect(c.err).toMatch(/^apx: worker \d+ exited \(SIGKILL\); workers crashed more than 5 times in 10 s: giving up, stopping the others/m);
    expect(c.err).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('SIGHUP re-reads the config and every worker serves the new route; a config with errors keeps the old one', async () => {
    const a = await textBackend('A');
    const b = await textBackend('B');
    const f = writeSite(mkdtempSync(join(tmpdir(), 'apx-cluster-')), a);
    const c = apx(['serve', f, '--workers', '2', '--listen', '127.0.0.1:0']);
    started.push(c);
    const url = await urlOf(c);
    // request() opens a new connection each time, so the kernel spreads them over both workers.
    const bodies = async (path: string): Promise<string[]> => [...new Set(await Promise.all(Array.from({ length: 20 }, () => request(`${url}${path}`).then((r) => r.body.toString()))))];
    expect(await bodies('new/x')).toEqual(['A']);
    const hangup = async (lines: number, what: RegExp): Promise<void> => {
      c.proc.kill('SIGHUP');
      await until(c, `SIGHUP line ${lines}`, () => (c.err.match(what) ?? []).length === lines);
    };
    writeFileSync(f, `<VirtualHost *:80>\n    ProxyPass /new/ ${b.url}/\n    ProxyPass / ${a.url}/\n</VirtualHost>\n`);
    await hangup(1, /^apx: SIGHUP: reloaded 2 workers; new connections use the new config/gm);
    expect(await bodies('new/x')).toEqual(['B']);
    expect(await bodies('other')).toEqual(['A']);
    // An error: printed with its location, and both workers go on with the last good config.
    writeFileSync(f, `<VirtualHost *:80>\n    ProxyPass /new/\n</VirtualHost>\n`);
    await hangup(1, /^apx: SIGHUP: the config has errors \(above\); still serving the previous one$/gm);
    expect(c.err).toMatch(/000-default\.conf:2:\d+: error:/);
    expect(await bodies('new/x')).toEqual(['B']);
    // A worker crashing after the reload is replaced with the new config, not the one apx started with.
    for (const pid of await waitForWorkers(c, 2)) process.kill(pid, 'SIGKILL');
    await waitForWorkers(c, 2);
    let answered = '';
    for (let i = 0; i < 200 && answered === ''; i++) answered = await request(`${url}new/x`).then((r) => r.body.toString(), () => sleep(25).then(() => ''));
    expect(answered).toBe('B');
    expect(await bodies('new/x')).toEqual(['B']);
    c.proc.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(c.err).not.toMatch(/\bat .*\.js:\d+/);
  });
});
