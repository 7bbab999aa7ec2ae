/**
 * `apx serve` and `apx demo` end to end in-process: the CLI's run() with captured streams and an AbortSignal in
 * place of SIGTERM (test/cli/serve.system.test.ts sends the real signal to a child process).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { ServeStreams } from '../../src/cli/serve.js';
import { startProxy } from '../../src/runtime/index.js';
import { request, startEchoBackend, type Backend } from '../support/backends.js';
import { balancerModel } from './serve-model-fixture.js';

interface Live {
  /** Resolves with the exit code once the command returns. */
  done: Promise<number>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line of stdout matching. */
  line(re: RegExp): Promise<RegExpExecArray>;
  stop(): Promise<number>;
}

function start(args: string[], stdin = ''): Live {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  const poke = (): void => waiters.splice(0).forEach((w) => w());
  out.on('data', (c: Buffer) => ((stdout += c.toString()), poke()));
  err.on('data', (c: Buffer) => ((stderr += c.toString()), poke()));
  const ac = new AbortController();
  const io: ServeStreams = { stdin: Readable.from([stdin]), stdout: out, stderr: err, signal: ac.signal };
  let finished = false;
  const done = main(args, io).finally(() => ((finished = true), poke()));
  return {
    done,
    stdout: () => stdout,
    stderr: () => stderr,
    line: (re) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(stdout);
          if (m) return resolve(m);
          if (finished) return reject(new Error(`exited before printing ${re}; stdout: ${stdout}\nstderr: ${stderr}`));
          waiters.push(check);
        };
        check();
      }),
    stop: () => {
      ac.abort();
      return done;
    },
  };
}

/** The runtime lands separately; until it does these cannot run (the reason is shown as the skip note). */
let runtimeMissing = '';
const dir = mkdtempSync(join(tmpdir(), 'apx-serve-'));
let a: Backend;
let b: Backend;

beforeAll(async () => {
  try {
    const p = await startProxy(balancerModel(), { listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }], accessLog: null });
    await p.close();
  } catch (e) {
    if (/not built yet/.test(String(e))) runtimeMissing = String(e);
    else throw e;
  }
  a = await startEchoBackend({ name: 'a' });
  b = await startEchoBackend({ name: 'b' });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

function site(text: string, name = 'site.conf'): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('apx serve FILE', () => {
  it('serves a lone vhost file on --listen, prints the URL, and exits 0 when stopped', async (ctx) => {
    if (runtimeMissing) ctx.skip(runtimeMissing);
    const f = site(`<VirtualHost *:80>\n    ProxyPass / ${a.url}/\n    ProxyPassReverse / ${a.url}/\n</VirtualHost>\n`, '000-default.conf');
    const run = start(['serve', f, '--workers', '1', '--listen', '127.0.0.1:0']);
    const m = await run.line(/^apx serving .*000-default\.conf on (http:\/\/127\.0\.0\.1:\d+\/) \(vhost \*:80\)$/m);
    const r = await request(`${m[1]}x?y=1`);
    expect(r.status).toBe(200);
    expect(r.json().url).toBe('/x?y=1');
    expect(await run.stop()).toBe(0);
    // The modules the file's comment would have you enable are assumed, and said so.
    expect(run.stderr()).toMatch(/serving it as if `a2enmod proxy_http` had been run/);
  });

  it('lint errors stop it before it listens: diagnostics on stderr, exit 1', async () => {
    const f = site(`<VirtualHost *:80>\n    ProxyPass / ${a.url}/ nosuchparam=1\n</VirtualHost>\n`);
    const run = start(['serve', f, '--workers', '1', '--listen', '127.0.0.1:0']);
    expect(await run.done).toBe(1);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toMatch(/site\.conf:2:\d+: error: /);
    expect(run.stderr()).toMatch(/not serving .*site\.conf/);
  });

  it('a config the runtime cannot start (certificate file that is not PEM): the reason and its fix, exit 1, no stack', async () => {
    const pem = join(dir, 'not-a-cert.pem');
    writeFileSync(pem, 'garbage\n');
    const f = site(`<VirtualHost *:443>\n    SSLEngine on\n    SSLCertificateFile ${pem}\n    SSLCertificateKeyFile ${pem}\n    ProxyPass / ${a.url}/\n    ProxyPassReverse / ${a.url}/\n</VirtualHost>\n`);
    const run = start(['serve', f, '--workers', '1', '--listen', '127.0.0.1:0']);
    expect(await run.done).toBe(1);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toMatch(/^apx: .*cannot use SSLCertificateFile .*not-a-cert\.pem.*\n  fix: /m);
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  });

  it('an address in use is one line suggesting --listen, exit 2', async (ctx) => {
    if (runtimeMissing) ctx.skip(runtimeMissing);
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    try {
      const f = site(`<VirtualHost *:80>\n    ProxyPass / ${a.url}/\n</VirtualHost>\n`);
      const run = start(['serve', f, '--workers', '1', '--listen', `127.0.0.1:${port}`]);
      expect(await run.done).toBe(2);
      const lines = run.stderr().trim().split('\n').filter((l) => l.startsWith('apx: cannot'));
      expect(lines).toEqual([`apx: cannot listen on 127.0.0.1:${port}: the address is already in use; choose another address with --listen HOST:PORT (port 0 takes any free port)`]);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it('--listen PORT= naming a port the config does not listen on is a usage error', async () => {
    const f = site(`<VirtualHost *:80>\n    ProxyPass / ${a.url}/\n</VirtualHost>\n`);
    const run = start(['serve', f, '--workers', '1', '--listen', '8080=127.0.0.1:0']);
    expect(await run.done).toBe(2);
    expect(run.stderr()).toMatch(/no listener on port 8080 \(it listens on 80\)/);
  });

  it('--access-log - writes access lines on stdout', async (ctx) => {
    if (runtimeMissing) ctx.skip(runtimeMissing);
    const f = site(`<VirtualHost *:80>\n    ProxyPass / ${a.url}/\n</VirtualHost>\n`);
    const run = start(['serve', f, '--workers', '1', '--listen', '127.0.0.1:0', '--access-log', '-']);
    const m = await run.line(/on (http:\/\/127\.0\.0\.1:\d+\/)/);
    await request(`${m[1]}logged-path`);
    await run.line(/"GET \/logged-path HTTP\/1\.1" 200/);
    expect(await run.stop()).toBe(0);
  });
});

describe('apx serve model.json / JSON on stdin', () => {
  it('runs a model read from standard input', async (ctx) => {
    if (runtimeMissing) ctx.skip(runtimeMissing);
    const model = balancerModel();
    model.balancers[0]!.members[0]!.url = `${a.url}/`;
    model.balancers[0]!.members[0]!.target = { ...model.balancers[0]!.members[0]!.target, port: a.port };
    model.balancers[0]!.members[1]!.url = `${b.url}/`;
    model.balancers[0]!.members[1]!.target = { ...model.balancers[0]!.members[1]!.target, port: b.port };
    const run = start(['serve', '-', '--workers', '1', '--listen', '127.0.0.1:0'], JSON.stringify(model));
    const m = await run.line(/^apx serving <stdin> on (http:\/\/\S+) \(vhost \*:80\)$/m);
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await request(m[1]!)).json().backend);
    expect(seen).toEqual(['a', 'b', 'a', 'b']);
    expect(await run.stop()).toBe(0);
  });

  it('refuses a file that is not a valid model: the JSON pointer of each problem, exit 1', async () => {
    const f = join(dir, 'model.json');
    writeFileSync(f, JSON.stringify({ ...balancerModel(), listeners: 'everywhere' }));
    const run = start(['serve', f, '--workers', '1']);
    expect(await run.done).toBe(1);
    expect(run.stderr()).toMatch(/model\.json: error: \/listeners: /);
    expect(run.stderr()).toMatch(/not a valid apx model/);
  });
});

describe('apx demo', () => {
  it("serves the tutorial's balancer sample: answers alternate Hello/Howdy, then it stops cleanly", async (ctx) => {
    if (runtimeMissing) ctx.skip(runtimeMissing);
    const run = start(['demo', '--port', '0']);
    const m = await run.line(/^apx serving \S*000-default\.balancer\.conf on (http:\/\/127\.0\.0\.1:\d+\/)/m);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await request(m[1]!)).text);
    expect(new Set(answers)).toEqual(new Set(['Hello world!', 'Howdy world!']));
    expect(answers[0]).not.toBe(answers[1]);
    expect(answers[0]).toBe(answers[2]);
    expect(run.stdout()).toMatch(/backend "Hello world!" on http:\/\/127\.0\.0\.1:\d+\//);
    expect(await run.stop()).toBe(0);
    // The sample itself is never changed.
    expect(readFileSync(new URL('../../samples/000-default.balancer.conf', import.meta.url), 'utf8')).toContain('BalancerMember http://127.0.0.1:8080/');
  });
});
