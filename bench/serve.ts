/**
 * `npm run bench:serve`: apx serve beside Apache httpd 2.4 (Debian's mpm_event defaults) and nginx as proxies
 * in front of the same fast backends, and the backend alone for scale — all on the tutorial's balancer config
 * (samples/000-default.balancer.conf: two members, byrequests), measured with wrk in one run, targets
 * alternating round by round so no one gets a quieter machine. Prints requests/s, p50/p99 latency, errors
 * and the peak memory of each server (summed over its processes), with ratios to Apache.
 *
 * The backends are one nginx (one worker) answering "Hello world!" and "Howdy world!" on two ports: a backend
 * far faster than any of the proxies, so the proxy is what is measured. Every proxy writes an access log to a
 * file, as a packaged server does.
 *
 * Target (issue 5): apx ≥ 1.5× Apache's requests/s with p99 ≤ Apache's, zero errors, under 150 MB at 1,000
 * concurrent keep-alive connections.
 *
 *   npm run bench:serve -- [--connections 1000[,100…]] [--duration 10] [--warmup 3] [--rounds 2] [--threads 2]
 *                          [--apx-args "--workers 2"] [--only apx,apache] [--check]
 * --check exits 1 when a target is missed (by default the bench only reports).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServerRoot, startApache, disposeAllApache, type RunningApache } from '../test/support/apache.js';
import { freePort, waitForPort, portAccepts } from '../test/support/ports.js';

const HOST = '127.0.0.1';
const NGINX = '/usr/sbin/nginx';
const WRK = '/usr/bin/wrk';
const SAMPLE = fileURLToPath(new URL('../../samples/000-default.balancer.conf', import.meta.url));
const APX_BIN = fileURLToPath(new URL('../../bin/apx.js', import.meta.url));

type TargetName = 'backend' | 'apache' | 'nginx' | 'apx';
const ALL_TARGETS: readonly TargetName[] = ['backend', 'apache', 'nginx', 'apx'];

interface Options {
  connections: number[];
  durationS: number;
  warmupS: number;
  rounds: number;
  threads: number;
  apxArgs: string[];
  only: TargetName[];
  check: boolean;
}

function options(argv: readonly string[]): Options {
  const o: Options = { connections: [1000], durationS: 10, warmupS: 3, rounds: 2, threads: 2, apxArgs: [], only: [...ALL_TARGETS], check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = (v: string): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${a}: ${v} is not a positive integer`);
      return n;
    };
    if (a === '--connections') o.connections = next().split(',').map(num);
    else if (a === '--duration') o.durationS = num(next());
    else if (a === '--warmup') o.warmupS = Number(next());
    else if (a === '--rounds') o.rounds = num(next());
    else if (a === '--threads') o.threads = num(next());
    else if (a === '--apx-args') o.apxArgs = next().split(/\s+/).filter(Boolean);
    else if (a === '--only') {
      const names = next().split(',');
      for (const n of names) if (!ALL_TARGETS.includes(n as TargetName)) throw new Error(`--only: unknown target ${n} (${ALL_TARGETS.join(', ')})`);
      o.only = names as TargetName[];
    } else if (a === '--check') o.check = true;
    else throw new Error(`unknown option ${a} (see the comment at the top of bench/serve.ts)`);
  }
  return o;
}

// ───────────────────────────────────────────── processes ─────────────────────────────────────────────

/** Our server process and every descendant (Apache's and nginx's children, apx's cluster workers). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(d));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

function rssMb(pids: readonly number[]): number {
  let kb = 0;
  for (const p of pids) {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // exited
    }
  }
  return kb / 1024;
}

/** The largest single process's RSS in a tree, MB (issue 5's budget is per process for a cluster). */
function maxProcessMb(pids: readonly number[]): number {
  return Math.max(0, ...pids.map((p) => rssMb([p])));
}

/**
 * CPU time (user + system, all threads) the processes have used so far, in µs. Per request it is the number a busy
 * shared machine disturbs least: req/s depends on how much of the cores the others leave, CPU per request hardly.
 */
function cpuUs(pids: readonly number[]): number {
  let ticks = 0;
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime + stime, plus cutime + cstime: a child that exited (Apache retires idle children) and was reaped
      // moves its CPU time into its parent's, so the tree's sum never goes backwards.
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // exited
    }
  }
  return (ticks * 1e6) / CLK_TCK;
}
const CLK_TCK = 100;

/** Sample the summed RSS of a process tree (and its largest process) until stopped; resolves with the peaks, MB. */
function samplePeak(root: number): { stop(): { total: number; process: number } } {
  let peak = 0;
  let peakProcess = 0;
  const sample = (): void => {
    const pids = processTree(root);
    peak = Math.max(peak, rssMb(pids));
    peakProcess = Math.max(peakProcess, maxProcessMb(pids));
  };
  sample();
  const timer = setInterval(sample, 200);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { total: peak, process: peakProcess };
    },
  };
}

interface Server {
  readonly name: TargetName;
  readonly label: string;
  readonly url: string;
  /** The process whose tree is measured. */
  readonly pid: number;
  stop(): Promise<void>;
}

function spawnServer(cmd: string, args: readonly string[], logFile: string): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  child.on('exit', () => writeFileSync(logFile, out));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

async function waitUp(child: ChildProcess, port: number, what: string): Promise<void> {
  const died = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before listening`))));
  await Promise.race([waitForPort(port, 15_000), died]);
}

// ───────────────────────────────────────────── the servers ─────────────────────────────────────────────

async function startBackends(dir: string): Promise<{ ports: [number, number]; stop(): Promise<void> }> {
  const [a, b] = [await freePort(), await freePort()];
  const conf = join(dir, 'backend-nginx.conf');
  // backlog=4096: a proxy opening hundreds of backend connections at once must not meet a full accept queue (SYNs
  // dropped and retried after 1 s, 3 s) — that measures the backend's listen queue, not the proxy.
  writeFileSync(
    conf,
    `worker_processes 1;
pid ${dir}/backend-nginx.pid;
error_log ${dir}/backend-nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  server { listen ${HOST}:${a} backlog=4096; location / { default_type "text/html; charset=utf-8"; return 200 "Hello world!"; } }
  server { listen ${HOST}:${b} backlog=4096; location / { default_type "text/html; charset=utf-8"; return 200 "Howdy world!"; } }
}
`,
  );
  const child = spawnServer(NGINX, ['-p', dir, '-e', `${dir}/backend-nginx-error.log`, '-c', conf, '-g', 'daemon off;'], join(dir, 'backend-nginx.out'));
  await waitUp(child, a, 'backend nginx');
  await waitForPort(b, 5_000);
  return { ports: [a, b], stop: () => stopChild(child) };
}

/** The tutorial's sample with its members on our backends and its vhost on `vhostPort`. */
function sampleFor(ports: readonly [number, number], vhostPort: string): string {
  return readFileSync(SAMPLE, 'utf8')
    .replace('127.0.0.1:8080', `127.0.0.1:${ports[0]}`)
    .replace('127.0.0.1:8081', `127.0.0.1:${ports[1]}`)
    .replace('<VirtualHost *:80>', `<VirtualHost *:${vhostPort}>`);
}

async function startApacheProxy(ports: readonly [number, number]): Promise<Server> {
  // Debian's profile: apache2.conf settings, mpm_event.conf (StartServers 2, ThreadsPerChild 25,
  // MaxRequestWorkers 150), KeepAlive On with MaxKeepAliveRequests 100, and a combined access log.
  const root = await createServerRoot({
    profile: 'debian',
    modules: ['proxy_http', 'proxy_balancer', 'lbmethod_byrequests'],
    config: sampleFor(ports, '{{PORT}}'),
  });
  const httpd: RunningApache = await startApache(root);
  return { name: 'apache', label: 'Apache 2.4 mpm_event', url: `${httpd.url}/`, pid: httpd.pid, stop: () => httpd.stop() };
}

async function startNginxProxy(dir: string, ports: readonly [number, number]): Promise<Server> {
  const port = await freePort();
  const conf = join(dir, 'proxy-nginx.conf');
  // What an nginx admin writes for the same balancer: round robin, upstream keep-alive, access log on.
  writeFileSync(
    conf,
    `worker_processes auto;
pid ${dir}/proxy-nginx.pid;
error_log ${dir}/proxy-nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log ${dir}/proxy-nginx-access.log combined;
  upstream mycluster { server ${HOST}:${ports[0]}; server ${HOST}:${ports[1]}; keepalive 64; }
  server {
    listen ${HOST}:${port};
    location / {
      proxy_pass http://mycluster;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`,
  );
  const child = spawnServer(NGINX, ['-p', dir, '-e', `${dir}/proxy-nginx-error.log`, '-c', conf, '-g', 'daemon off;'], join(dir, 'proxy-nginx.out'));
  await waitUp(child, port, 'nginx proxy');
  return { name: 'nginx', label: 'nginx (reference)', url: `http://${HOST}:${port}/`, pid: child.pid!, stop: () => stopChild(child) };
}

async function startApx(dir: string, ports: readonly [number, number], extra: readonly string[]): Promise<Server> {
  const port = await freePort();
  const file = join(dir, '000-default.balancer.conf');
  writeFileSync(file, sampleFor(ports, '80'));
  const args = [APX_BIN, 'serve', file, '--listen', `${HOST}:${port}`, '--access-log', join(dir, 'apx-access.log'), ...extra];
  const outFile = join(dir, 'apx.out');
  const child = spawnServer(process.execPath, args, outFile);
  try {
    await waitUp(child, port, 'apx serve');
  } catch (err) {
    await stopChild(child);
    await sleep(100);
    let out = '';
    try {
      out = readFileSync(outFile, 'utf8').trim().split('\n').slice(-3).join(' / ');
    } catch {
      /* none */
    }
    throw new Error(`${err instanceof Error ? err.message : String(err)}${out ? `: ${out}` : ''}`);
  }
  return { name: 'apx', label: `apx serve${extra.length ? ` ${extra.join(' ')}` : ''}`, url: `http://${HOST}:${port}/`, pid: child.pid!, stop: () => stopChild(child) };
}

// ───────────────────────────────────────────── wrk ─────────────────────────────────────────────

interface WrkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  socketErrors: number;
  /** wrk's socket errors by kind: connect, read (reset or closed mid-response), write, timeout. */
  errorKinds: [number, number, number, number];
}

function toMs(v: string, unit: string): number {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

export function parseWrk(out: string): WrkResult {
  const lat = (pct: string): number => {
    const m = new RegExp(`^\\s+${pct}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  const rps = Number(/^Requests\/sec:\s+([\d.]+)/m.exec(out)?.[1] ?? NaN);
  const requests = Number(/^\s+(\d+) requests in/m.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/^\s+Non-2xx or 3xx responses:\s+(\d+)/m.exec(out)?.[1] ?? 0);
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errorKinds = (se ? se.slice(1, 5).map(Number) : [0, 0, 0, 0]) as [number, number, number, number];
  const socketErrors = errorKinds.reduce((s, x) => s + x, 0);
  return { rps, p50Ms: lat('50'), p99Ms: lat('99'), requests, non2xx, socketErrors, errorKinds };
}

function wrk(url: string, connections: number, threads: number, seconds: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency', '--timeout', '5s', url];
    const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(parseWrk(out)) : reject(new Error(`wrk exited ${code}: ${out}`))));
  });
}

/** A few plain requests first: the proxy must really answer the tutorial's two texts, alternating. */
async function sanity(url: string): Promise<string> {
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await fetch(url);
    seen.push((await r.text()).trim());
    if (r.status !== 200) return `answered ${r.status}`;
  }
  if (!seen.every((t) => t === 'Hello world!' || t === 'Howdy world!')) return `unexpected answers ${JSON.stringify(seen)}`;
  return '';
}

// ───────────────────────────────────────────── report ─────────────────────────────────────────────

interface Measurement extends WrkResult {
  peakMb: number;
  /** The largest single process's peak RSS. */
  peakProcessMb: number;
  /** CPU µs the server's processes spent per request answered (NaN for the backend row). */
  cpuUsPerRequest: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summarize(ms: readonly Measurement[]): Measurement {
  return {
    rps: median(ms.map((m) => m.rps)),
    p50Ms: median(ms.map((m) => m.p50Ms)),
    p99Ms: median(ms.map((m) => m.p99Ms)),
    requests: ms.reduce((s, m) => s + m.requests, 0),
    non2xx: ms.reduce((s, m) => s + m.non2xx, 0),
    socketErrors: ms.reduce((s, m) => s + m.socketErrors, 0),
    errorKinds: [0, 1, 2, 3].map((i) => ms.reduce((s, m) => s + m.errorKinds[i]!, 0)) as [number, number, number, number],
    peakMb: Math.max(...ms.map((m) => m.peakMb)),
    peakProcessMb: Math.max(...ms.map((m) => m.peakProcessMb)),
    cpuUsPerRequest: median(ms.map((m) => m.cpuUsPerRequest)),
  };
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function table(connections: number, rows: { label: string; m: Measurement | string }[], apache: Measurement | undefined): string {
  const head = ['server', 'req/s', '× Apache', 'p50 ms', 'p99 ms', 'p99 ÷ Apache', 'errors', 'peak MB', 'max/proc', 'CPU µs/req'];
  const widths = [26, 10, 9, 8, 9, 13, 8, 8, 8, 10];
  const line = (cells: string[]): string => cells.map((c, i) => pad(c, widths[i]!, i > 0)).join('  ');
  const out = [`${connections} connections:`, line(head), line(widths.map((w) => '-'.repeat(w)))];
  for (const r of rows) {
    if (typeof r.m === 'string') {
      out.push(`${pad(r.label, widths[0]!)}  ${r.m}`);
      continue;
    }
    const m = r.m;
    out.push(
      line([
        r.label,
        m.rps.toFixed(0),
        apache ? (m.rps / apache.rps).toFixed(2) : '-',
        m.p50Ms.toFixed(2),
        m.p99Ms.toFixed(2),
        apache ? (m.p99Ms / apache.p99Ms).toFixed(2) : '-',
        String(m.non2xx + m.socketErrors),
        m.peakMb.toFixed(0),
        m.peakProcessMb.toFixed(0),
        Number.isNaN(m.cpuUsPerRequest) ? '-' : m.cpuUsPerRequest.toFixed(0),
      ]),
    );
  }
  for (const r of rows) {
    if (typeof r.m === 'string' || r.m.non2xx + r.m.socketErrors === 0) continue;
    const [c, rd, w, t] = r.m.errorKinds;
    out.push(`  ${r.label} errors of ${r.m.requests} requests: ${r.m.non2xx} non-2xx/3xx, socket connect ${c}, read ${rd}, write ${w}, timeout ${t}`);
  }
  return out.join('\n');
}

// ───────────────────────────────────────────── main ─────────────────────────────────────────────

async function main(): Promise<number> {
  const o = options(process.argv.slice(2));
  const loadStart = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'apx-bench-serve-'));
  const servers: Server[] = [];
  const failed = new Map<TargetName, string>();
  let backends: Awaited<ReturnType<typeof startBackends>> | undefined;
  try {
    backends = await startBackends(dir);
    const ports = backends.ports;
    const starters: Record<TargetName, () => Promise<Server>> = {
      backend: async () => ({ name: 'backend', label: 'backend alone (nginx)', url: `http://${HOST}:${ports[0]}/`, pid: 0, stop: async () => {} }),
      apache: () => startApacheProxy(ports),
      nginx: () => startNginxProxy(dir, ports),
      apx: () => startApx(dir, ports, o.apxArgs),
    };
    for (const name of o.only) {
      try {
        const s = await starters[name]();
        const problem = await sanity(s.url);
        if (problem) {
          await s.stop();
          failed.set(name, `not measured: ${problem}`);
        } else servers.push(s);
      } catch (err) {
        failed.set(name, `did not start: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const results = new Map<string, Measurement[]>();
    process.stderr.write(
      `bench:serve: ${servers.map((s) => s.name).join(', ')}; wrk -t${o.threads}, ${o.durationS}s runs after ${o.warmupS}s warm-up, ` +
        `${o.rounds} round(s), ${o.connections.join('/')} connections; backend nginx on ${ports.join(', ')}\n`,
    );
    for (let round = 1; round <= o.rounds; round++) {
      for (const c of o.connections) {
        // Alternate the order each round so no server always runs right after another's heavy load.
        const order = round % 2 ? servers : [...servers].reverse();
        for (const s of order) {
          if (!(await portAccepts(Number(new URL(s.url).port)))) {
            failed.set(s.name, 'stopped answering during the benchmark');
            continue;
          }
          if (o.warmupS > 0) await wrk(s.url, c, o.threads, o.warmupS);
          const sampler = s.pid ? samplePeak(s.pid) : null;
          const cpuBefore = s.pid ? cpuUs(processTree(s.pid)) : NaN;
          const r = await wrk(s.url, c, o.threads, o.durationS);
          const cpuUsPerRequest = s.pid ? (cpuUs(processTree(s.pid)) - cpuBefore) / r.requests : NaN;
          const backendTree = processTree(backendPid(dir));
          const peak = sampler ? sampler.stop() : { total: rssMb(backendTree), process: maxProcessMb(backendTree) };
          const key = `${s.name}@${c}`;
          results.set(key, [...(results.get(key) ?? []), { ...r, peakMb: peak.total, peakProcessMb: peak.process, cpuUsPerRequest }]);
          process.stderr.write(`  round ${round} ${s.name} @${c}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(2)} ms, errors ${r.non2xx + r.socketErrors}\n`);
        }
      }
    }

    let missed = 0;
    for (const c of o.connections) {
      const get = (n: TargetName): Measurement | undefined => {
        const ms = results.get(`${n}@${c}`);
        return ms ? summarize(ms) : undefined;
      };
      const apache = get('apache');
      const rows = o.only.map((n) => {
        const label = servers.find((s) => s.name === n)?.label ?? n;
        return { label, m: get(n) ?? failed.get(n) ?? 'not measured' };
      });
      process.stdout.write(`\n${table(c, rows, apache)}\n`);
      const apx = get('apx');
      if (c >= 1000 && apx && apache) {
        const checks: [string, boolean][] = [
          [`requests/s ≥ 1.5× Apache (${(apx.rps / apache.rps).toFixed(2)}×)`, apx.rps >= 1.5 * apache.rps],
          [`p99 ≤ Apache's (${apx.p99Ms.toFixed(2)} vs ${apache.p99Ms.toFixed(2)} ms)`, apx.p99Ms <= apache.p99Ms],
          [`zero errors (${apx.non2xx + apx.socketErrors})`, apx.non2xx + apx.socketErrors === 0],
          [`under 150 MB per process (${apx.peakProcessMb.toFixed(0)} MB; ${apx.peakMb.toFixed(0)} MB in all)`, apx.peakProcessMb < 150],
        ];
        for (const [what, ok] of checks) {
          process.stdout.write(`  target ${ok ? 'met   ' : 'MISSED'}  ${what}\n`);
          if (!ok) missed++;
        }
      }
    }
    // Everything shares the machine's cores with wrk and the backend; a busy machine shows in these numbers.
    process.stdout.write(`\nload average at the start: ${loadStart.map((x) => x.toFixed(1)).join(', ')}; at the end: ${loadavg().map((x) => x.toFixed(1)).join(', ')} (1, 5, 15 min; ${availableParallelism()} cores)\n`);
    process.stdout.write(
      'req/s and latency: median over rounds; errors: non-2xx/3xx plus socket errors, all rounds; peak MB: highest RSS\n' +
        'summed over the server\'s processes (shared pages counted once per process, which flatters no one); max/proc: the\n' +
        'largest single process; CPU µs/req: user+system CPU of all the server\'s processes per request (median).\n',
    );
    return o.check && (missed > 0 || failed.has('apx')) ? 1 : 0;
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    await backends?.stop();
    await disposeAllApache();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The backend nginx's master, for the "backend alone" row's memory. */
function backendPid(dir: string): number {
  try {
    return Number(readFileSync(join(dir, 'backend-nginx.pid'), 'utf8').trim());
  } catch {
    return 0;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`bench:serve: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
