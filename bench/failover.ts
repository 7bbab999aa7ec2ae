/**
 * `npm run bench:failover`: a backend dies under load. Apache httpd 2.4 and apx run the same two-member balancer
 * (byrequests, `retry=R`) in front of two small Node backends, one after the other; wrk drives 200 keep-alive
 * connections at each for D seconds. At D/3 one backend is killed (SIGKILL: in-flight requests on it are cut), at
 * 2D/3 it is started again on the same port. Prints, for each proxy, what the clients got (2xx, other statuses,
 * socket errors) and how long after the backend came back the balancer sent it traffic again (≤ `retry`: the
 * member stays in error for `retry` seconds after its last failure, then is tried again).
 *
 *   npm run bench:failover -- [--duration 30] [--connections 200] [--threads 2] [--retry 5] [--only apx,apache]
 *                             [--baseline]   (also a run with nothing killed, for each proxy's errors under load alone)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServerRoot, disposeAllApache, startApache } from '../test/support/apache.js';
import { freePort, waitForPort } from '../test/support/ports.js';
import { load } from '../src/config/index.js';
import { compile } from '../src/model/index.js';
import { startProxy } from '../src/runtime/index.js';

const WRK = '/usr/bin/wrk';

interface Options {
  durationS: number;
  connections: number;
  threads: number;
  retryS: number;
  only: string[];
  /** Also run each proxy once with no backend killed: the errors it gives under this load anyway. */
  baseline: boolean;
}

function options(argv: readonly string[]): Options {
  const o: Options = { durationS: 30, connections: 200, threads: 2, retryS: 5, only: ['apache', 'apx'], baseline: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    const num = (): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${argv[i]}: ${v} is not a positive integer`);
      i++;
      return n;
    };
    if (argv[i] === '--duration') o.durationS = num();
    else if (argv[i] === '--connections') o.connections = num();
    else if (argv[i] === '--threads') o.threads = num();
    else if (argv[i] === '--retry') o.retryS = num();
    else if (argv[i] === '--only' && v) (o.only = v.split(',')), i++;
    else if (argv[i] === '--baseline') o.baseline = true;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  return o;
}

/** A backend in its own process, so it can be killed; it prints `first <ms>` on its first request. */
const BACKEND = `
const http = require('node:http');
let first = true;
http.createServer((req, res) => {
  if (first) { first = false; process.stdout.write('first ' + Date.now() + '\\n'); }
  res.end(process.argv[2]);
}).listen(Number(process.argv[1]), '127.0.0.1', () => process.stdout.write('up\\n'));
`;

interface RunningBackend {
  readonly child: ChildProcess;
  /** Resolves with the time of the first request this process served. */
  readonly firstRequest: Promise<number>;
}

async function startBackend(port: number, name: string): Promise<RunningBackend> {
  const child = spawn(process.execPath, ['-e', BACKEND, String(port), name], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const firstRequest = new Promise<number>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /first (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  await waitForPort(port, 5000);
  return { child, firstRequest };
}

interface WrkResult {
  requests: number;
  non2xx: number;
  socketErrors: number;
  detail: string;
}

function parseWrk(out: string): WrkResult {
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = se ? se.slice(1, 5).reduce((s, n) => s + Number(n), 0) : 0;
  return { requests, non2xx, socketErrors, detail: se ? se[0] : 'no socket errors' };
}

function wrk(url: string, o: Options): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, [`-t${o.threads}`, `-c${o.connections}`, `-d${o.durationS}s`, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(parseWrk(out)) : reject(new Error(`wrk exited ${code}: ${out}`))));
  });
}

const config = (retry: number): string => `
<Proxy balancer://c>
    BalancerMember http://127.0.0.1:{{P1}} retry=${retry}
    BalancerMember http://127.0.0.1:{{P2}} retry=${retry}
</Proxy>
ProxyPass / balancer://c/
`;

interface Row {
  name: string;
  wrk: WrkResult;
  recoveryMs: number | null;
  /** Error-log lines by AH code: what the proxy saw go wrong. */
  log: string;
}

function logCodes(text: string): string {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/\b(AH\d{5})\b/g)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${k}×${v}`).join(' ') || 'none';
}

async function runOne(name: string, o: Options, kill: boolean): Promise<Row> {
  const [p1, p2] = [await freePort(), await freePort()];
  const root = await createServerRoot({ modules: ['proxy_http', 'proxy_balancer', 'lbmethod_byrequests'], config: config(o.retryS), vars: { P1: p1, P2: p2 } });
  const b1 = await startBackend(p1, 'one');
  let b2 = await startBackend(p2, 'two');
  let url: string;
  let stop: () => Promise<void>;
  let errors = () => '';
  if (name === 'apache') {
    const httpd = await startApache(root);
    url = `${httpd.url}/`;
    stop = () => httpd.stop();
    errors = () => httpd.errorLog();
  } else {
    const { model, diagnostics } = compile(load({ file: root.confFile }, { serverRoot: root.dir }));
    if (!model) throw new Error(diagnostics.map((d) => d.message).join('; '));
    const log = new PassThrough();
    let text = '';
    log.on('data', (c: Buffer) => (text += c.toString()));
    errors = () => text;
    const proxy = await startProxy(model, { listen: [{ port: root.port, host: '127.0.0.1', listenPort: 0 }], accessLog: null, errorLog: log });
    url = `${proxy.addresses[0]!.url}/`;
    stop = () => proxy.close();
  }
  const load_ = wrk(url, o);
  const third = (o.durationS * 1000) / 3;
  let restartedAt: number | null = null;
  if (kill) {
    await sleep(third);
    b2.child.kill('SIGKILL');
    await sleep(third);
    restartedAt = Date.now();
    b2 = await startBackend(p2, 'two');
  }
  const result = await load_;
  const first = restartedAt === null ? null : await Promise.race([b2.firstRequest, sleep(100, null)]);
  b1.child.kill('SIGKILL');
  b2.child.kill('SIGKILL');
  await stop();
  const log = logCodes(errors());
  await root.dispose();
  return { name: kill ? name : `${name} (nothing killed)`, wrk: result, recoveryMs: first === null || restartedAt === null ? null : first - restartedAt, log };
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  process.stdout.write(
    `bench:failover: 2-member balancer, retry=${o.retryS}; wrk -t${o.threads} -c${o.connections} -d${o.durationS}s; one backend killed at ${Math.round(o.durationS / 3)}s, back at ${Math.round((2 * o.durationS) / 3)}s\n`,
  );
  const rows: Row[] = [];
  for (const name of o.only) {
    if (o.baseline) rows.push(await runOne(name, o, false));
    rows.push(await runOne(name, o, true));
  }
  await disposeAllApache();
  process.stdout.write(`\n${'proxy'.padEnd(24)} ${'requests'.padStart(9)} ${'non-2xx'.padStart(8)} ${'socket err'.padStart(10)}  recovery after restart   (${'wrk socket errors'})\n`);
  for (const r of rows) {
    const rec = r.recoveryMs === null ? (r.name.includes('nothing killed') ? '-' : 'never') : `${(r.recoveryMs / 1000).toFixed(1)} s`;
    process.stdout.write(`${r.name.padEnd(24)} ${String(r.wrk.requests).padStart(9)} ${String(r.wrk.non2xx).padStart(8)} ${String(r.wrk.socketErrors).padStart(10)}  ${rec.padEnd(23)}  (${r.wrk.detail}; error log: ${r.log})\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
