/**
 * V8 heap settings for the processes `apx serve --workers N` forks. Node's defaults size the heap for throughput:
 * a 16 MB semi-space and an old-space limit derived from the machine's memory, under which V8 lets the heap grow
 * to ~3× the live objects before a full collection. Measured with `npm run bench:serve` (2 workers, 1,000
 * keep-alive connections, docs/performance.md): ~195 MB RSS per worker with the defaults, ~100 MB with these flags
 * (issue 5's budget is 150 MB per process) — paid for with more frequent collections, ~30–50 % more CPU per
 * request. The 384 MB ceiling leaves room for several thousand connections per process; a worker past it dies
 * and the primary starts another. Setting either flag yourself (NODE_OPTIONS or node's command line) overrides it.
 */
type HeapFlag = readonly [flag: string, value: string];
const OLD_SPACE: HeapFlag = ['--max-old-space-size', '384'];

export const WORKER_HEAP_FLAGS: readonly HeapFlag[] = [['--max-semi-space-size', '2'], OLD_SPACE];

/**
 * A config that terminates TLS gets a 32 MB semi-space. Each TLS request leaves more short-lived buffers (records,
 * handshake state) than a plain one, and at high concurrency every in-flight request's objects are alive when a
 * scavenge runs: the fewer scavenges, the fewer survivors copied and promoted. Measured (docs/performance.md,
 * HTTPS, session 6): with 16 MB, 1,000 connections, scavenges took 27.6 µs and full collections 8.1 µs per request;
 * with 32 MB, 10.1 and 2.3; bench:serve the same run, 159 instead of 199 CPU µs per request (0.93× Apache instead
 * of 0.77×), 181 instead of 158 MB for the largest worker. (2 MB, issue 5's plain-HTTP setting, cost 240–271 µs.)
 */
export const TLS_WORKER_HEAP_FLAGS: readonly HeapFlag[] = [['--max-semi-space-size', '32'], OLD_SPACE];

/**
 * The execArgv for a worker: apx's heap flags first (TLS_WORKER_HEAP_FLAGS when the config serves TLS), then the
 * primary's own execArgv. A flag the user already gave (on the command line or in NODE_OPTIONS, in either `--a-b`
 * or `--a_b` spelling) is left alone, so their choice wins.
 */
export function workerExecArgv(execArgv: readonly string[], nodeOptions: string | undefined, servesTls = false): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].map((a) => a.split('=')[0]!.replace(/_/g, '-'));
  const flags = servesTls ? TLS_WORKER_HEAP_FLAGS : WORKER_HEAP_FLAGS;
  const extra = flags.filter(([flag]) => !given.includes(flag)).map(([flag, value]) => `${flag}=${value}`);
  return [...extra, ...execArgv];
}

/**
 * How often `apx serve --workers N` replaces a worker that died on its own before giving up. A worker that crashes
 * at once every time (a bug hit by every request, memory it cannot get) would otherwise be forked in a tight loop;
 * httpd's parent likewise stops when its children keep failing at start-up (AH00045 "child process … exit
 * signal …", then "Apache is exiting!"). More than `max` restarts within `windowMs` means give up.
 */
export const RESTART_LIMIT = { max: 5, windowMs: 10_000 } as const;

/** Counts worker restarts in a sliding window; `allow(now)` records one and says whether it may go ahead. */
export class RestartLimiter {
  private readonly times: number[] = [];

  constructor(
    readonly max: number = RESTART_LIMIT.max,
    readonly windowMs: number = RESTART_LIMIT.windowMs,
  ) {}

  allow(now: number): boolean {
    while (this.times.length && this.times[0]! <= now - this.windowMs) this.times.shift();
    if (this.times.length >= this.max) return false;
    this.times.push(now);
    return true;
  }
}
