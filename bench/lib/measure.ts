/**
 * Run one command as a child process and measure it from outside: wall time, and peak resident memory from
 * GNU time's `-v` report ("Maximum resident set size") or, without /usr/bin/time, from the child's VmHWM in
 * /proc sampled until it exits. A time limit kills the child's whole process group (only ours: it is spawned
 * detached, so the group id is its pid).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface Measured {
  readonly ok: boolean;
  readonly timedOut: boolean;
  readonly exitCode: number | null;
  /** Wall time of the whole child process, milliseconds. */
  readonly wallMs: number;
  /** Peak RSS in MB, or null when it could not be read. */
  readonly peakRssMb: number | null;
  readonly stdout: string;
  /** The child's stderr, without GNU time's report. */
  readonly stderr: string;
}

const GNU_TIME = '/usr/bin/time';

export function haveGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

/** VmHWM ("high water mark" of RSS) of a live process in MB, or null once it is gone. */
function vmHwmMb(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export function measure(command: string, args: readonly string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<Measured> {
  const timed = haveGnuTime();
  const file = timed ? GNU_TIME : command;
  const argv = timed ? ['-v', command, ...args] : [...args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let sampled: number | null = null;
    const sampler = timed
      ? undefined
      : setInterval(() => {
          const v = child.pid === undefined ? null : vmHwmMb(child.pid);
          if (v !== null) sampled = Math.max(sampled ?? 0, v);
        }, 20);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }, opts.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      reject(e);
    });
    child.once('close', (exitCode) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      let peakRssMb: number | null = sampled;
      let ownStderr = stderr;
      if (timed) {
        const at = stderr.lastIndexOf('\tCommand being timed:');
        const report = at === -1 ? '' : stderr.slice(at);
        ownStderr = at === -1 ? stderr : stderr.slice(0, at);
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
        peakRssMb = m ? Number(m[1]) / 1024 : null;
        // GNU time reports a child that exited non-zero as "Command exited with non-zero status N".
        ownStderr = ownStderr.replace(/^Command (exited with non-zero status|terminated by signal) .*\n?/m, '');
      }
      resolve({ ok: exitCode === 0 && !timedOut, timedOut, exitCode, wallMs, peakRssMb, stdout, stderr: ownStderr });
    });
  });
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
