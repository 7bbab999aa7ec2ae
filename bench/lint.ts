/**
 * `npm run bench:lint`: `apx lint` beside `apache2 -t` on the same generated reverse-proxy config (bench/lib/generate.ts:
 * 20,000 name-based vhosts, each with two ProxyPass/ProxyPassReverse pairs, a <Location> and a two-member balancer).
 * Each run is a fresh process measured from outside (wall time; peak RSS from `/usr/bin/time -v`, else /proc VmHWM);
 * the table shows the median of several runs. apx is measured twice: the real CLI end to end
 * (`apx lint --format json`, Node start-up included), and the in-process split of load / lint / format.
 *
 * Target (issue 3): apx lint on the 20,000-vhost tree under 1.5 s end to end on this machine.
 *
 *   npm run bench:lint -- [--vhosts 20000] [--runs 5] [--check] [--keep]
 * --check exits 1 when the target is missed; a run that did not lint the file cleanly (errors) always exits 1.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    const rows: Row[] = [];

    // apx, end to end through the CLI.
    const wall: number[] = [];
    const rss: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const m = await measure(process.execPath, [APX_BIN, 'lint', '--format', 'json', '--no-tree', '--modules', MODULES.join(','), site], { timeoutMs: 120_000 });
      if (m.exitCode !== 0) problems.push(`apx lint exit ${m.exitCode}: ${(m.stdout + m.stderr).slice(0, 500)}`);
      wall.push(m.wallMs);
      if (m.peakRssMb !== null) rss.push(m.peakRssMb);
    }
    rows.push({ tool: 'apx lint (CLI, end to end)', ms: median(wall), rssMb: rss.length ? median(rss) : null, note: `${o.runs} runs` });

    // apx, in-process split.
    const split: LintRun[] = [];
    for (let r = 0; r < o.runs; r++) {
      const m = await measure(process.execPath, [LINT_RUN, site, MODULES.join(',')], { timeoutMs: 120_000 });
      if (!m.ok) {
        problems.push(`lint-run: exit ${m.exitCode}: ${m.stderr.slice(0, 500)}`);
        break;
      }
      split.push(JSON.parse(m.stdout.trim().split('\n').pop()!) as LintRun);
    }
    if (split.length > 0) {
      const s = split[split.length - 1]!;
      if (s.errors > 0) problems.push(`apx found ${s.errors} errors in the generated config (first: ${s.firstProblem})`);
      rows.push({
        tool: '  load (read + parse + resolve)',
        ms: median(split.map((x) => x.loadMs)),
        rssMb: null,
        note: '',
      });
      rows.push({ tool: '  lint (all rules)', ms: median(split.map((x) => x.lintMs)), rssMb: null, note: `${s.errors} errors, ${s.warnings} warnings` });
      rows.push({ tool: '  format (json)', ms: median(split.map((x) => x.formatMs)), rssMb: null, note: '' });
    }

    // Apache's configtest on the same file.
    if (APACHE === null || !existsSync(join(MODULE_DIR, 'mod_proxy.so'))) {
      rows.push({ tool: 'apache2 -t', ms: null, rssMb: null, note: 'apache2 or its modules not installed' });
    } else {
      const conf = apacheRoot(join(dir, 'apache'), site);
      const times: number[] = [];
      const mem: number[] = [];
      let note = '';
      for (let r = 0; r < o.runs; r++) {
        const m = await measure(APACHE, ['-t', '-d', join(dir, 'apache'), '-f', conf], { timeoutMs: 300_000 });
        if (!m.ok) {
          note = `failed: ${(m.stdout + m.stderr).trim().split('\n').slice(-2).join(' ')}`;
          break;
        }
        times.push(m.wallMs);
        if (m.peakRssMb !== null) mem.push(m.peakRssMb);
        note = `${o.runs} runs, "${(m.stdout + m.stderr).trim().split('\n').pop()}"`;
      }
      rows.push({ tool: 'apache2 -t (configtest)', ms: times.length ? median(times) : null, rssMb: mem.length ? median(mem) : null, note });
    }

    const bytes = Buffer.byteLength(text);
    process.stdout.write(`apx lint vs apache2 -t — ${fmt(o.vhosts)} vhosts, ${(bytes / 1_048_576).toFixed(1)} MB, median of ${o.runs}\n\n`);
    const w = Math.max(...rows.map((r) => r.tool.length));
    process.stdout.write(`${'tool'.padEnd(w)}  ${'time ms'.padStart(8)}  ${'peak MB'.padStart(8)}  notes\n`);
    for (const r of rows) process.stdout.write(`${r.tool.padEnd(w)}  ${fmt(r.ms).padStart(8)}  ${fmt(r.rssMb).padStart(8)}  ${r.note}\n`);
    const apx = rows[0]!.ms;
    const target = apx !== null && apx < TARGET_MS;
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
