/**
 * `npm run bench:lint`: `apx lint` beside `apache2 -t` on the same generated reverse-proxy config (bench/lib/generate.ts:
 * 20,000 name-based vhosts, each with two ProxyPass/ProxyPassReverse pairs, a <Location> and a two-member balancer).
 * Each run is a fresh process measured from outside (wall time; peak RSS from `/usr/bin/time -v`, else /proc VmHWM);
 * the table shows the median of several rounds, each round running every tool once so they share the machine's
 * load. apx is measured twice: the real CLI end to end (`apx lint --format json`, Node start-up included), and
 * the split of a separate process into start-up / load / lint / format (bench/lint-run.ts).
 *
 * Target (issue 3): apx lint on the 20,000-vhost tree under 1.5 s end to end on this machine.
 *
 *   npm run bench:lint -- [--vhosts 20000] [--runs 5] [--check] [--keep]
 * --check exits 1 when the target is missed; a run that did not lint the file cleanly (errors) always exits 1.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConfig } from './lib/generate.js';
import { measure, median } from './lib/measure.js';
import type { LintRun } from './lint-run.js';

interface Options {
  vhosts: number;
  runs: number;
  check: boolean;
  keep: boolean;
}

function options(argv: readonly string[]): Options {
  const o: Options = { vhosts: 20_000, runs: 5, check: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${a} needs a positive integer`);
      return v;
    };
    if (a === '--vhosts') o.vhosts = num();
    else if (a === '--runs') o.runs = num();
    else if (a === '--check') o.check = true;
    else if (a === '--keep') o.keep = true;
    else throw new Error(`unknown option ${a} (see the comment at the top of bench/lint.ts)`);
  }
  return o;
}

const TARGET_MS = 1500;
/** What the generated config needs (bench/lib/generate.ts), as a2enmod names; Apache gets the same set. */
const MODULES = ['proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests', 'authz_core', 'mpm_event'];
const APX_BIN = fileURLToPath(new URL('../../bin/apx.js', import.meta.url));
const LINT_RUN = fileURLToPath(new URL('./lint-run.js', import.meta.url));
const APACHE = ['/usr/sbin/apache2', '/usr/sbin/httpd'].find((p) => existsSync(p)) ?? null;
const MODULE_DIR = '/usr/lib/apache2/modules';

/** A private ServerRoot whose apache2.conf loads MODULES and includes the generated file. */
function apacheRoot(dir: string, site: string): string {
  const load = MODULES.map((m) => `LoadModule ${m}_module ${MODULE_DIR}/mod_${m}.so`).join('\n');
  const conf = join(dir, 'apache2.conf');
  writeFileSync(
    conf,
    `ServerRoot ${dir}\n${load}\nPidFile ${join(dir, 'httpd.pid')}\nErrorLog ${join(dir, 'error.log')}\nMutex file:${dir} default\n` +
      `DefaultRuntimeDir ${dir}\nServerName localhost\nListen 127.0.0.1:80\nInclude ${site}\n`,
  );
  return conf;
}

interface Row {
  readonly tool: string;
  readonly ms: number | null;
  /** CPU time, user + system (measured inside the process; only for the split). */
  readonly cpuMs?: number | null;
  readonly rssMb: number | null;
  readonly note: string;
}

const fmt = (n: number | null, digits = 0): string => (n === null || Number.isNaN(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'apx-bench-lint-'));
  const problems: string[] = [];
  try {
    const { text } = generateConfig(o.vhosts);
    // Apart from the ServerRoot written below, so `apx lint` reads the file alone, as a site file.
    mkdirSync(join(dir, 'site'));
    mkdirSync(join(dir, 'apache'));
    const site = join(dir, 'site', 'sites.conf');
    writeFileSync(site, text);

    // One round runs each tool once — apx's CLI, the in-process split, apache2 -t — so the three see the same
    // machine load (other processes come and go on a shared machine); the table shows medians over the rounds.
    const wall: number[] = [];
    const rss: number[] = [];
    const split: LintRun[] = [];
    const apacheMs: number[] = [];
    const apacheMb: number[] = [];
    let apacheNote = APACHE === null || !existsSync(join(MODULE_DIR, 'mod_proxy.so')) ? 'apache2 or its modules not installed' : '';
    const conf = apacheNote === '' ? apacheRoot(join(dir, 'apache'), site) : null;
    for (let r = 0; r < o.runs; r++) {
      const cli = await measure(process.execPath, [APX_BIN, 'lint', '--format', 'json', '--no-tree', '--modules', MODULES.join(','), site], { timeoutMs: 120_000 });
      if (cli.exitCode !== 0) problems.push(`apx lint exit ${cli.exitCode}: ${(cli.stdout + cli.stderr).slice(0, 500)}`);
      wall.push(cli.wallMs);
      if (cli.peakRssMb !== null) rss.push(cli.peakRssMb);

      const m = await measure(process.execPath, [LINT_RUN, site, MODULES.join(',')], { timeoutMs: 120_000 });
      if (m.ok) split.push(JSON.parse(m.stdout.trim().split('\n').pop()!) as LintRun);
      else problems.push(`lint-run: exit ${m.exitCode}: ${m.stderr.slice(0, 500)}`);

      if (conf !== null && !apacheNote.startsWith('failed')) {
        const a = await measure(APACHE!, ['-t', '-d', join(dir, 'apache'), '-f', conf], { timeoutMs: 300_000 });
        if (!a.ok) apacheNote = `failed: ${(a.stdout + a.stderr).trim().split('\n').slice(-2).join(' ')}`;
        else {
          apacheMs.push(a.wallMs);
          if (a.peakRssMb !== null) apacheMb.push(a.peakRssMb);
          apacheNote = `"${(a.stdout + a.stderr).trim().split('\n').pop()}"`;
        }
      }
    }
    const apx = median(wall);
    // On a shared machine single runs swing with the other jobs' load: the spread goes beside the median.
    const spread = (xs: readonly number[]): string => (xs.length > 1 ? `; runs ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))} ms` : '');
    const rows: Row[] = [{ tool: 'apx lint (CLI, end to end)', ms: apx, rssMb: rss.length ? median(rss) : null, note: `node bin/apx.js lint --format json${spread(wall)}` }];
    if (split.length > 0) {
      const s = split[split.length - 1]!;
      if (s.errors > 0) problems.push(`apx found ${s.errors} errors in the generated config (first: ${s.firstProblem})`);
      const part = (ms: number): string => (Number.isFinite(apx) && apx > 0 ? `${Math.round((100 * ms) / apx)}% of end to end` : '');
      const start = median(split.map((x) => x.startMs));
      const load = median(split.map((x) => x.loadMs));
      const lint = median(split.map((x) => x.lintMs));
      const format = median(split.map((x) => x.formatMs));
      const cpu = (k: keyof LintRun['cpu']): number => median(split.map((x) => x.cpu[k]));
      rows.push({ tool: '  start-up (node + modules)', ms: start, cpuMs: cpu('start'), rssMb: null, note: part(start) });
      rows.push({ tool: '  load (read + parse + resolve)', ms: load, cpuMs: cpu('load'), rssMb: null, note: part(load) });
      rows.push({ tool: '  lint (all rules)', ms: lint, cpuMs: cpu('lint'), rssMb: null, note: `${part(lint)}; ${s.errors} errors, ${s.warnings} warnings` });
      rows.push({ tool: '  format (json)', ms: format, cpuMs: cpu('format'), rssMb: null, note: part(format) });
    }
    rows.push({ tool: 'apache2 -t (configtest)', ms: apacheMs.length ? median(apacheMs) : null, rssMb: apacheMb.length ? median(apacheMb) : null, note: `${apacheNote}${spread(apacheMs)}` });

    const bytes = Buffer.byteLength(text);
    process.stdout.write(`apx lint vs apache2 -t — ${fmt(o.vhosts)} vhosts, ${(bytes / 1_048_576).toFixed(1)} MB, median of ${o.runs} rounds (each round runs every tool once), load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs\n\n`);
    const w = Math.max(...rows.map((r) => r.tool.length));
    process.stdout.write(`${'tool'.padEnd(w)}  ${'time ms'.padStart(8)}  ${'cpu ms'.padStart(8)}  ${'peak MB'.padStart(8)}  notes\n`);
    for (const r of rows) {
      process.stdout.write(`${r.tool.padEnd(w)}  ${fmt(r.ms).padStart(8)}  ${(r.cpuMs === undefined ? '' : fmt(r.cpuMs)).padStart(8)}  ${fmt(r.rssMb).padStart(8)}  ${r.note}\n`);
    }
    const target = Number.isFinite(apx) && apx < TARGET_MS;
    process.stdout.write(`\ntarget: apx lint end to end under ${fmt(TARGET_MS)} ms — ${target ? 'met' : 'MISSED'}\n`);
    if (problems.length > 0) process.stdout.write(`\nproblems:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    if (problems.length > 0 || (o.check && !target)) process.exitCode = 1;
    if (o.keep) process.stdout.write(`\nkept: ${dir}\n`);
  } finally {
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
