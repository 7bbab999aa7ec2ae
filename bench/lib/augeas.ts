/**
 * Augeas' httpd lens (Debian's augeas-tools, /usr/share/augeas/lenses/dist/httpd.aug) on one file, the way a
 * tool built on Augeas reads a config: `augtool -L -A` (load nothing, autoload no module), then a transform for
 * just this file, `load`, and checks that it really parsed — no node under /augeas//error, and exactly `vhosts`
 * top-level VirtualHost nodes (the N-th exists, the N+1-th does not; matching all N is itself slow in Augeas
 * and would not be parse time). `--timing` gives the time of the `load` command alone.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { measure, type Measured } from './measure.js';

export function augtoolPath(): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter).concat(['/usr/bin', '/usr/local/bin'])) {
    if (dir && existsSync(join(dir, 'augtool'))) return join(dir, 'augtool');
  }
  return null;
}

export interface AugeasRun {
  readonly measured: Measured;
  /** The `load` command's time from `--timing`, ms; null when the run did not get that far. */
  readonly loadMs: number | null;
  /** Why the run does not count as a parse of the whole file, or null. */
  readonly problem: string | null;
}

export async function runAugeas(augtool: string, file: string, vhosts: number, commandsFile: string, timeoutMs: number): Promise<AugeasRun> {
  const tree = `/files${file}`;
  writeFileSync(
    commandsFile,
    [
      'set /augeas/load/Httpd/lens Httpd.lns',
      `set /augeas/load/Httpd/incl ${file}`,
      'load',
      'match /augeas//error',
      `match ${tree}/VirtualHost[${vhosts}]`,
      `match ${tree}/VirtualHost[${vhosts + 1}]`,
      '',
    ].join('\n'),
  );
  const measured = await measure(augtool, ['-L', '-A', '-r', '/', '--timing', '-f', commandsFile], { timeoutMs });
  if (measured.timedOut) return { measured, loadMs: null, problem: `timed out after ${timeoutMs / 1000} s` };
  if (!measured.ok) return { measured, loadMs: null, problem: `augtool exited ${measured.exitCode}: ${measured.stderr.trim().slice(0, 300)}` };

  // Output: "Initializing augeas ... done", then a "Time: N ms" line for the initialisation and one after each
  // command's own output. The last COMMANDS timed blocks are ours, in order.
  const COMMANDS = 6;
  const blocks: { lines: string[]; ms: number }[] = [];
  let pending: string[] = [];
  for (const line of measured.stdout.split('\n')) {
    const t = /^Time: (\d+) ms$/.exec(line);
    if (t) {
      blocks.push({ lines: pending, ms: Number(t[1]) });
      pending = [];
    } else if (line.trim() !== '') {
      pending.push(line.trim());
    }
  }
  const ours = blocks.slice(-COMMANDS);
  const timeOf = (i: number): number | null => (ours.length === COMMANDS ? ours[i]!.ms : null);
  const out = (i: number): string => (ours[i]?.lines ?? []).join('\n');
  const loadMs = timeOf(2);
  let problem: string | null = null;
  if (loadMs === null) problem = `unexpected augtool output: ${measured.stdout.slice(0, 300)}`;
  else if (out(3) !== '(no matches)') problem = `Augeas reported parse errors: ${out(3).slice(0, 300)}`;
  else if (out(4) === '' || out(4) === '(no matches)') problem = `no VirtualHost[${vhosts}] in the tree: ${out(4).slice(0, 200)}`;
  else if (out(5) !== '(no matches)') problem = `more than ${vhosts} VirtualHost nodes: ${out(5).slice(0, 200)}`;
  return { measured, loadMs, problem };
}
