/**
 * `npm run bench:parse`: apx's parse (and parse + resolve, when src/config's load() works) beside Augeas' httpd lens on the same
 * generated 20,000-vhost reverse-proxy config, and on a 2,000-vhost one so there is a figure to compare even when
 * Augeas is slow. Each run is a fresh process measured from outside (wall time; peak RSS from `/usr/bin/time -v`,
 * else /proc VmHWM); the table shows the median of several runs.
 *
 * Targets (issue 2): apx under 1 s and under 300 MB on the 20,000-vhost file, and faster than Augeas.
 *
 *   npm run bench:parse -- [--vhosts 20000] [--small 2000] [--runs 5] [--augeas-runs 3] [--augeas-timeout 120]
 *                          [--keep] [--check]
 * --check exits 1 when a target is missed (by default the bench only reports); a run that did not really parse
 * the file (wrong vhost count, errors) always exits 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApxRun } from './lib/apx-run.js';
import { augtoolPath, runAugeas } from './lib/augeas.js';
import { STAGE_LABEL, type Stage } from './lib/config-stage.js';
import { generateConfig } from './lib/generate.js';
import { haveGnuTime, measure, median } from './lib/measure.js';

interface Options {
  vhosts: number;
  small: number;
  runs: number;
  augeasRuns: number;
  augeasTimeoutS: number;
  keep: boolean;
  check: boolean;
}

function options(argv: readonly string[]): Options {
  const o: Options = { vhosts: 20_000, small: 2_000, runs: 5, augeasRuns: 3, augeasTimeoutS: 120, keep: false, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${a} needs a positive integer`);
      return v;
    };
    if (a === '--vhosts') o.vhosts = num();
    else if (a === '--small') o.small = num();
    else if (a === '--runs') o.runs = num();
    else if (a === '--augeas-runs') o.augeasRuns = num();
    else if (a === '--augeas-timeout') o.augeasTimeoutS = num();
    else if (a === '--keep') o.keep = true;
    else if (a === '--check') o.check = true;
    else throw new Error(`unknown option ${a} (see the comment at the top of bench/parse.ts)`);
  }
  return o;
}

interface Row {
  tool: string;
  bytes: number;
  vhosts: number;
  /** Median of the work alone: apx read+parse(+resolve) inside its process, Augeas' `load` command. */
  parseMs: number | null;
  processMs: number | null;
  rssMb: number | null;
  runs: number;
  /** Shown instead of figures when the runs did not complete. */
  note: string | null;
}

const APX_RUN = fileURLToPath(new URL('./lib/apx-run.js', import.meta.url));

async function benchApx(file: string, bytes: number, vhosts: number, runs: number, stage: Stage, problems: string[]): Promise<Row> {
  const parse: number[] = [];
  const wall: number[] = [];
  const rss: number[] = [];
  const tool = `apx (${STAGE_LABEL[stage]})`;
  for (let r = 0; r < runs; r++) {
    const m = await measure(process.execPath, [APX_RUN, file, stage], { timeoutMs: 300_000 });
    if (!m.ok) {
      problems.push(`${tool} on ${vhosts} vhosts: ${m.timedOut ? 'timed out' : `exit ${m.exitCode}`}: ${m.stderr.trim().slice(0, 500)}`);
      return { tool, bytes, vhosts, parseMs: null, processMs: null, rssMb: null, runs: r, note: 'failed' };
    }
    const run = JSON.parse(m.stdout.trim().split('\n').pop()!) as ApxRun;
    if (run.vhosts !== vhosts || run.errors > 0) {
      problems.push(`${tool} on ${vhosts} vhosts did not read it cleanly: ${run.vhosts} vhosts, ${run.errors} errors${run.firstError ? ` (first: ${run.firstError})` : ''}`);
    }
    parse.push(run.workMs);
    wall.push(m.wallMs);
    rss.push(m.peakRssMb ?? run.maxRssMb);
  }
  return { tool, bytes, vhosts, parseMs: median(parse), processMs: median(wall), rssMb: median(rss), runs, note: null };
}

async function benchAugeas(augtool: string, dir: string, file: string, bytes: number, vhosts: number, runs: number, timeoutS: number, problems: string[]): Promise<Row> {
  const load: number[] = [];
  const wall: number[] = [];
  const rss: number[] = [];
  for (let r = 0; r < runs; r++) {
    const a = await runAugeas(augtool, file, vhosts, join(dir, `augtool-${vhosts}.cmds`), timeoutS * 1000);
    if (a.measured.timedOut) return { tool: 'augeas (httpd lens)', bytes, vhosts, parseMs: null, processMs: null, rssMb: null, runs: r, note: `> ${timeoutS} s` };
    if (a.problem !== null || a.loadMs === null) {
      problems.push(`augeas on ${vhosts} vhosts: ${a.problem ?? 'no load time'}`);
      return { tool: 'augeas (httpd lens)', bytes, vhosts, parseMs: null, processMs: null, rssMb: null, runs: r, note: 'failed' };
    }
    load.push(a.loadMs);
    wall.push(a.measured.wallMs);
    if (a.measured.peakRssMb !== null) rss.push(a.measured.peakRssMb);
  }
  return { tool: 'augeas (httpd lens)', bytes, vhosts, parseMs: median(load), processMs: median(wall), rssMb: rss.length ? median(rss) : null, runs, note: null };
}

// ─────────────────────────────────────────── output ───────────────────────────────────────────

const fmt = (n: number | null, digits = 0): string => (n === null || Number.isNaN(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const mb = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;

function ratio(augeas: number | null | undefined, apx: number | null): string {
  if (augeas === null || augeas === undefined || apx === null || apx === 0) return 'n/a';
  return `${(augeas / apx).toFixed(1)}×`;
}

function table(rows: readonly Row[]): string {
  const header = ['tool', 'file size', 'vhosts', 'runs', 'median parse ms', 'median process ms', 'peak RSS MB', 'Augeas ÷ apx (parse ms / RSS)'];
  const body = rows.map((r) => {
    const peer = rows.find((p) => p.tool.startsWith('augeas') && p.vhosts === r.vhosts);
    const vs = r.tool.startsWith('apx') ? (peer?.note ? `Augeas ${peer.note}` : `${ratio(peer?.parseMs, r.parseMs)} / ${ratio(peer?.rssMb, r.rssMb)}`) : '';
    return [r.tool, mb(r.bytes), fmt(r.vhosts), String(r.runs), r.note ?? fmt(r.parseMs), r.note ?? fmt(r.processMs), r.note ?? fmt(r.rssMb), vs];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i >= 1 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'apx-bench-'));
  const problems: string[] = [];
  const rows: Row[] = [];
  const stages: Stage[] = ['parse', 'resolve'];
  console.log(`apx bench:parse — ${o.runs} runs each, median; peak RSS from ${haveGnuTime() ? '/usr/bin/time -v' : '/proc VmHWM'}; files in ${dir}`);
  const augtool = augtoolPath();
  try {
    const sizes = [...new Set([o.vhosts, o.small])];
    for (const n of sizes) {
      const { text } = generateConfig(n);
      const file = join(dir, `vhosts-${n}.conf`);
      writeFileSync(file, text);
      const bytes = Buffer.byteLength(text);
      console.log(`\n${n.toLocaleString('en-US')} vhosts, ${mb(bytes)}: ${file}`);

      for (const stage of stages) {
        const row = await benchApx(file, bytes, n, o.runs, stage, problems);
        rows.push(row);
        console.log(`  ${row.tool}: ${row.note ?? `${fmt(row.parseMs)} ms, ${fmt(row.rssMb)} MB`}`);
      }

      if (augtool) {
        const aug = await benchAugeas(augtool, dir, file, bytes, n, o.augeasRuns, o.augeasTimeoutS, problems);
        rows.push(aug);
        console.log(`  augeas: ${aug.note ?? `${fmt(aug.parseMs)} ms, ${fmt(aug.rssMb)} MB`}`);
      }
    }
  } finally {
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }

  console.log('');
  console.log(table(rows));
  console.log('');
  console.log('parse ms: apx = read + parse (or read + load(), which parses and resolves) inside its process; Augeas = its `load` command (augtool --timing).');
  console.log('process ms: the whole child process from spawn to exit (Node start-up, Augeas lens compilation included).');
  if (!augtool) console.log('augeas: not installed (apt-get install augeas-tools)');

  // Issue 2's target is on parse + resolve (what every command does); parse alone stands in when load() is absent.
  const parsedOnly = rows.find((r) => r.tool === `apx (${STAGE_LABEL.parse})` && r.vhosts === o.vhosts);
  const resolved = rows.find((r) => r.tool === `apx (${STAGE_LABEL.resolve})` && r.vhosts === o.vhosts);
  const target = resolved ?? parsedOnly;
  const stage = resolved ? STAGE_LABEL.resolve : STAGE_LABEL.parse;
  const peer = rows.find((r) => r.tool.startsWith('augeas') && r.vhosts === o.vhosts);
  const verdict = (ok: boolean | null): string => (ok === null ? 'n/a ' : ok ? 'PASS' : 'FAIL');
  const faster = !peer ? null : peer.note?.startsWith('>') ? true : peer.parseMs === null || target?.parseMs == null ? null : target.parseMs < peer.parseMs;
  const checks: [string, boolean | null][] = [
    [`apx ${stage} of ${o.vhosts.toLocaleString('en-US')} vhosts under 1 s (median ${fmt(target?.parseMs ?? null)} ms)`, target?.parseMs == null ? null : target.parseMs < 1_000],
    [`apx peak RSS under 300 MB (median ${fmt(target?.rssMb ?? null)} MB)`, target?.rssMb == null ? null : target.rssMb < 300],
    [`apx faster than Augeas (${peer ? (peer.note ?? `${fmt(peer.parseMs)} ms`) : 'not installed'})`, faster],
  ];
  console.log('\ntargets (issue 2):');
  for (const [what, ok] of checks) console.log(`  ${verdict(ok)}  ${what}`);
  if (resolved && parsedOnly) console.log(`  info  apx (${STAGE_LABEL.parse}): median ${fmt(parsedOnly.parseMs)} ms, ${fmt(parsedOnly.rssMb)} MB`);
  if (problems.length > 0) {
    console.log('\nproblems:');
    for (const p of problems) console.log(`  ${p}`);
    process.exitCode = 1;
  } else if (o.check && checks.some(([, ok]) => ok === false)) {
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
