/**
 * `node bin/apx.js …` as a child process, for the system tests that need a real process (signals, cluster workers):
 * the build check that skips them when dist/ is missing or stale, and a child whose output is collected.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Why the compiled CLI cannot be trusted for these sources (`src/x.ts` → `dist/src/x.js`), or `` when it can. */
export function buildProblem(sources: readonly string[]): string {
  for (const src of sources) {
    const out = join(repo, 'dist', src.replace(/\.ts$/, '.js'));
    if (!existsSync(out)) return 'dist/ is not built (run npm run build)';
    if (statSync(join(repo, src)).mtimeMs > statSync(out).mtimeMs) return `dist/ is older than ${src} (run npm run build)`;
  }
  return '';
}

export interface Child {
  proc: ChildProcessWithoutNullStreams;
  out: string;
  err: string;
  exited: Promise<number | null>;
}

/** `node bin/apx.js …args`; `env` adds to (or, with undefined, removes from) this process's environment. */
export function apx(args: string[], env: Record<string, string | undefined> = {}): Child {
  const proc = spawn(process.execPath, [join(repo, 'bin/apx.js'), ...args], { stdio: 'pipe', env: { ...process.env, ...env } });
  const c: Child = { proc, out: '', err: '', exited: new Promise((r) => proc.on('exit', (code) => r(code))) };
  proc.stdout.on('data', (d: Buffer) => (c.out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (c.err += d.toString()));
  return c;
}
