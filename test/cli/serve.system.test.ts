/**
 * `apx serve` as a user runs it: `node bin/apx.js serve …` in a child process, stopped with a real SIGTERM while
 * a request is in flight. Needs the build (`npm test` builds first); skipped, saying so, when dist/ is missing
 * or older than the source it would test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apx, buildProblem, type Child } from './apx-child.js';
import { request, startEchoBackend, type Backend } from '../support/backends.js';
import { portAccepts } from '../support/ports.js';

const problem = buildProblem(['src/cli/serve.ts', 'src/runtime/index.ts']);

async function urlOf(c: Child): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const m = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(c.out);
    if (m) return m[1]!;
    if (c.proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`apx serve did not print its URL; stdout: ${c.out}\nstderr: ${c.err}`);
}

const started: Child[] = [];
let backend: Backend | undefined;
afterAll(async () => {
  for (const c of started) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  await backend?.close();
});

describe.skipIf(problem !== '')(`apx serve in a child process ${problem}`, () => {
  it.each([1, 2])('--workers %i: SIGTERM stops accepting, finishes the request in flight, exits 0', async (workers) => {
    await backend?.close();
    backend = await startEchoBackend({ name: 'slow', delayMs: 700 });
    const dir = mkdtempSync(join(tmpdir(), 'apx-serve-sys-'));
    const f = join(dir, '000-default.conf');
    writeFileSync(f, `<VirtualHost *:80>\n    ProxyPass / ${backend.url}/\n</VirtualHost>\n`);
    const c = apx(['serve', f, '--workers', String(workers), '--listen', '127.0.0.1:0']);
    started.push(c);
    const url = await urlOf(c);
    // Printed once, by the primary, however many workers share the socket.
    expect(c.out.match(/apx serving/g)).toHaveLength(1);
    expect(c.out).toMatch(/^apx serving .*000-default\.conf on http:\/\/127\.0\.0\.1:\d+\/ \(vhost \*:80\)$/m);
    const inFlight = request(`${url}slow`);
    // Wait until the backend has the request, so it is truly in flight when the signal arrives.
    for (let i = 0; i < 200 && backend.connections() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    c.proc.kill('SIGTERM');
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(await c.exited).toBe(0);
    expect(await portAccepts(Number(new URL(url).port))).toBe(false);
    expect(c.err).toMatch(/SIGTERM: finishing open requests/);
  });

  it.each([1, 2])('--workers %i: an address in use is one line suggesting --listen, exit 2', async (workers) => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'apx-serve-sys-'));
      const f = join(dir, 'site.conf');
      writeFileSync(f, '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:9/\n</VirtualHost>\n');
      const c = apx(['serve', f, '--workers', String(workers), '--listen', `127.0.0.1:${port}`]);
      started.push(c);
      expect(await c.exited).toBe(2);
      expect(c.err.split('\n').filter((l) => l.startsWith('apx: cannot listen'))).toEqual([
        `apx: cannot listen on 127.0.0.1:${port}: the address is already in use; choose another address with --listen HOST:PORT (port 0 takes any free port)`,
      ]);
      expect(c.err).not.toMatch(/\bat .*\.js:\d+/);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it('an unknown file is one line on stderr, exit 2, no stack trace', async () => {
    const c = apx(['serve', '/nonexistent/x.conf']);
    started.push(c);
    expect(await c.exited).toBe(2);
    expect(c.err).toMatch(/^apx: cannot read \/nonexistent\/x\.conf: no such file or directory$/m);
    expect(c.err).not.toMatch(/\bat .*\.js:\d+/);
  });
});
