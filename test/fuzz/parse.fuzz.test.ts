/**
 * Fuzzing the front end with mutated corpus files: whatever the bytes, parse() gives a tree and diagnostics,
 * never an exception; the tree prints back to the exact input; every span is inside the text with line/column
 * matching its offsets; and each input takes bounded time. src/config's load() (over an empty `memoryFs`) runs too
 * — on every seed and on a fixed quarter of the mutated inputs — and must neither throw nor blow up in time.
 *
 * Deterministic: APX_FUZZ_SEED (decimal or 0x-hex) picks the run, APX_FUZZ_ITERATIONS its length; both are
 * printed. A failure prints the seed, the iteration, the mutations applied and a shrunk reproduction.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load, memoryFs } from '../../src/config/index.js';
import { CORPUS, walkFiles } from '../support/corpus.js';
import { budgetMs, checkParse, errorText, type Problem, type ProblemKind, shrink, stopwatch } from './check.js';
import { mutate } from './mutate.js';
import { iterationSeed, mulberry32, seedFromEnv } from './prng.js';


const SEED = seedFromEnv(process.env['APX_FUZZ_SEED'], 0xa9c0_2024);
// Sized so the run takes well under 20 s on a 2-core CI machine (about 5 s here, plus up to 5 s of shrinking per kind of failure).
const ITERATIONS = Number(process.env['APX_FUZZ_ITERATIONS'] ?? 3_000);
const seedText = `0x${SEED.toString(16)}`;
console.log(`fuzz: APX_FUZZ_SEED=${seedText} APX_FUZZ_ITERATIONS=${ITERATIONS}`);

// ─────────────────────────────────────────── inputs ───────────────────────────────────────────


interface Seed {
  readonly rel: string;
  readonly text: string;
}

/** Corpus text files (binary ones, with NUL bytes, are not configs), or a few inline configs without a corpus. */
function seeds(): Seed[] {
  const out: Seed[] = [];
  for (const p of existsSync(CORPUS) ? walkFiles(CORPUS) : []) {
    const bytes = readFileSync(p);
    if (!bytes.includes(0)) out.push({ rel: relative(CORPUS, p), text: bytes.toString('utf8') });
  }
  if (out.length > 0) return out;
  console.warn(`fuzz: no corpus at ${CORPUS}; mutating built-in configs`);
  return [
    { rel: '<inline vhost>', text: '<VirtualHost *:80>\n  ServerName a.example\n  ProxyPass /app "http://b/" retry=0\n  <Location /app>\n    Require all granted\n  </Location>\n</VirtualHost>\n' },
    { rel: '<inline balancer>', text: '# balancer\n<Proxy "balancer://c">\n\tBalancerMember http://a:8080 \\\n\t\tloadfactor=2\n</Proxy>\nProxyPass / balancer://c/\n' },
  ];
}

// ─────────────────────────────────────────── load() from src/config, when it exists ───────────────────────────

type LoadProbe = (file: string, text: string) => Promise<void>;

/** load() from src/config on the same input, over an empty in-memory tree: it must never throw either. */
const probe: LoadProbe = async (file, text) => {
  load({ file, text }, { fs: memoryFs({}) });
};

// ─────────────────────────────────────────── the run ───────────────────────────────────────────

interface Failure {
  readonly kind: ProblemKind;
  readonly report: string;
}

/**
 * load() resolves the tree (variables, conditions, includes): more work per byte than parse, so its bound is
 * LOAD_BUDGET_FACTOR times parse's — still far below what a quadratic blow-up takes on a 100 kB input.
 */
const LOAD_BUDGET_FACTOR = 5;
/**
 * load() runs on every seed and on every LOAD_EVERY-th mutated input (a fixed subset, so a run is repeatable):
 * enough to find its crashes while keeping the whole file well under a minute.
 */
const LOAD_EVERY = 4;

async function checkAll(text: string, file: string, probe: LoadProbe | null): Promise<Problem | null> {
  const p = checkParse(text, file);
  if (p || !probe) return p;
  const elapsed = stopwatch();
  try {
    await probe(file, text);
  } catch (e) {
    return { kind: 'load-throw', message: `load threw ${errorText(e)}` };
  }
  const ms = elapsed();
  const budget = LOAD_BUDGET_FACTOR * budgetMs(text);
  if (ms > budget) return { kind: 'load-time', message: `load took ${ms.toFixed(0)} ms for ${text.length} characters (budget ${budget.toFixed(0)} ms)` };
  return null;
}

/** The smallest input found in 5 s that still fails the same way. */
function reproduce(text: string, kind: ProblemKind, probe: LoadProbe | null): Promise<string> {
  return shrink(text, async (t) => (await checkAll(t, 'fuzz.conf', probe))?.kind === kind, Date.now() + 5_000);
}

function describeRepro(repro: string, original: string, tag: string): string {
  const head = `minimal reproduction (${repro.length} characters, shrunk from ${original.length})`;
  if (repro.length <= 2_000) return `${head}:\n  ${JSON.stringify(repro)}`;
  const file = join(tmpdir(), `apx-fuzz-${tag}.conf`);
  writeFileSync(file, repro);
  return `${head}, written to ${file}:\n  ${runs(repro)}`;
}

/** A long reproduction as runs of repeated lines: `1000 × "<Location a>\n" + "x\n"`. */
function runs(text: string): string {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (j < lines.length && lines[j] === lines[i]) j++;
    const line = lines[i]!.length > 120 ? `${lines[i]!.slice(0, 120)}…(${lines[i]!.length} characters)` : lines[i]!;
    out.push(j - i > 1 ? `${j - i} × ${JSON.stringify(line)}` : JSON.stringify(line));
    i = j;
  }
  const shown = out.slice(0, 40).join(' + ');
  return out.length > 40 ? `${shown} + … (${out.length - 40} more runs)` : shown;
}


describe(`fuzz parse (APX_FUZZ_SEED=${seedText}, ${ITERATIONS} iterations)`, () => {
  const corpus = seeds();

  it('has seed inputs', () => {
    expect(corpus.length).toBeGreaterThan(0);
  });

  it('every unmodified seed input passes the checks (so a failure below is the mutation\'s doing)', async () => {
    const bad: string[] = [];
    for (const s of corpus) {
      const p = await checkAll(s.text, 'fuzz.conf', probe);
      if (p) bad.push(`${s.rel}: ${p.kind}: ${p.message}`);
    }
    expect(bad).toEqual([]);
  });

  it('mutated inputs give diagnostics, never exceptions, and print back exactly', async () => {
    const failures = new Map<ProblemKind, Failure>();
    const counts = new Map<ProblemKind, number>();
    const started = Date.now();
    for (let i = 0; i < ITERATIONS; i++) {
      const rng = mulberry32(iterationSeed(SEED, i));
      const source = rng.pick(corpus);
      const donor = rng.pick(corpus);
      const { text, applied } = mutate(source.text, rng, donor.text);
      const withLoad = i % LOAD_EVERY === 0 ? probe : null;
      const problem = await checkAll(text, 'fuzz.conf', withLoad);
      if (!problem) continue;
      counts.set(problem.kind, (counts.get(problem.kind) ?? 0) + 1);
      if (failures.has(problem.kind)) continue;
      const repro = await reproduce(text, problem.kind, withLoad);
      const shrunk = (await checkAll(repro, 'fuzz.conf', withLoad)) ?? problem;
      failures.set(problem.kind, {
        kind: problem.kind,
        report: [
          `${problem.kind} at iteration ${i} (seed ${seedText}), from ${source.rel}; mutations: ${applied.join(', ')}`,
          `  replay: APX_FUZZ_SEED=${seedText} APX_FUZZ_ITERATIONS=${i + 1} npx vitest run test/fuzz`,
          `  problem: ${problem.message}`,
          `  on the reproduction: ${shrunk.message}`,
          `  ${describeRepro(repro, text, `${seedText}-${i}`)}`,
        ].join('\n'),
      });
    }
    console.log(`fuzz: ${ITERATIONS} iterations in ${Date.now() - started} ms`);
    const summary = [...failures.values()].map((f) => `${f.report}\n  (${counts.get(f.kind)} inputs failed this way)`).join('\n\n');
    expect(failures.size, `fuzz failures:\n\n${summary}`).toBe(0);
  });
});

// ─────────────────────────────────────────── pathological inputs ───────────────────────────────────────────

/** Inputs the random mutations reach only rarely, each built to stress one part of the reader. */
const pathological: readonly { name: string; text: () => string }[] = [
  { name: '20,000 nested sections, closed', text: () => `${'<IfModule a>\n'.repeat(20_000)}${'</IfModule>\n'.repeat(20_000)}` },
  { name: '20,000 nested sections, never closed', text: () => '<Location /a>\n'.repeat(20_000) },
  { name: '20,000 stray closers', text: () => '</Location>\n'.repeat(20_000) },
  { name: '1 MB line of one word', text: () => `ServerAlias ${'a'.repeat(1_000_000)}\n` },
  { name: '1 MB line of quotes', text: () => `Header set X ${'"'.repeat(1_000_000)}\n` },
  { name: '1 MB line of escaped quotes', text: () => `Header set X "${'\\"'.repeat(500_000)}\n` },
  { name: '1 MB line of # after a word', text: () => `ServerAlias ${'#'.repeat(1_000_000)}\n` },
  { name: '1 MB line of <x words', text: () => `ServerAlias ${'<x '.repeat(333_333)}\n` },
  { name: '1 MB opener with no >', text: () => `<Location ${'a '.repeat(500_000)}\n` },
  { name: '100,000 continuation lines in one logical line', text: () => `ServerAlias ${'a \\\n'.repeat(100_000)}\n` },
  { name: '100,000 blank continuations then a #', text: () => `${' \\\n'.repeat(100_000)}# comment\n` },
  { name: '100,000 continuations each before a #', text: () => `ServerAlias a${'\\\n#'.repeat(100_000)}\n` },
  { name: 'comment swallowing 100,000 lines', text: () => `# note${' \\\n'.repeat(100_000)}\n` },
  { name: '100,000 lines of only a #', text: () => '#\n'.repeat(100_000) },
  { name: '100,000 CRs on one line', text: () => `ServerName a${'\r'.repeat(100_000)}\n` },
  { name: '100,000 NUL bytes', text: () => '\0'.repeat(100_000) },
  { name: '100,000 BOMs', text: () => '\uFEFF'.repeat(100_000) },
  { name: '100,000 unterminated quotes, one per line', text: () => 'ServerName "a\n'.repeat(100_000) },
  { name: '100,000 empty sections', text: () => '<>\n'.repeat(100_000) },
  { name: '100,000 openers with no > on one logical line', text: () => `${'<X \\\n'.repeat(100_000)}\n` },
];

describe('pathological inputs', () => {
  it.each(pathological)('$name', ({ text }) => {
    const t = text();
    const p = checkParse(t);
    expect(p, p ? `${p.kind}: ${p.message}` : '').toBeNull();
  });
});
