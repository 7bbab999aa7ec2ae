/**
 * Where a `node --cpu-prof` profile's time goes: the share of garbage collection, idle and program time, and the
 * functions with the most self time (and, for a few packages, the total by file). Used for the profiles in
 * docs/performance.md (an apx worker under bench/serve.ts's https and ws scenarios).
 *
 *   node dist/bench/profile-top.js FILE.cpuprofile [--top 30]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by "function url:line", ms, largest first. */
  readonly functions: [string, number][];
  /** Self time by script (file or `node:` module), ms, largest first. */
  readonly files: [string, number][];
}

export function summarizeProfile(p: Profile): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let totalUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    totalUs += dt;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
  }
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const short = url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/');
    const name = `${functionName || '(anonymous)'}${short ? ` ${short}:${lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + us / 1000);
    const f = short ? short.replace(/^node_modules\/([^/]+)\/.*/, 'node_modules/$1') : functionName;
    file.set(f, (file.get(f) ?? 0) + us / 1000);
  }
  const sorted = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: totalUs / 1000, functions: sorted(fn), files: sorted(file) };
}

function main(): void {
  // `… | head` closes the pipe early: that is the reader being done, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
  const file = process.argv[2];
  const topAt = process.argv.indexOf('--top');
  const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 30;
  if (!file) throw new Error('usage: profile-top FILE.cpuprofile [--top 30]');
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const pct = (ms: number): string => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)} %`;
  const get = (name: string): number => s.functions.find(([n]) => n === name)?.[1] ?? 0;
  const idle = get('(idle)');
  process.stdout.write(`${file}: ${(s.totalMs / 1000).toFixed(1)} s sampled; idle ${pct(idle)}; garbage collector ${pct(get('(garbage collector)'))}; ` +
    `of the busy time, GC is ${((100 * get('(garbage collector)')) / (s.totalMs - idle)).toFixed(1)} %\n\nself time by function:\n`);
  for (const [n, ms] of s.functions.slice(0, top)) process.stdout.write(`${pct(ms)}  ${n}\n`);
  process.stdout.write('\nself time by file:\n');
  for (const [n, ms] of s.files.slice(0, top)) process.stdout.write(`${pct(ms)}  ${n}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
