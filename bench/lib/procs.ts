/**
 * Servers under measurement as process trees: start one (detached, so its whole group can be stopped), wait for
 * its port, and read its memory and CPU time from /proc summed over the tree (Apache's and nginx's children,
 * apx's cluster workers). Used by bench/serve.ts for every scenario.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { waitForPort } from '../../test/support/ports.js';

/** A process and every descendant. */
export function processTree(root: number): number[] {
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

export function rssMb(pids: readonly number[]): number {
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
export function maxProcessMb(pids: readonly number[]): number {
  return Math.max(0, ...pids.map((p) => rssMb([p])));
}

const CLK_TCK = 100;

/**
 * CPU time (user + system, all threads) the processes have used so far, in µs. Per request it is the number a busy
 * shared machine disturbs least: req/s depends on how much of the cores the others leave, CPU per request hardly.
 */
export function cpuUs(pids: readonly number[]): number {
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

/** Sample the summed RSS of a process tree (and its largest process) until stopped; resolves with the peaks, MB. */
export function samplePeak(root: number): { stop(): { total: number; process: number } } {
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

/** Start a server in its own process group; its output goes to `logFile` when it exits. */
export function spawnServer(cmd: string, args: readonly string[], logFile: string): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  child.on('exit', () => writeFileSync(logFile, out));
  return child;
}

/** SIGTERM the child's process group, SIGKILL it after 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
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

export async function waitUp(child: ChildProcess, port: number, what: string): Promise<void> {
  const died = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before listening`))));
  await Promise.race([waitForPort(port, 15_000), died]);
}
